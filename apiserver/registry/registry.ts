// One generic registry for every resource: create, get, list, update (main resource or a subresource), patch,
// delete and deletecollection over an ObjectStore, with Kubernetes' rules for what the server owns (uid,
// timestamps, generation, status versus spec), optimistic concurrency, graceful deletion and finalizers. What
// differs per resource comes from its Strategy.
import { apiVersionOf, type ResourceInfo } from '../../api/k8s/resources.js';
import { errors, FieldInvalid, StatusError, type StatusCause } from '../http/status.js';
import { clone, deepEqual, generatedName, meta, newUid, specOf, timestamp } from './meta.js';
import { StoreAlreadyExists, StoreConflict, type KubeObject, type ListOptions, type ObjectStore, type Preconditions } from './object-store.js';
import type { FieldError, Strategy } from './strategy.js';

/** Defaults, validation and unknown-field detection for the served kinds (api/k8s). */
export interface TypeSystem {
  applyDefaults(obj: KubeObject): void;
  /** Schema-level and kind-level validation; empty when valid. */
  validate(info: ResourceInfo, obj: KubeObject, old: KubeObject | undefined): FieldError[];
  /** Paths of fields the kind's schema does not know, as ".spec.foo". */
  unknownFields(obj: KubeObject): string[];
  /** How patches see the kind (strategic merge needs list merge keys). */
  applyPatch(contentType: string, original: KubeObject, patch: unknown): unknown;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
}

export interface WriteResult {
  object: KubeObject;
  created: boolean;
  warnings: string[];
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: Preconditions;
}

export interface Namespaces {
  /** Throws NotFound / Forbidden when objects may not be created in `namespace`. */
  checkCreatable(namespace: string): Promise<void>;
}

export class Registry {
  constructor(
    readonly info: ResourceInfo,
    private readonly store: ObjectStore,
    private readonly types: TypeSystem,
    private readonly strategy: Strategy,
    private readonly namespaces: Namespaces,
  ) {}

  get hasStatus(): boolean {
    return this.info.subresources.some((s) => s.name === 'status');
  }

  key(namespace: string | undefined, name: string): string {
    return this.info.namespaced ? `/registry/${this.info.resource}/${namespace}/${name}` : `/registry/${this.info.resource}/${name}`;
  }

  /** The prefix of every object (namespace undefined) or of one namespace's objects; always ends in "/". */
  prefix(namespace: string | undefined): string {
    return this.info.namespaced && namespace !== undefined ? `/registry/${this.info.resource}/${namespace}/` : `/registry/${this.info.resource}/`;
  }

  // ---- reads ----

