// The ObjectStore over any etcd v3 store, in the shapes Kubernetes' etcd3 storage uses: create is
// Txn(create_revision == 0 → put), update and delete are Txn(mod_revision == read revision → ...), and the
// resourceVersion an object carries is its key's mod_revision. Values are JSON without metadata.resourceVersion.
import * as grpc from '@grpc/grpc-js';
import { KVClient, WatchClient, type KeyValue, type UnaryClientMethod } from '../../api/etcd/index.js';
import { prefixEnd } from '../../client/etcd/index.js';
import { errors } from '../http/status.js';
import { StoreAlreadyExists, StoreConflict, StoreExpired, type KubeObject, type ListOptions, type ListResult, type ObjectStore, type Preconditions, type TryUpdate, type WatchEvent, type WatchOptions } from './object-store.js';

const REQUEST_TIMEOUT_MS = 10_000;
/** Retries of a guaranteed update that keeps losing races before it gives up with a 409. */
const MAX_UPDATE_ATTEMPTS = 16;

export function decodeObject(kv: KeyValue): KubeObject {
  const obj = JSON.parse(kv.value.toString('utf8')) as KubeObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: kv.mod_revision.toString() };
  return obj;
}

function encodeObject(obj: KubeObject): Buffer {
  const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
  return Buffer.from(JSON.stringify({ ...obj, metadata }));
}

function isUnavailable(e: unknown): boolean {
  const code = (e as Partial<grpc.ServiceError>)?.code;
  return code === grpc.status.UNAVAILABLE || code === grpc.status.DEADLINE_EXCEEDED;
}

/** Continue tokens as Kubernetes encodes them: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"<key after the last>"}. */
export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64');
}

export function decodeContinue(token: string, prefix: string): { rv: number; start: string } {
  let parsed: { v?: string; rv?: number; start?: string };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as typeof parsed;
  } catch {
    throw errors.badRequest('continue key is not valid: illegal base64 data');
  }
  if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (parsed.start.includes('..') || parsed.start.startsWith('/')) throw errors.badRequest('continue key is not valid: key start is not valid');
  return { rv: parsed.rv, start: prefix + parsed.start };
}

export class EtcdObjectStore implements ObjectStore {
  private readonly kvs: InstanceType<typeof KVClient>[];
  private readonly watchers: InstanceType<typeof WatchClient>[];
  private current = 0;

  constructor(endpoints: readonly string[]) {
    const creds = grpc.credentials.createInsecure();
    const targets = endpoints.map((e) => e.replace(/^https?:\/\//, ''));
    const options: grpc.ChannelOptions = { 'grpc.max_receive_message_length': 64 * 1024 * 1024, 'grpc.max_reconnect_backoff_ms': 2000 };
    this.kvs = targets.map((t) => new KVClient(t, creds, options));
    this.watchers = targets.map((t) => new WatchClient(t, creds, options));
  }

  close(): void {
    for (const c of [...this.kvs, ...this.watchers]) c.close();
  }

  /** One call, moving to the next endpoint when this one is unreachable (every endpoint once). */
  private async call<Req, Res>(method: (c: InstanceType<typeof KVClient>) => UnaryClientMethod<Req, Res>, req: Partial<Req>): Promise<Res> {
    let last: unknown;
    for (let tries = 0; tries < this.kvs.length; tries++) {
      const client = this.kvs[this.current]!;
      try {
        return await new Promise<Res>((resolve, reject) => {
          method(client).call(client, req as Req, new grpc.Metadata(), { deadline: Date.now() + REQUEST_TIMEOUT_MS }, (err, res) => (err ? reject(err) : resolve(res!)));
        });
      } catch (e) {
        last = e;
        if (!isUnavailable(e)) throw translate(e);
        this.current = (this.current + 1) % this.kvs.length;
      }
    }
    throw errors.unavailable(`etcd is unreachable: ${(last as Error)?.message ?? last}`);
  }

  async currentRevision(): Promise<number> {
    const r = await this.call((c) => c.Range, { key: Buffer.from('/registry/'), range_end: prefixEnd('/registry/'), count_only: true });
    return Number(r.header.revision);
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    const k = Buffer.from(key);
    const r = await this.call((c) => c.Txn, {
      compare: [{ key: k, target: 'CREATE', result: 'EQUAL', create_revision: 0n } as never],
      success: [{ request_put: { key: k, value: encodeObject(obj) } as never }],
      failure: [],
    });
    if (!r.succeeded) throw new StoreAlreadyExists(key);
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: r.header.revision.toString() } };
  }

