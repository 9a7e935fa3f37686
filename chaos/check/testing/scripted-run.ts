// Turns a script of timed requests into the History a real run would have recorded: the store applies each request
// at one instant inside its call window (or, for one that timed out, maybe later or never), answers follow from
// the store, every revision reaches the watchers, and the members end with the store's state. Tests then break
// one detail of a correct history and expect the checkers to notice.
import type { Failure, History, Operation, Request, Response, WatchRecord, WatchResponseRecord, WatchSession } from '../../history/types.js';
import { KvStore, type RevisionEvents } from './kv-store.js';
import type { Random } from './prng.js';

export interface ScriptedOperation {
  client: number;
  call: number;
  /** When the answer (or the error) arrived; null if nothing did. */
  return: number | null;
  request: Request;
  /**
   * 'ok' (default): applied at `at` and answered. 'timeout': an indeterminate error at `return`, applied at `at`
   * only if `at` is given. 'rejected': a definite error, not applied.
   */
  outcome?: 'ok' | 'timeout' | 'rejected';
  /** When the store applies it; defaults to the middle of the call window. */
  at?: number;
  /** The lease id a leaseGrant hands out. */
  leaseId?: string;
}

export interface RunOptions {
  members?: number;
  /** Adds a second watcher that batches revisions, sends progress notifications and resumes after errors. */
  choppyWatcher?: Random;
}

export interface ScriptedRun {
  history: History;
  store: KvStore;
}

export function runScript(script: readonly ScriptedOperation[], options: RunOptions = {}): ScriptedRun {
  const ordered = script.map((s, index) => ({ s, index })).sort((a, b) => a.s.call - b.s.call || a.index - b.index).map(({ s }) => s);
  const applyAt = (s: ScriptedOperation): number | undefined => {
    const outcome = s.outcome ?? (s.return === null ? 'timeout' : 'ok');
    if (outcome === 'rejected') return undefined;
    if (outcome === 'timeout') return s.at;
    return s.at ?? (s.call + s.return!) / 2;
  };
  const store = new KvStore();
  const results = new Map<number, Response | Failure>();
  const revisionTime = new Map<number, number>();
  const applied = ordered.map((s, id) => ({ s, id, at: applyAt(s) })).filter((a) => a.at !== undefined);
  applied.sort((a, b) => a.at! - b.at!);
  for (const { s, id, at } of applied) {
    const before = store.revision;
    results.set(id, store.apply(s.request, s.leaseId));
    if (store.revision > before) revisionTime.set(store.revision, at!);
  }

  const memberCount = options.members ?? 3;
  const memberName = (client: number) => `n${(client % memberCount) + 1}`;
  const operations: Operation[] = ordered.map((s, id) => {
    const op: Operation = { id, client: s.client, member: memberName(s.client), call: s.call, return: s.return, request: s.request };
    const outcome = s.outcome ?? (s.return === null ? 'timeout' : 'ok');
    if (s.return === null) return op;
    if (outcome === 'rejected') op.failure = { code: 'FAILED_PRECONDITION', message: 'rejected', definite: true };
    else if (outcome === 'timeout') op.failure = { code: 'DEADLINE_EXCEEDED', message: 'context deadline exceeded', definite: false };
    else {
      const result = results.get(id)!;
      if ('code' in result) op.failure = result;
      else op.response = result;
    }
    return op;
  });

  const watches = [steadyWatcher(store.history, revisionTime)];
  if (options.choppyWatcher) watches.push(choppyWatcher(store.history, revisionTime, options.choppyWatcher));
  const members = Array.from({ length: memberCount }, (_, i) => ({ name: `n${i + 1}`, id: (0x1000 + i).toString(16) }));
  const end = Math.max(0, ...ordered.map((s) => s.return ?? s.call), ...revisionTime.values());
  const history: History = {
    meta: { target: 'yawl', scenario: 'scripted', seed: 0, clients: new Set(ordered.map((s) => s.client)).size, durationMs: end, startedAt: '1970-01-01T00:00:00.000Z', members },
    operations,
    watches,
    faults: [],
    final: members.map((m) => ({
      ...m,
      revision: store.revision,
      hashKV: { hash: store.hash(), hashRevision: store.revision, compactRevision: store.compacted },
      kvs: store.range(''),
    })),
  };
  // The store shares key-value objects between answers, events and final state; a test changing one must not
  // change the others (structuredClone would keep them shared).
  return { history: JSON.parse(JSON.stringify(history)) as History, store };
}

/** One session from before the first call to the end, one response per revision. */
function steadyWatcher(revisions: readonly RevisionEvents[], time: ReadonlyMap<number, number>): WatchRecord {
  const responses: WatchResponseRecord[] = [{ time: -1, revision: 1, events: [], created: true }];
  for (const { revision, events } of revisions) responses.push({ time: time.get(revision)! + 0.01, revision, events });
  return { client: 100, member: 'n1', prefix: '', sessions: [{ startRevision: 0, opened: -2, closed: null, responses }] };
}

function choppyWatcher(revisions: readonly RevisionEvents[], time: ReadonlyMap<number, number>, random: Random): WatchRecord {
  const sessions: WatchSession[] = [];
  let session: WatchSession = { startRevision: 0, opened: -2, closed: null, responses: [{ time: -1, revision: 1, events: [], created: true }] };
  let lastSeen = 0;
  let now = -1;
  for (let i = 0; i < revisions.length; ) {
    if (lastSeen > 0 && random() < 0.03) {
      now += 0.001;
      session.closed = now;
      session.error = 'UNAVAILABLE';
      sessions.push(session);
      session = { startRevision: lastSeen + 1, opened: now, closed: null, responses: [{ time: now, revision: lastSeen, events: [], created: true }] };
    }
    const group = revisions.slice(i, i + 1 + (random() < 0.3 ? Math.floor(random() * 3) : 0));
    i += group.length;
    lastSeen = group[group.length - 1]!.revision;
    now = Math.max(now, time.get(lastSeen)!) + 0.02;
    session.responses.push({ time: now, revision: lastSeen, events: group.flatMap((g) => g.events) });
    if (random() < 0.1) {
      now += 0.001;
      session.responses.push({ time: now, revision: lastSeen, events: [] });
    }
  }
  sessions.push(session);
  return { client: 101, member: 'n2', prefix: '', sessions };
}
