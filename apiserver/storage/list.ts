// Lists straight from etcd with Kubernetes' resourceVersion and paging semantics (etcd3 store GetList):
//   resourceVersion ""             a linearizable read at the latest revision
//   "0"                            any revision (a serializable read here; the watch cache serves it from memory)
//   "N", match NotOlderThan        the latest revision, which must be >= N
//   "N", match Exact (or legacy: "N" with a limit and no match)   the revision N itself, 410 once compacted
//   continue                       the token's revision and start key; 410 with an inconsistent token once compacted
import { EtcdCompactedError, EtcdFutureRevisionError, prefixEnd, type EtcdClient, type KeyValue } from '../../client/etcd/index.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { BadRequestError, ExpiredError, INCONSISTENT_CONTINUE, TooLargeResourceVersionError, tooOldResourceVersion } from './errors.js';
import type { Predicate } from './events.js';
import { normalizePrefix } from './keys.js';
import { decodeKeyValue, parseResourceVersion, type StoredObject } from './object-codec.js';

export type ResourceVersionMatch = '' | 'NotOlderThan' | 'Exact';

export interface ListOptions {
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: ResourceVersionMatch;
  /** Label and field selectors, applied by the caller's predicate; a page is filled with matching items. */
  predicate?: Predicate;
}

export interface ListResult {
  items: StoredObject[];
  /** The list's resourceVersion (metadata.resourceVersion). */
  resourceVersion: string;
  /** metadata.continue, when there is more. */
  continue?: string;
  /** metadata.remainingItemCount: known only without a predicate. */
  remainingItemCount?: number;
}

/** Once a predicate rejects items, later reads of a page ask for more keys at a time, up to this many. */
const MAX_PAGE_READ = 10_000;

interface ReadPlan {
  fromKey: string;
  /** 0: the latest revision. */
  revision: number;
  serializable: boolean;
  /** NotOlderThan: the latest revision must have reached this. */
  minimum: number;
  fromContinue: boolean;
}

export function planList(prefix: string, options: ListOptions): ReadPlan {
  const rv = parseResourceVersion(options.resourceVersion);
  if (Number.isNaN(rv)) throw new BadRequestError(`invalid resource version: ${options.resourceVersion}`);
  const match = options.resourceVersionMatch ?? '';
  if (options.continue) {
    if (rv !== undefined && rv !== 0) throw new BadRequestError('specifying resource version is not allowed when using continue');
    const position = decodeContinue(options.continue, prefix);
    return { fromKey: position.fromKey, revision: Math.max(0, position.resourceVersion), serializable: false, minimum: 0, fromContinue: true };
  }
  const base = { fromKey: prefix, fromContinue: false };
  if (match === 'Exact') {
    if (rv === undefined || rv === 0) throw new BadRequestError('resourceVersionMatch "Exact" is forbidden for resourceVersion "0" or ""');
    return { ...base, revision: rv, serializable: false, minimum: 0 };
  }
  if (rv === undefined) return { ...base, revision: 0, serializable: false, minimum: 0 };
  if (rv === 0) return { ...base, revision: 0, serializable: true, minimum: 0 };
  if (match === '' && (options.limit ?? 0) > 0) return { ...base, revision: rv, serializable: false, minimum: 0 };
  return { ...base, revision: 0, serializable: false, minimum: rv };
}

export async function listFromStore(client: EtcdClient, rawPrefix: string, options: ListOptions): Promise<ListResult> {
  const prefix = normalizePrefix(rawPrefix);
  const plan = planList(prefix, options);
  const limit = Math.max(0, options.limit ?? 0);
  const end = prefixEnd(prefix);
  const items: StoredObject[] = [];
  let revision = plan.revision;
  let fromKey: Buffer = Buffer.from(plan.fromKey, 'utf8');
  let readLimit = limit;
  let lastKey: Buffer | undefined;
  let more = false;
  let lastCount = 0;
  let lastRead = 0;
  for (;;) {
    let result;
    try {
      result = await client.range(fromKey, { end, limit: readLimit, revision, serializable: plan.serializable && revision === 0 });
    } catch (error) {
      throw await listError(client, error, plan, prefix, revision);
    }
    // Every later page of this list reads at the revision the first one saw.
    if (revision === 0) revision = result.revision;
    if (plan.minimum > result.revision) throw new TooLargeResourceVersionError(plan.minimum, result.revision);
    more = result.more;
    lastCount = result.count;
    lastRead = result.kvs.length;
    let kv: KeyValue | undefined;
    for (kv of result.kvs) {
      lastKey = kv.key;
      const obj = decodeKeyValue(kv);
      if (options.predicate && !options.predicate(obj)) continue;
      items.push(obj);
      if (limit > 0 && items.length >= limit) {
        // The page is full: is anything left after this key?
        more = more || kv !== result.kvs[result.kvs.length - 1];
        break;
      }
    }
    if (limit === 0 || items.length >= limit || !more || !lastKey) break;
    fromKey = Buffer.concat([lastKey, Buffer.from([0])]);
    readLimit = Math.min(readLimit * 2, MAX_PAGE_READ);
  }
  const listRv = String(revision);
  if (!(limit > 0 && more && lastKey)) return { items, resourceVersion: listRv };
  const next = encodeContinue(`${lastKey.toString('utf8')}\0`, prefix, revision);
  // Without a predicate every key is an item, so the range's count says how many remain.
  const remainingItemCount = options.predicate ? undefined : Math.max(0, lastCount - lastRead);
  return { items, resourceVersion: listRv, continue: next, ...(remainingItemCount === undefined ? {} : { remainingItemCount }) };
}

async function listError(client: EtcdClient, error: unknown, plan: ReadPlan, prefix: string, revision: number): Promise<unknown> {
  if (error instanceof EtcdFutureRevisionError) {
    const current = await client.currentRevision().catch(() => 0);
    return new TooLargeResourceVersionError(revision, current);
  }
  if (!(error instanceof EtcdCompactedError)) return error;
  if (plan.fromContinue) return new ExpiredError(INCONSISTENT_CONTINUE, encodeContinue(plan.fromKey, prefix, -1));
  return tooOldResourceVersion(revision, await compactedRevision(client, prefix, revision));
}

/**
 * The store's compaction point, for the 410 message: a range says only "compacted", a watch from the same
 * revision also says up to where. One short-lived watch, on the error path only.
 */
export async function compactedRevision(client: EtcdClient, prefix: string, revision: number): Promise<number> {
  const watch = client.watch(prefix, prefixEnd(prefix), { startRevision: Math.max(1, revision) });
  const timer = setTimeout(() => watch.cancel(), 2_000);
  try {
    for await (const message of watch) {
      if (message.type === 'compacted') return message.compactRevision;
      // etcd says "created" first and "compacted" right after; events mean the revision is still there.
      if (message.type !== 'created') break;
    }
  } catch {
    // The message can live without the exact number.
  } finally {
    clearTimeout(timer);
    watch.cancel();
  }
  return revision + 1;
}