  async get(key: string): Promise<KubeObject | undefined> {
    const r = await this.call((c) => c.Range, { key: Buffer.from(key) });
    return r.kvs[0] ? decodeObject(r.kvs[0]) : undefined;
  }

  async list(prefix: string, options: ListOptions): Promise<ListResult> {
    let start = prefix;
    let revision = 0;
    if (options.continueToken) {
      const c = decodeContinue(options.continueToken, prefix);
      start = c.start;
      revision = c.rv;
    } else if (options.resourceVersion && options.resourceVersion !== '0' && options.resourceVersionMatch === 'Exact') {
      revision = Number(options.resourceVersion);
    }
    const limit = options.limit ?? 0;
    const items: KubeObject[] = [];
    let key = Buffer.from(start);
    const end = prefixEnd(prefix);
    let listRevision = revision;
    let remaining: number | undefined;
    let next: string | undefined;
    // With a selector a page may come back short: keep reading until the page is full or the range ends.
    for (;;) {
      let r;
      try {
        r = await this.call((c) => c.Range, { key, range_end: end, limit: BigInt(limit === 0 ? 0 : limit + 1), revision: BigInt(listRevision) });
      } catch (e) {
        if (e instanceof StoreExpired && options.continueToken) {
          throw errors.expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
        }
        throw e;
      }
      if (listRevision === 0) listRevision = Number(r.header.revision);
      let lastKey: Buffer | undefined;
      for (const kv of r.kvs) {
        if (limit > 0 && items.length === limit) {
          next = kv.key.toString().slice(prefix.length);
          break;
        }
        lastKey = kv.key;
        const obj = decodeObject(kv);
        if (!options.predicate || options.predicate(obj)) items.push(obj);
      }
      if (next !== undefined) {
        remaining = options.predicate ? undefined : Number(r.count) - r.kvs.length + 1;
        break;
      }
      if (limit === 0 || !r.more || !lastKey) break;
      key = Buffer.concat([lastKey, Buffer.from([0])]);
    }
    const result: ListResult = { items, resourceVersion: String(listRevision) };
    if (next !== undefined) {
      result.continueToken = encodeContinue(listRevision, next);
      if (remaining !== undefined && remaining > 0) result.remainingItemCount = remaining;
    }
    return result;
  }

