// The sequential specification the linearizability search checks against: etcd's key-value store as one
// partition sees it. One model serves the three key groups: a register (reg/) is the one-key case of the key map,
// a lease key (lease/) adds revoke, and the txn/ group uses the whole map with multi-key txn and range.
//
// The state keeps what reads report about a key (value, createRevision, modRevision, version, lease), so a read is
// checked on all of it, and the revision bounds of revisions.ts, so that write revisions and read revisions agree
// with the order the search chose. A write the search lets take effect without a known answer gets an unknown
// revision that later reads pin.
import type { KeyValue, Request, Response } from '../history/types.js';
import { quote } from './describe.js';
import { advance, describeRev, initialClock, observe, pin, settle, type Rev, type RevisionClock } from './revisions.js';
import type { Explain, Model } from './wgl.js';

export interface Entry {
  readonly value: string;
  readonly create: Rev;
  readonly mod: Rev;
  readonly version: number;
  /** '0' when the key has no lease. */
  readonly lease: string;
}

export interface KvState {
  readonly keys: ReadonlyMap<string, Entry>;
  readonly clock: RevisionClock;
}

export const kvModel: Model<KvState, Request, Response> = {
  init: () => ({ keys: new Map(), clock: initialClock }),
  step,
  hash,
  describe: describeState,
};

type ResponseOf<T extends Response['type']> = Extract<Response, { type: T }>;

function responseOf<T extends Response['type']>(type: T, response: Response | undefined): ResponseOf<T> | undefined {
  return response?.type === type ? (response as ResponseOf<T>) : undefined;
}

function step(state: KvState, request: Request, response: Response | undefined, why?: Explain): KvState | undefined {
  if (response !== undefined && response.type !== request.type) {
    return reject(why, `a ${request.type} request got a ${response.type} response`);
  }
  switch (request.type) {
    case 'get': {
      const answer = responseOf('get', response);
      if (!answer) return reject(why, 'a read with no answer has nothing to check');
      return finish(readThenObserve(state, [[request.key, answer.kv]], answer.revision, why));
    }
    case 'range': {
      const answer = responseOf('range', response);
      if (!answer) return reject(why, 'a read with no answer has nothing to check');
      return finish(readRange(state, request.prefix, answer.kvs, answer.revision, why));
    }
    case 'put': {
      const answer = responseOf('put', response);
      const lease = request.lease ?? '0';
      return finish(write(state, answer?.revision, why, (keys, rev) => putKey(keys, request.key, request.value, lease, rev)));
    }
    case 'delete': {
      const answer = responseOf('delete', response);
      const entry = state.keys.get(request.key);
      if (!answer) {
        if (!entry) return reject(why, `deleting absent ${request.key} would change nothing`);
        return finish(write(state, undefined, why, (keys) => keys.delete(request.key)));
      }
      if (answer.deleted === 0) {
        if (entry) return reject(why, `deleted nothing, but ${request.key} is ${describeEntry(state, entry)}`);
        return finish(observeOnly(state, answer.revision, why));
      }
      if (answer.deleted !== 1) return reject(why, `a one-key delete reported ${answer.deleted} deleted`);
      if (!entry) return reject(why, `deleted ${request.key}, but it is absent`);
      return finish(write(state, answer.revision, why, (keys) => keys.delete(request.key)));
    }
    case 'cas': {
      const answer = responseOf('cas', response);
      const entry = state.keys.get(request.key);
      const holds = request.expect === null ? entry === undefined : entry?.value === request.expect;
      const put = (keys: Map<string, Entry>, rev: Rev) => putKey(keys, request.key, request.value, '0', rev);
      if (!answer) {
        if (!holds) return reject(why, `the compare fails (${request.key} is ${describeValue(entry)}), so the cas changes nothing`);
        return finish(write(state, undefined, why, put));
      }
      if (answer.succeeded !== holds) {
        return reject(why, `${request.key} is ${describeValue(entry)}, so the compare ${holds ? 'holds' : 'fails'}, but the cas ${answer.succeeded ? 'succeeded' : 'failed'}`);
      }
      if (answer.succeeded) return finish(write(state, answer.revision, why, put));
      return finish(readThenObserve(state, [[request.key, answer.kv]], answer.revision, why));
    }
    case 'txn': {
      const answer = responseOf('txn', response);
      const failed = request.compares.find((c) => {
        const entry = state.keys.get(c.key);
        return c.expect === null ? entry !== undefined : entry?.value !== c.expect;
      });
      const holds = failed === undefined;
      const putAll = (keys: Map<string, Entry>, rev: Rev) => {
        for (const p of request.puts) putKey(keys, p.key, p.value, '0', rev);
      };
      const compare = failed ? `${failed.key} is ${describeValue(state.keys.get(failed.key))}, not ${quote(failed.expect)}` : 'every compare holds';
      if (!answer) {
        if (!holds || request.puts.length === 0) return reject(why, `${compare}, so the txn changes nothing`);
        return finish(write(state, undefined, why, putAll));
      }
      if (answer.succeeded !== holds) return reject(why, `${compare}, but the txn ${answer.succeeded ? 'succeeded' : 'failed'}`);
      if (!answer.succeeded) return finish(readRange(state, request.prefix, answer.kvs, answer.revision, why));
      if (request.puts.length === 0) return finish(observeOnly(state, answer.revision, why));
      return finish(write(state, answer.revision, why, putAll));
    }
    case 'leaseRevoke': {
      const answer = responseOf('leaseRevoke', response);
      const attached = [...state.keys].filter(([, entry]) => entry.lease === request.lease).map(([key]) => key);
      const revoke = (keys: Map<string, Entry>) => {
        for (const key of attached) keys.delete(key);
      };
      if (!answer) {
        if (attached.length === 0) return reject(why, `no key has lease ${request.lease}, so the revoke changes nothing`);
        return finish(write(state, undefined, why, revoke));
      }
      // With no key attached the revoke made no revision, so it orders like a read.
      if (attached.length === 0) return finish(observeOnly(state, answer.revision, why));
      return finish(write(state, answer.revision, why, revoke));
    }
    case 'leaseGrant':
    case 'compact':
      return reject(why, `${request.type} is not part of the key-value model`);
  }
}

