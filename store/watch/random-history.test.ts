// Seeded random runs of writes, watchers (random ranges, filters, start revisions, fragmenting), cancels, syncs,
// progress requests and transports that randomly report backpressure. Afterwards every watcher must have seen
// exactly what the history says it asked for: in order, no gap, no repeat, each revision in one response (or
// one run of fragments), and every progress notification must come after everything up to its revision.
import { describe, expect, it } from 'vitest';
import type { WatchCreateRequest, WatchResponse } from '../../api/etcd/messages.js';
import type { Event } from '../mvcc/key-value.js';
import { keyRangeContains, toKeyRange } from '../mvcc/key-range.js';
import { SeededRand } from '../raft/rand.js';
import { watchResponseSize } from './protobuf-size.js';
import type { WatchSink, WatchStream } from './watch-stream.js';
import { WatchHarness, b, createRequest, type CreateFields } from './watch-test-kit.js';

const KEYS = ['a', 'b', 'c', 'd', 'p/1', 'p/2', 'q'];
const SEEDS = 60;
const STEPS = 300;

/** A transport that randomly says "backed up" (it still takes the response, as grpc-js write() does). */
class FlakySink implements WatchSink {
  readonly responses: WatchResponse[] = [];
  backpressure = 0.25;
  constructor(private readonly rand: SeededRand) {}
  send(response: WatchResponse): boolean {
    this.responses.push(response);
    return this.rand.float() >= this.backpressure;
  }
}

interface Tracked {
  readonly request: WatchCreateRequest;
  /** The first revision it should get: start_revision, or the revision after its creation for 0. */
  readonly start: number;
}

interface Run {
  readonly h: WatchHarness;
  readonly streams: { stream: WatchStream; sink: FlakySink; watchers: Map<bigint, Tracked>; nextId: bigint }[];
  readonly history: Event[];
}

function randomCreate(rand: SeededRand, revision: number): CreateFields {
  const key = () => KEYS[rand.intn(KEYS.length)]!;
  const fields: CreateFields = {
    prevKv: rand.intn(2) === 0,
    fragment: rand.intn(3) === 0,
    progressNotify: rand.intn(3) === 0,
    filters: [[], [], ['NOPUT'], ['NODELETE']][rand.intn(4)] as WatchCreateRequest['filters'],
    startRevision: rand.intn(3) === 0 ? 0 : 1 + rand.intn(revision + 2),
  };
  switch (rand.intn(5)) {
    case 0:
      return { ...fields, key: key() };
    case 1:
      return { ...fields, key: 'p/', rangeEnd: 'p0' };
    case 2: {
      const [low, high] = [key(), key()].sort();
      return { ...fields, key: low, rangeEnd: high === low ? `${high}\0` : high };
    }
    case 3:
      return { ...fields, key: key(), rangeEnd: '\0' };
    default:
      return { ...fields, key: '', rangeEnd: rand.intn(2) === 0 ? '\0' : '' };
  }
}

/** One write transaction of 1-3 puts and deletes, notified as the apply loop would; its events join the history. */
function randomWrite(rand: SeededRand, run: Run): void {
  const txn = run.h.store.write();
  const ops = 1 + rand.intn(3);
  for (let i = 0; i < ops; i++) {
    const key = KEYS[rand.intn(KEYS.length)]!;
    if (rand.intn(4) === 0) txn.deleteRange(b(key), rand.intn(2) === 0 ? undefined : b(`${key}~`));
    else txn.put(b(key), b(`${key}${run.history.length}`));
  }
  const { revision, events } = txn.end();
  run.h.hub.notify(revision, events);
  run.history.push(...events);
}

function step(rand: SeededRand, run: Run): void {
  const entry = run.streams[rand.intn(run.streams.length)]!;
  const roll = rand.intn(100);
  if (roll < 40) randomWrite(rand, run);
  else if (roll < 52) {
    const request = createRequest(randomCreate(rand, run.h.hub.revision));
    const start = request.start_revision === 0n ? run.h.hub.revision + 1 : Number(request.start_revision);
    entry.watchers.set(entry.nextId++, { request, start });
    entry.stream.create(request);
  } else if (roll < 57) {
    const ids = [...entry.watchers.keys()];
    if (ids.length > 0) entry.stream.cancel(ids[rand.intn(ids.length)]!);
  } else if (roll < 72) run.h.hub.syncTick();
  else if (roll < 87) {
    if (entry.stream.isBackedUp) entry.stream.drained();
  } else if (roll < 94) entry.stream.requestProgress();
  else run.h.hub.progressTick();
}

/** The events a watcher should get out of the history, as text with their revisions. */
function expectedEvents(tracked: Tracked, history: readonly Event[]): { revision: number; text: string }[] {
  const { request } = tracked;
  const range = toKeyRange(request.key.length === 0 ? b('\0') : request.key, request.range_end);
  return history
    .filter((event) => event.kv.modRevision >= tracked.start && keyRangeContains(range, event.kv.key))
    .filter((event) => !request.filters.includes(event.type === 'PUT' ? 'NOPUT' : 'NODELETE'))
    .map((event) => ({
      revision: event.kv.modRevision,
      text: showEvent(event.type, event.kv.key, event.kv.value, event.kv.modRevision, request.prev_kv ? event.prevKv?.modRevision : undefined),
    }));
}