  async guaranteedUpdate(key: string, tryUpdate: TryUpdate, preconditions?: Preconditions): Promise<KubeObject | undefined> {
    const k = Buffer.from(key);
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const current = await this.get(key);
      if (!current) return undefined;
      if (preconditions?.uid !== undefined && preconditions.uid !== current.metadata.uid) throw new StoreConflict('uid precondition failed');
      if (preconditions?.resourceVersion !== undefined && preconditions.resourceVersion !== current.metadata.resourceVersion) throw new StoreConflict('resourceVersion precondition failed');
      const next = await tryUpdate(current);
      const modRevision = BigInt(current.metadata.resourceVersion!);
      const r = await this.call((c) => c.Txn, {
        compare: [{ key: k, target: 'MOD', result: 'EQUAL', mod_revision: modRevision } as never],
        success: [{ request_put: { key: k, value: encodeObject(next) } as never }],
        failure: [],
      });
      if (r.succeeded) return { ...next, metadata: { ...next.metadata, resourceVersion: r.header.revision.toString() } };
    }
    throw new StoreConflict(`gave up after ${MAX_UPDATE_ATTEMPTS} conflicting writes`);
  }

  async delete(key: string, preconditions?: Preconditions): Promise<KubeObject | undefined> {
    const k = Buffer.from(key);
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const current = await this.get(key);
      if (!current) return undefined;
      if (preconditions?.uid !== undefined && preconditions.uid !== current.metadata.uid) throw new StoreConflict('uid precondition failed');
      if (preconditions?.resourceVersion !== undefined && preconditions.resourceVersion !== current.metadata.resourceVersion) throw new StoreConflict('resourceVersion precondition failed');
      const r = await this.call((c) => c.Txn, {
        compare: [{ key: k, target: 'MOD', result: 'EQUAL', mod_revision: BigInt(current.metadata.resourceVersion!) } as never],
        success: [{ request_delete_range: { key: k } as never }],
        failure: [],
      });
      if (r.succeeded) return { ...current, metadata: { ...current.metadata, resourceVersion: r.header.revision.toString() } };
    }
    throw new StoreConflict(`gave up after ${MAX_UPDATE_ATTEMPTS} conflicting deletes`);
  }

  /**
   * A direct etcd watch (the watch cache in front of this serves HTTP watchers). resourceVersion ""/"0": the
   * current objects as ADDED, then changes; otherwise changes after that revision, or 410 once compacted.
   */
  async *watch(prefix: string, options: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent> {
    let from: number;
    const rv = options.resourceVersion;
    if (rv === undefined || rv === '' || rv === '0') {
      const list = await this.list(prefix, {});
      for (const obj of list.items) if (!options.predicate || options.predicate(obj)) yield { type: 'ADDED', object: obj };
      from = Number(list.resourceVersion) + 1;
    } else {
      const n = Number(rv);
      if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`invalid resource version: ${rv}`);
      from = n + 1;
    }
    const client = this.watchers[this.current]!;
    const stream = client.Watch();
    const queue: WatchEvent[] = [];
    let wake: (() => void) | undefined;
    let failure: unknown;
    let ended = false;
    const onAbort = () => stream.cancel();
    signal.addEventListener('abort', onAbort);
    stream.on('data', (res: { created: boolean; canceled: boolean; compact_revision: bigint; cancel_reason: string; events: Array<{ type: string; kv: KeyValue; prev_kv: KeyValue | null }> }) => {
      if (res.compact_revision > 0n) {
        failure = new StoreExpired(`too old resource version: ${from - 1} (${res.compact_revision})`);
      } else if (res.canceled) {
        failure = new Error(`etcd canceled the watch: ${res.cancel_reason}`);
      }
      for (const e of res.events) {
        let event: WatchEvent;
        if (e.type === 'DELETE') {
          const prev = e.prev_kv ? decodeObject(e.prev_kv) : ({ metadata: {} } as KubeObject);
          prev.metadata.resourceVersion = e.kv.mod_revision.toString();
          event = { type: 'DELETED', object: prev };
        } else {
          event = { type: e.kv.create_revision === e.kv.mod_revision ? 'ADDED' : 'MODIFIED', object: decodeObject(e.kv) };
        }
        if (!options.predicate || options.predicate(event.object as KubeObject)) queue.push(event);
      }
      wake?.();
    });
    stream.on('error', (e: unknown) => {
      if (!signal.aborted) failure = e;
      ended = true;
      wake?.();
    });
    stream.on('end', () => {
      ended = true;
      wake?.();
    });
    stream.write({ create_request: { key: Buffer.from(prefix), range_end: prefixEnd(prefix), start_revision: BigInt(from), prev_kv: true } });
    try {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (failure) throw failure;
        if (ended || signal.aborted) return;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      stream.cancel();
    }
  }
}

function translate(e: unknown): unknown {
  const err = e as Partial<grpc.ServiceError>;
  if (err.code === grpc.status.OUT_OF_RANGE && /compacted/.test(err.details ?? '')) return new StoreExpired(err.details ?? 'compacted');
  return e;
}
