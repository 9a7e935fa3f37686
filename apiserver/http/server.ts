// The apiserver's HTTP edge: routes each request to discovery, OpenAPI, health, or a resource registry; speaks
// JSON (and YAML bodies), Kubernetes Status errors, Table responses for kubectl, and chunked watch streams.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { apiVersionOf, type ResourceInfo } from '../../api/k8s/resources.js';
import { StoreExpired, type KubeObject, type ListOptions, type ObjectStore, type WatchEvent } from '../registry/object-store.js';
import type { DeleteOptions, FieldValidation, Registry, WriteOptions } from '../registry/registry.js';
import { bindPod, scaleOf, writeScale } from '../registry/subresources.js';
import { mediaType, parseBody, readBody, requireObject } from './body.js';
import { negotiate, type ResponseShape } from './negotiate.js';
import { parseRequest, type ResourceRequest } from './request-info.js';
import { errors, StatusError, successStatus } from './status.js';

export interface NonResourceResponse {
  status: number;
  body: unknown;
}

export interface ApiDeps {
  registry(info: ResourceInfo): Registry;
  /** Label and field selectors to a predicate; throws a 400 StatusError for a bad selector. */
  predicate(info: ResourceInfo, labelSelector: string | null, fieldSelector: string | null): ((obj: KubeObject) => boolean) | undefined;
  /** A meta.k8s.io/v1 Table of `objects`. */
  toTable(info: ResourceInfo, objects: KubeObject[], listMeta: Record<string, unknown>, includeObject: 'None' | 'Metadata' | 'Object'): Record<string, unknown>;
  /** /version, discovery, OpenAPI and health; undefined when the path is not one of them. */
  nonResource(path: string, query: URLSearchParams, accept: string | undefined): NonResourceResponse | undefined;
  /** Where watches come from (the watch cache). */
  watchSource: Pick<ObjectStore, 'watch'>;
  /** Answers readiness: false while the store is unreachable. */
  ready(): Promise<boolean>;
}

export class ApiServer {
  private server: Server | undefined;
  private readonly watches = new Set<AbortController>();

  constructor(
    private readonly deps: ApiDeps,
    private readonly logger: Logger,
  ) {}

  async listen(host: string, port: number): Promise<AddressInfo> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 65_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    for (const w of this.watches) w.abort();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://apiserver');
    try {
      await this.route(req, res, url);
    } catch (e) {
      this.fail(res, e);
    } finally {
      this.logger.debug({ method: req.method, path: url.pathname, status: res.statusCode, ms: Date.now() - started }, 'request');
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const info = parseRequest(method, url.pathname, url.searchParams);
    if (info.kind === 'nonResource') {
      if (url.pathname === '/readyz' || url.pathname === '/healthz' || url.pathname === '/livez') {
        const ok = url.pathname === '/livez' || (await this.deps.ready());
        res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(ok ? 'ok' : 'store not reachable');
        return;
      }
      const answer = this.deps.nonResource(url.pathname, url.searchParams, req.headers.accept);
      if (!answer) throw errors.pathNotFound();
      this.json(res, answer.status, answer.body);
      return;
    }
    if (info.kind === 'unknown') throw errors.pathNotFound();
    await this.resource(req, res, url, info);
  }