  async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    const obj = await this.store.get(this.key(namespace, name));
    if (!obj) throw errors.notFound(this.info, name);
    return this.withTypeMeta(obj);
  }

  async list(namespace: string | undefined, options: ListOptions): Promise<Record<string, unknown>> {
    const result = await this.store.list(this.prefix(namespace), options);
    const metadata: Record<string, unknown> = { resourceVersion: result.resourceVersion };
    if (result.continueToken) metadata.continue = result.continueToken;
    if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
    return { kind: this.info.listKind, apiVersion: apiVersionOf(this.info), metadata, items: result.items.map((o) => this.withTypeMeta(o)) };
  }

  // ---- create ----

  async create(namespace: string | undefined, body: KubeObject, options: WriteOptions = {}): Promise<WriteResult> {
    const obj = clone(body);
    const warnings = this.checkTypeMeta(obj, options);
    const m = (obj.metadata ??= {});
    if (this.info.namespaced) {
      if (m.namespace !== undefined && m.namespace !== '' && m.namespace !== namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      m.namespace = namespace;
      await this.namespaces.checkCreatable(namespace!);
    } else {
      delete m.namespace;
    }
    if ((m.name === undefined || m.name === '') && typeof m.generateName === 'string' && m.generateName !== '') m.name = generatedName(m.generateName);
    // What only the server sets.
    m.uid = newUid();
    m.creationTimestamp = timestamp();
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.selfLink;
    if (this.strategy.tracksGeneration) m.generation = 1;
    else delete m.generation;
    this.types.applyDefaults(obj);
    this.validate(obj, undefined);
    if (this.strategy.prepareForCreate) await this.asInvalid(obj, () => this.strategy.prepareForCreate!(obj));
    if (options.dryRun) return { object: obj, created: true, warnings };
    try {
      return { object: this.withTypeMeta(await this.store.create(this.key(namespace, m.name!), obj)), created: true, warnings };
    } catch (e) {
      if (e instanceof StoreAlreadyExists) throw errors.alreadyExists(this.info, m.name!);
      throw e;
    }
  }

  // ---- update and patch ----

  /** PUT: the whole object (of the main resource, or of the status subresource). */
  async update(namespace: string | undefined, name: string, body: KubeObject, subresource: 'status' | undefined, options: WriteOptions = {}): Promise<WriteResult> {
    const incoming = clone(body);
    const warnings = this.checkTypeMeta(incoming, options);
    const m = (incoming.metadata ??= {});
    if (m.name !== undefined && m.name !== name) throw errors.badRequest(`the name of the object (${m.name}) does not match the name on the URL (${name})`);
    if (this.info.namespaced && m.namespace !== undefined && m.namespace !== '' && m.namespace !== namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    m.name = name;
    const precondition = typeof m.resourceVersion === 'string' && m.resourceVersion !== '' ? m.resourceVersion : undefined;
    const updated = await this.updateWith(namespace, name, () => incoming, subresource, options, precondition);
    if (updated) return { ...updated, warnings };
    if (this.strategy.allowCreateOnUpdate && subresource === undefined) return this.create(namespace, incoming, options);
    throw errors.notFound(this.info, name);
  }

  /** PATCH: the patch applies to the object as stored; a resourceVersion it sets is a precondition. */
  async patch(namespace: string | undefined, name: string, contentType: string, patch: unknown, subresource: 'status' | undefined, options: WriteOptions = {}): Promise<WriteResult> {
    const warnings: string[] = [];
    const updated = await this.updateWith(
      namespace,
      name,
      (current) => {
        const currentRv = current.metadata.resourceVersion;
        const patched = this.types.applyPatch(contentType, this.withTypeMeta(clone(current)), patch);
        if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) throw errors.badRequest('the patch did not produce an object');
        const next = patched as KubeObject;
        warnings.push(...this.checkTypeMeta(next, options));
        const m = (next.metadata ??= {});
        if (m.name !== name) throw errors.badRequest(`the name of the object (${String(m.name)}) does not match the name on the URL (${name})`);
        // A patch that sets metadata.resourceVersion asks for optimistic concurrency (kubectl apply does not).
        if (m.resourceVersion !== undefined && m.resourceVersion !== currentRv) throw errors.conflict(this.info, name);
        return next;
      },
      subresource,
      options,
      undefined,
    );
    if (!updated) throw errors.notFound(this.info, name);
    return { ...updated, warnings };
  }

  /** A server-side change of the stored object through the usual rules (binding, scale). */
  async patchWith(namespace: string | undefined, name: string, options: WriteOptions, change: (current: KubeObject) => KubeObject): Promise<KubeObject> {
    const updated = await this.updateWith(namespace, name, (current) => change(this.withTypeMeta(current)), undefined, options, undefined, true);
    if (!updated) throw errors.notFound(this.info, name);
    return updated.object;
  }

  /**
   * The read-modify-write shared by update and patch. `produce` turns the stored object into what the client
   * asked for; the server's rules then carry over what the client may not change, and the write is guarded by
   * the version read (retried by the store if someone else wrote in between, unless the client named a version).
   */
  private async updateWith(
    namespace: string | undefined,
    name: string,
    produce: (current: KubeObject) => KubeObject,
    subresource: 'status' | undefined,
    options: WriteOptions,
    precondition: string | undefined,
    /** The server itself changes status too (binding sets PodScheduled): keep what `produce` wrote there. */
    keepStatus = false,
  ): Promise<{ object: KubeObject; created: boolean } | undefined> {
    let result: KubeObject | undefined;
    const write = async (current: KubeObject): Promise<KubeObject> => {
      if (precondition !== undefined && current.metadata.resourceVersion !== precondition) throw errors.conflict(this.info, name);
      const next = produce(clone(current));
      const status = next.status;
      await this.carryOver(next, current, subresource);
      if (keepStatus) next.status = status;
      this.validate(next, current);
      if (options.dryRun) {
        result = next;
        throw new DryRunDone();
      }
      return next;
    };
    let updated: KubeObject | undefined;
    try {
      updated = await this.store.guaranteedUpdate(this.key(namespace, name), write);
    } catch (e) {
      if (e instanceof DryRunDone) return { object: this.withTypeMeta(result!), created: false };
      if (e instanceof StoreConflict) throw errors.conflict(this.info, name);
      throw e;
    }
    if (!updated) return undefined;
    // The last finalizer of an object being deleted is gone: the object goes with it.
    const m = updated.metadata;
    if (m.deletionTimestamp && (m.finalizers ?? []).length === 0 && !this.pendingNamespaceFinalizers(updated) && !(m.deletionGracePeriodSeconds && m.deletionGracePeriodSeconds > 0)) {
      const gone = await this.store.delete(this.key(namespace, name), { uid: m.uid, resourceVersion: m.resourceVersion });
      if (gone) await this.strategy.afterDelete?.(gone);
    }
    return { object: this.withTypeMeta(updated), created: false };
  }

  /** Namespaces also wait for spec.finalizers (the "kubernetes" finalizer their contents' removal clears). */
  private pendingNamespaceFinalizers(obj: KubeObject): boolean {
    if (this.info.resource !== 'namespaces') return false;
    const spec = obj.spec as { finalizers?: string[] } | undefined;
    return (spec?.finalizers ?? []).length > 0;
  }

  /** What an update may not change, as Kubernetes' strategies and ObjectMeta rules say. */
  private async carryOver(next: KubeObject, old: KubeObject, subresource: 'status' | undefined): Promise<void> {
    const m = (next.metadata ??= {});
    const o = old.metadata;
    m.name = o.name;
    if (this.info.namespaced) m.namespace = o.namespace;
    m.uid = o.uid;
    m.creationTimestamp = o.creationTimestamp;
    m.resourceVersion = o.resourceVersion;
    // deletionTimestamp only moves through delete; a client cannot set or clear it.
    if (o.deletionTimestamp) {
      m.deletionTimestamp = o.deletionTimestamp;
      m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
    } else {
      delete m.deletionTimestamp;
      delete m.deletionGracePeriodSeconds;
    }
    if (subresource === 'status') {
      // A status write changes status only (ResetObjectMetaForStatus): spec and metadata stay as stored.
      const status = next.status;
      for (const k of Object.keys(next)) if (k !== 'status') delete next[k];
      Object.assign(next, clone({ ...old, status }));
      if (status === undefined) delete next.status;
      return;
    }
    if (o.deletionTimestamp) {
      // Being deleted: finalizers may only be removed, never added.
      const before = new Set(o.finalizers ?? []);
      const added = (m.finalizers ?? []).filter((f) => !before.has(f));
      if (added.length > 0) throw errors.forbidden(`${this.info.kind} "${o.name}" is being deleted: no new finalizers can be added: ${added.join(', ')}`);
    }
    this.types.applyDefaults(next);
    if (this.hasStatus) {
      if (old.status === undefined) delete next.status;
      else next.status = clone(old.status);
    }
    if (this.strategy.tracksGeneration) {
      m.generation = (o.generation ?? 1) + (deepEqual(specOf(next), specOf(old)) ? 0 : 1);
    } else if (o.generation !== undefined) {
      m.generation = o.generation;
    }
    if (this.strategy.prepareForUpdate) await this.asInvalid(next, () => this.strategy.prepareForUpdate!(next, old));
  }

  // ---- delete ----

  async delete(namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<{ object: KubeObject; finished: boolean }> {
    const key = this.key(namespace, name);
    const current = await this.store.get(key);
    if (!current) throw errors.notFound(this.info, name);
    checkPreconditions(this.info, current, options.preconditions);
    const m = current.metadata;
    const grace = this.strategy.gracePeriod ? this.strategy.gracePeriod(current, options.gracePeriodSeconds) : 0;
    const policyFinalizer = options.propagationPolicy === 'Orphan' ? 'orphan' : options.propagationPolicy === 'Foreground' ? 'foregroundDeletion' : undefined;
    const needsFinalizers = (m.finalizers ?? []).length > 0 || policyFinalizer !== undefined || this.pendingNamespaceFinalizers(current);
    if (!needsFinalizers && grace === 0) {
      if (options.dryRun) return { object: this.withTypeMeta(current), finished: true };
      const gone = await this.store.delete(key, { uid: m.uid, resourceVersion: m.resourceVersion });
      if (!gone) throw errors.conflict(this.info, name);
      await this.strategy.afterDelete?.(gone);
      return { object: this.withTypeMeta(gone), finished: true };
    }
    // Graceful: mark the object; its finalizers' owners (or the node agent, for a pod) finish the job.
    if (options.dryRun) return { object: this.withTypeMeta(current), finished: false };
    const updated = await this.store.guaranteedUpdate(
      key,
      (obj) => {
        const next = clone(obj);
        const nm = next.metadata;
        checkPreconditions(this.info, next, options.preconditions);
        if (policyFinalizer && !(nm.finalizers ?? []).includes(policyFinalizer)) nm.finalizers = [...(nm.finalizers ?? []), policyFinalizer];
        const now = Date.now();
        if (!nm.deletionTimestamp) {
          nm.deletionTimestamp = timestamp(new Date(now + grace * 1000));
          nm.deletionGracePeriodSeconds = grace;
          if (this.strategy.tracksGeneration) nm.generation = (nm.generation ?? 1) + 1;
        } else if (nm.deletionGracePeriodSeconds !== undefined && grace < nm.deletionGracePeriodSeconds) {
          // A shorter grace period may cut a graceful deletion short (kubectl delete --grace-period=0 --force).
          nm.deletionTimestamp = timestamp(new Date(now + grace * 1000));
          nm.deletionGracePeriodSeconds = grace;
        }
        if (this.info.resource === 'namespaces') next.status = { ...(next.status as object | undefined), phase: 'Terminating' };
        return next;
      },
      undefined,
    );
    if (!updated) throw errors.notFound(this.info, name);
    const um = updated.metadata;
    if ((um.finalizers ?? []).length === 0 && !this.pendingNamespaceFinalizers(updated) && (um.deletionGracePeriodSeconds ?? 0) === 0) {
      const gone = await this.store.delete(key, { uid: um.uid });
      if (gone) {
        await this.strategy.afterDelete?.(gone);
        return { object: this.withTypeMeta(gone), finished: true };
      }
    }
    return { object: this.withTypeMeta(updated), finished: false };
  }

  // ---- shared checks ----

  /** apiVersion and kind must name this resource's kind (or be absent, then they are filled in). */
  private checkTypeMeta(obj: KubeObject, options: WriteOptions): string[] {
    const apiVersion = apiVersionOf(this.info);
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
      throw errors.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`);
    }
    if (obj.kind !== undefined && obj.kind !== this.info.kind) {
      throw errors.badRequest(`${String(obj.kind)} in version "${this.info.version}" cannot be handled as a ${this.info.kind}: the kind in the data does not match the resource`);
    }
    obj.apiVersion = apiVersion;
    obj.kind = this.info.kind;
    if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) {
      if (obj.metadata !== undefined) throw errors.badRequest(`${this.info.kind} in version "${this.info.version}" cannot be handled as a ${this.info.kind}: metadata must be an object`);
      obj.metadata = {};
    }
    const unknown = options.fieldValidation === 'Ignore' ? [] : this.types.unknownFields(obj);
    if (unknown.length === 0) return [];
    if (options.fieldValidation === 'Strict') {
      // The real apiserver's wording, which kubectl prints after "Error from server (BadRequest): ".
      const list = unknown.map((p) => `unknown field "${p.replace(/^\./, '')}"`).join(', ');
      throw errors.badRequest(`${this.info.kind} in version "${this.info.version}" cannot be handled as a ${this.info.kind}: strict decoding error: ${list}`);
    }
    return unknown.map((p) => `unknown field "${p.replace(/^\./, '')}"`);
  }

  private validate(obj: KubeObject, old: KubeObject | undefined): void {
    const problems = [...this.types.validate(this.info, obj, old), ...(this.strategy.validate?.(obj, old) ?? [])];
    if (problems.length === 0) return;
    const name = meta(obj).name ?? '';
    const kindName = this.info.group === '' ? this.info.kind : `${this.info.kind}.${this.info.group}`;
    const listed = problems.map((p) => `${p.field}: ${p.message}`);
    const message = `${kindName} "${name}" is invalid: ${listed.length === 1 ? listed[0] : `[${listed.join(', ')}]`}`;
    const causes: StatusCause[] = problems.map((p) => ({ reason: p.type, message: p.message, field: p.field }));
    throw errors.invalid(this.info.kind, this.info.group, name, message, causes);
  }

  /** A FieldInvalid from a strategy (an allocation that failed) becomes the kind's 422 Invalid. */
  private async asInvalid(obj: KubeObject, prepare: () => void | Promise<void>): Promise<void> {
    try {
      await prepare();
    } catch (e) {
      if (!(e instanceof FieldInvalid)) throw e;
      const name = meta(obj).name ?? '';
      const kindName = this.info.group === '' ? this.info.kind : `${this.info.kind}.${this.info.group}`;
      throw errors.invalid(this.info.kind, this.info.group, name, `${kindName} "${name}" is invalid: ${e.message}`, [{ reason: 'FieldValueInvalid', message: `Invalid value: ${e.value}: ${e.detail}`, field: e.field }]);
    }
  }

  withTypeMeta(obj: KubeObject): KubeObject {
    return { apiVersion: apiVersionOf(this.info), kind: this.info.kind, ...obj };
  }
}

class DryRunDone extends Error {}

function checkPreconditions(info: ResourceInfo, obj: KubeObject, pre: Preconditions | undefined): void {
  if (!pre) return;
  const m = obj.metadata;
  const name = m.name ?? '';
  if (pre.uid !== undefined && pre.uid !== m.uid) {
    throw errors.conflict(info, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${m.uid ?? ''}`);
  }
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== m.resourceVersion) {
    throw errors.conflict(info, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${m.resourceVersion ?? ''}`);
  }
}

export { StatusError };