function showEvent(type: string, key: Uint8Array, value: Uint8Array, rev: number | bigint, prevRev: number | bigint | undefined): string {
  return `${type} ${Buffer.from(key).toString('latin1')}=${Buffer.from(value).toString('latin1')}@${rev}${prevRev === undefined ? '' : ` prev@${prevRev}`}`;
}

/** Walks one stream's responses in order and checks every rule, then each watcher's events against history. */
function checkStream(entry: Run['streams'][number], history: readonly Event[], maxResponseBytes: number): void {
  const expected = new Map([...entry.watchers].map(([id, tracked]) => [id, expectedEvents(tracked, history)]));
  const received = new Map<bigint, string[]>();
  const revisionsSeen = new Map<bigint, Set<number>>();
  const ended = new Set<bigint>();
  let fragments: WatchResponse[] = [];
  const caughtUpTo = (id: bigint, revision: bigint) => {
    const due = expected.get(id)!.filter((event) => event.revision <= Number(revision)).map((event) => event.text);
    // expect() is slow over tens of thousands of responses: compare first, let it explain a mismatch.
    if (due.join('\n') !== received.get(id)!.join('\n')) expect(received.get(id), `watcher ${id} before progress at ${revision}`).toEqual(due);
  };
  for (const response of entry.sink.responses) {
    const id = response.watch_id;
    if (response.fragment || fragments.length > 0) {
      check(fragments.every((part) => part.watch_id === id), 'a run of fragments mixes watchers');
      const size = watchResponseSize({ ...response, fragment: true });
      check(response.events.length === 1 || size < maxResponseBytes, `a fragment of ${size} bytes`);
    }
    if (response.fragment) {
      fragments.push(response);
      continue;
    }
    const events = [...fragments, response].flatMap((part) => part.events);
    fragments = [];
    if (id === -1n) {
      check(!response.created && !response.canceled, 'no refusals in these runs');
      for (const watcherId of received.keys()) if (!ended.has(watcherId)) caughtUpTo(watcherId, response.header.revision);
    } else if (response.created) {
      check(!received.has(id), `watcher ${id} created twice`);
      received.set(id, []);
      revisionsSeen.set(id, new Set());
    } else if (response.canceled) {
      check(response.compact_revision === 0n, 'no compaction in these runs');
      ended.add(id);
    } else if (events.length === 0) {
      caughtUpTo(id, response.header.revision);
    } else {
      check(!ended.has(id), `events for watcher ${id} after its cancel`);
      const revisions = new Set(events.map((event) => Number(event.kv.mod_revision)));
      for (const revision of revisions) {
        check(!revisionsSeen.get(id)!.has(revision), `watcher ${id} got revision ${revision} in two responses`);
        revisionsSeen.get(id)!.add(revision);
      }
      check(response.header.revision >= Math.max(...revisions), `header revision ${response.header.revision} below its events'`);
      received.get(id)!.push(...events.map((e) => showEvent(e.type, e.kv.key, e.kv.value, e.kv.mod_revision, e.prev_kv?.mod_revision)));
    }
  }
  expect(fragments, 'a run of fragments left unfinished').toEqual([]);
  for (const [id, events] of expected) {
    const want = events.map((event) => event.text);
    const got = received.get(id)!;
    if (ended.has(id)) expect(got, `canceled watcher ${id}: a prefix`).toEqual(want.slice(0, got.length));
    else expect(got, `watcher ${id}`).toEqual(want);
  }
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

function runSeed(seed: number): void {
  const rand = new SeededRand(seed);
  // Small enough that catch-up and multi-put responses fragment often (an event takes 25 to 50 bytes here).
  const maxResponseBytes = 60 + rand.intn(200);
  const h = new WatchHarness({
    maxResponseBytes,
    maxEventsPerResponse: 1 + rand.intn(4),
    catchUpRevisions: 1 + rand.intn(6),
    maxWatchersPerSync: 1 + rand.intn(4),
  });
  const run: Run = { h, history: [], streams: [] };
  for (let i = 0; i < 3; i++) {
    const sink = new FlakySink(rand);
    run.streams.push({ stream: h.hub.openStream(sink), sink, watchers: new Map(), nextId: 0n });
  }
  for (let i = 0; i < STEPS; i++) step(rand, run);
  // Settle: transports recover, everyone catches up, then one more write must reach everyone live.
  for (const { sink } of run.streams) sink.backpressure = 0;
  for (let i = 0; i < 100_000 && (h.hub.watcherCounts.unsynced > 0 || h.hub.watcherCounts.victims > 0); i++) {
    for (const { stream } of run.streams) stream.drained();
    h.hub.syncTick();
  }
  expect(h.hub.watcherCounts).toMatchObject({ unsynced: 0, victims: 0 });
  randomWrite(rand, run);
  for (const { stream } of run.streams) stream.requestProgress();
  for (const entry of run.streams) checkStream(entry, run.history, maxResponseBytes);
}

describe('random histories', () => {
  it(`every watcher sees exactly its history, over ${SEEDS} seeds of ${STEPS} steps`, () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      try {
        runSeed(seed);
      } catch (error) {
        throw new Error(`seed ${seed}: ${(error as Error).message}`, { cause: error });
      }
    }
  });
});