  private async resource(req: IncomingMessage, res: ServerResponse, url: URL, r: ResourceRequest): Promise<void> {
    const q = url.searchParams;
    const registry = this.deps.registry(r.info);
    const shape = negotiate(req.headers.accept, q);
    const write: WriteOptions = { dryRun: q.getAll('dryRun').includes('All'), fieldValidation: fieldValidation(q.get('fieldValidation')) };
    const sub = r.subresource;
    switch (r.verb) {
      case 'get': {
        const obj = await registry.get(r.namespace, r.name!);
        if (sub === 'scale') return this.json(res, 200, scaleOf(obj));
        if (sub === 'log') throw errors.badRequest(`pod ${r.name} has no node agent serving its logs yet`);
        return this.respondObjects(res, 200, r.info, shape, [obj], undefined);
      }
      case 'list': {
        const list = await registry.list(r.namespace, this.listOptions(r.info, q));
        const items = list.items as KubeObject[];
        return this.respondObjects(res, 200, r.info, shape, items, list);
      }
      case 'watch':
        return this.watch(req, res, r, registry, shape, q);
      case 'create': {
        const body = requireObject(parseBody(await readBody(req), req.headers['content-type']));
        if (sub === 'binding') {
          await bindPod(registry, r.namespace!, r.name!, body, write);
          return this.json(res, 201, successStatus());
        }
        if (sub === 'eviction') {
          const opts = deleteOptionsFrom((body.deleteOptions ?? {}) as Record<string, unknown>, q);
          await registry.delete(r.namespace, r.name!, { ...opts, dryRun: write.dryRun });
          return this.json(res, 201, successStatus());
        }
        if (sub !== undefined || r.name !== undefined) throw errors.methodNotAllowed();
        const result = await registry.create(r.namespace, body as KubeObject, write);
        this.warn(res, result.warnings);
        return this.json(res, 201, result.object);
      }
      case 'update': {
        const body = requireObject(parseBody(await readBody(req), req.headers['content-type']));
        if (sub === 'scale') return this.json(res, 200, scaleOf(await writeScale(registry, r.namespace!, r.name!, body, write)));
        const subresource = sub === 'status' || sub === 'finalize' ? 'status' : undefined;
        if (sub === 'finalize') {
          // PUT namespaces/{name}/finalize: only spec.finalizers changes.
          const finalizers = ((body.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).slice();
          const obj = await registry.patchWith(undefined, r.name!, write, (ns) => {
            (ns.spec as Record<string, unknown>).finalizers = finalizers;
            return ns;
          });
          return this.json(res, 200, obj);
        }
        const result = await registry.update(r.namespace, r.name!, body as KubeObject, subresource, write);
        this.warn(res, result.warnings);
        return this.json(res, result.created ? 201 : 200, result.object);
      }
      case 'patch': {
        const contentType = mediaType(req.headers['content-type']);
        const patch = parseBody(await readBody(req), contentType);
        if (sub === 'scale') {
          const current = scaleOf(await registry.get(r.namespace, r.name!));
          const patched = patchScale(contentType, current, patch) as Record<string, unknown>;
          return this.json(res, 200, scaleOf(await writeScale(registry, r.namespace!, r.name!, patched, write)));
        }
        const result = await registry.patch(r.namespace, r.name!, contentType, patch, sub === 'status' ? 'status' : undefined, write);
        this.warn(res, result.warnings);
        return this.json(res, 200, result.object);
      }
      case 'delete': {
        const raw = await readBody(req);
        const body = raw.length > 0 ? requireObject(parseBody(raw, req.headers['content-type'])) : {};
        const opts = deleteOptionsFrom(body, q);
        const { object, finished } = await registry.delete(r.namespace, r.name!, { ...opts, dryRun: write.dryRun || (body.dryRun as string[] | undefined)?.includes('All') });
        const strategyReturnsObject = r.info.resource === 'pods' || !finished;
        if (strategyReturnsObject) return this.json(res, 200, object);
        return this.json(res, 200, successStatus({ name: object.metadata.name, ...(r.info.group ? { group: r.info.group } : {}), kind: r.info.resource, uid: object.metadata.uid }));
      }
      case 'deletecollection': {
        const raw = await readBody(req);
        const body = raw.length > 0 ? requireObject(parseBody(raw, req.headers['content-type'])) : {};
        const opts = deleteOptionsFrom(body, q);
        const list = await registry.list(r.namespace, this.listOptions(r.info, q));
        const deleted: KubeObject[] = [];
        for (const obj of list.items as KubeObject[]) {
          try {
            deleted.push((await registry.delete(obj.metadata.namespace, obj.metadata.name!, { ...opts, dryRun: write.dryRun })).object);
          } catch (e) {
            if (!(e instanceof StatusError && e.code === 404)) throw e;
          }
        }
        return this.json(res, 200, { kind: r.info.listKind, apiVersion: (list as { apiVersion: string }).apiVersion, metadata: {}, items: deleted });
      }
      default:
        throw errors.methodNotAllowed();
    }
  }

  private listOptions(info: ResourceInfo, q: URLSearchParams): ListOptions {
    const limit = q.get('limit');
    const predicate = this.deps.predicate(info, q.get('labelSelector'), q.get('fieldSelector'));
    const rvMatch = q.get('resourceVersionMatch');
    return {
      limit: limit === null || limit === '' ? undefined : positiveInt(limit, 'limit'),
      continueToken: q.get('continue') || undefined,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      resourceVersionMatch: rvMatch === 'Exact' || rvMatch === 'NotOlderThan' ? (rvMatch as 'Exact' | 'NotOlderThan') : undefined,
      predicate,
    };
  }

  private respondObjects(res: ServerResponse, status: number, info: ResourceInfo, shape: ResponseShape, items: KubeObject[], list: Record<string, unknown> | undefined): void {
    if (shape.kind === 'table') {
      const listMeta = (list?.metadata as Record<string, unknown> | undefined) ?? { resourceVersion: items[0]?.metadata.resourceVersion };
      return this.json(res, status, this.deps.toTable(info, items, listMeta, shape.includeObject));
    }
    this.json(res, status, list ?? items[0]);
  }

  private async watch(req: IncomingMessage, res: ServerResponse, r: ResourceRequest, registry: Registry, shape: ResponseShape, q: URLSearchParams): Promise<void> {
    const predicate = this.deps.predicate(r.info, q.get('labelSelector'), q.get('fieldSelector'));
    const name = r.name;
    const byName = name === undefined ? predicate : (obj: KubeObject) => obj.metadata.name === name && (predicate?.(obj) ?? true);
    const timeoutSeconds = q.get('timeoutSeconds');
    // Kubernetes picks a random timeout between the minimum and twice it when the client names none.
    const timeoutMs = (timeoutSeconds !== null && timeoutSeconds !== '' ? positiveInt(timeoutSeconds, 'timeoutSeconds') : 1800 + Math.floor(Math.random() * 1800)) * 1000;
    const abort = new AbortController();
    this.watches.add(abort);
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    req.on('close', () => abort.abort());
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    const send = (event: WatchEvent) => {
      let object = event.object;
      if (shape.kind === 'table' && (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED')) {
        object = this.deps.toTable(r.info, [registry.withTypeMeta(event.object as KubeObject)], { resourceVersion: (event.object as KubeObject).metadata.resourceVersion }, shape.includeObject);
      } else if (event.type !== 'ERROR' && event.type !== 'BOOKMARK') {
        object = registry.withTypeMeta(event.object as KubeObject);
      } else if (event.type === 'BOOKMARK') {
        object = { kind: r.info.kind, apiVersion: apiVersionOf(r.info), ...event.object };
      }
      res.write(`${JSON.stringify({ type: event.type, object })}\n`);
    };
    try {
      const events = this.deps.watchSource.watch(registry.prefix(r.namespace), { resourceVersion: q.get('resourceVersion') ?? undefined, allowBookmarks: q.get('allowWatchBookmarks') === 'true', predicate: byName }, abort.signal);
      for await (const event of events) {
        if (abort.signal.aborted) break;
        send(event);
      }
    } catch (e) {
      if (!abort.signal.aborted) {
        const status = e instanceof StatusError ? e : e instanceof StoreExpired ? errors.expired(e.message) : errors.internal((e as Error).message);
        send({ type: 'ERROR', object: status.toStatus() as unknown as Record<string, unknown> });
      }
    } finally {
      clearTimeout(timer);
      this.watches.delete(abort);
      res.end();
    }
  }

  private warn(res: ServerResponse, warnings: string[]): void {
    if (warnings.length > 0) res.setHeader('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private fail(res: ServerResponse, e: unknown): void {
    let status: StatusError;
    if (e instanceof StatusError) status = e;
    else if (e instanceof StoreExpired) status = errors.expired(e.message);
    else {
      this.logger.error({ err: e }, 'request failed');
      status = errors.internal((e as Error)?.message ?? String(e));
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    this.json(res, status.code, status.toStatus());
  }
}

function fieldValidation(v: string | null): FieldValidation {
  if (v === 'Strict' || v === 'Ignore') return v;
  return 'Warn';
}

function positiveInt(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`invalid value for ${name}: ${JSON.stringify(v)}: must be a non-negative integer`);
  return n;
}

function deleteOptionsFrom(body: Record<string, unknown>, q: URLSearchParams): DeleteOptions {
  const graceQ = q.get('gracePeriodSeconds');
  const grace = body.gracePeriodSeconds ?? (graceQ === null ? undefined : Number(graceQ));
  const policy = (body.propagationPolicy ?? q.get('propagationPolicy') ?? undefined) as string | undefined;
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw errors.badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  if (body.orphanDependents === true && policy === undefined) return { gracePeriodSeconds: grace as number | undefined, propagationPolicy: 'Orphan' };
  const pre = body.preconditions as { uid?: string; resourceVersion?: string } | undefined;
  return { gracePeriodSeconds: grace as number | undefined, propagationPolicy: policy as DeleteOptions['propagationPolicy'], preconditions: pre };
}

/** A patch of a Scale: kubectl scale sends a merge patch {"spec":{"replicas":N}}. */
function patchScale(contentType: string, scale: Record<string, unknown>, patch: unknown): unknown {
  const p = patch as { spec?: { replicas?: unknown } } | unknown[];
  if (contentType === 'application/json-patch+json' && Array.isArray(p)) {
    const op = p.find((o) => (o as { path?: string }).path === '/spec/replicas') as { value?: unknown } | undefined;
    return { ...scale, spec: { replicas: op?.value } };
  }
  const replicas = (p as { spec?: { replicas?: unknown } }).spec?.replicas;
  return replicas === undefined ? scale : { ...scale, spec: { replicas } };
}