function reject(why: Explain | undefined, reason: string): undefined {
  why?.(reason);
  return undefined;
}

function putKey(keys: Map<string, Entry>, key: string, value: string, lease: string, rev: Rev): void {
  const old = keys.get(key);
  keys.set(
    key,
    old
      ? { value, create: old.create, mod: rev, version: old.version + 1, lease }
      : { value, create: rev, mod: rev, version: 1, lease },
  );
}

function write(
  state: KvState,
  revision: number | undefined,
  why: Explain | undefined,
  change: (keys: Map<string, Entry>, rev: Rev) => void,
): KvState | undefined {
  const advanced = advance(state.clock, revision);
  if (!advanced) return reject(why, `a write at revision ${revision} cannot follow revision ${state.clock.floor}`);
  const keys = new Map(state.keys);
  change(keys, advanced.rev);
  return { keys, clock: advanced.clock };
}

function observeOnly(state: KvState, revision: number, why: Explain | undefined): KvState | undefined {
  const clock = observe(state.clock, revision);
  if (!clock) return reject(why, `answered at revision ${revision}, but the store was already at revision ${state.clock.floor} or later`);
  return { keys: state.keys, clock };
}

/** Checks what a read reported for each key against the state, then the revision it was answered at. */
function readThenObserve(
  state: KvState,
  reads: readonly (readonly [string, KeyValue | null])[],
  revision: number,
  why: Explain | undefined,
): KvState | undefined {
  let clock = state.clock;
  for (const [key, kv] of reads) {
    const entry = state.keys.get(key);
    if (kv === null) {
      if (entry) return reject(why, `read ${key} as absent, but it is ${describeEntry({ keys: state.keys, clock }, entry)}`);
      continue;
    }
    if (!entry) return reject(why, `read ${key}=${quote(kv.value)}, but ${key} is absent`);
    const seen = { keys: state.keys, clock };
    if (kv.value !== entry.value) return reject(why, `read ${key}=${quote(kv.value)}, but it is ${describeEntry(seen, entry)}`);
    if (kv.version !== entry.version || kv.lease !== entry.lease) {
      return reject(why, `read ${key} with version ${kv.version}, lease ${kv.lease}, but it is ${describeEntry(seen, entry)}`);
    }
    const created = pin(clock, entry.create, kv.createRevision);
    const modified = created && pin(created, entry.mod, kv.modRevision);
    if (!modified) {
      return reject(why, `read ${key} with createRevision ${kv.createRevision}, modRevision ${kv.modRevision}, but it is ${describeEntry(seen, entry)}`);
    }
    clock = modified;
  }
  return observeOnly({ keys: state.keys, clock }, revision, why);
}

function readRange(state: KvState, prefix: string, kvs: readonly KeyValue[], revision: number, why: Explain | undefined): KvState | undefined {
  const seen = new Map<string, KeyValue>();
  for (const kv of kvs) {
    if (!kv.key.startsWith(prefix)) return reject(why, `a range over ${prefix} returned ${kv.key}`);
    if (seen.has(kv.key)) return reject(why, `a range returned ${kv.key} twice`);
    seen.set(kv.key, kv);
  }
  const keys = new Set([...seen.keys(), ...[...state.keys.keys()].filter((key) => key.startsWith(prefix))]);
  return readThenObserve(state, [...keys].sort().map((key) => [key, seen.get(key) ?? null] as const), revision, why);
}

/** Settles the clock so that equal states hash equal. */
function finish(state: KvState | undefined): KvState | undefined {
  if (!state || state.clock.unknowns.length === 0) return state;
  const refs: Rev[] = [];
  for (const entry of state.keys.values()) refs.push(entry.create, entry.mod);
  const { clock, rename } = settle(state.clock, refs);
  const keys = new Map<string, Entry>();
  for (const [key, entry] of state.keys) keys.set(key, { ...entry, create: rename(entry.create), mod: rename(entry.mod) });
  return { keys, clock };
}

function hash(state: KvState): string {
  let text = String(state.clock.floor);
  for (const u of state.clock.unknowns) text += `|${u.above}<${u.atMost}`;
  for (const key of [...state.keys.keys()].sort()) {
    const e = state.keys.get(key)!;
    text += `#${JSON.stringify(key)}=${JSON.stringify(e.value)},${e.create},${e.mod},${e.version},${e.lease}`;
  }
  return text;
}

function describeValue(entry: Entry | undefined): string {
  return entry ? quote(entry.value) : 'absent';
}

function describeEntry(state: KvState, entry: Entry): string {
  const lease = entry.lease !== '0' ? ` lease ${entry.lease}` : '';
  const { clock } = state;
  return `${quote(entry.value)}@${describeRev(clock, entry.mod)}(c${describeRev(clock, entry.create)} v${entry.version}${lease})`;
}

export function describeState(state: KvState): string {
  const keys = [...state.keys.keys()].sort().map((key) => `${key}=${describeEntry(state, state.keys.get(key)!)}`);
  return `{${keys.join(', ') || 'no keys'}; revision ≥ ${state.clock.floor}}`;
}
