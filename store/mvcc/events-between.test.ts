import { describe, expect, it } from 'vitest';
import { ErrCompacted, ErrFutureRev } from './errors.js';
import type { Event, KeyValue } from './key-value.js';
import { keyRangeContains, toKeyRange } from './key-range.js';
import { KvStore } from './kv-store.js';
import { MemoryBackend } from './memory-backend.js';
import { revision } from './revision.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const show = (kv: KeyValue | undefined) => (kv === undefined ? '-' : `${text(kv.key)}=${text(kv.value)} c${kv.createRevision} m${kv.modRevision} v${kv.version}`);
const showEvent = (e: Event) => `${e.type} ${show(e.kv)} prev:${show(e.prevKv)}`;
const inRange = (key: string, rangeEnd?: string) => {
  const range = toKeyRange(b(key), rangeEnd === undefined ? undefined : b(rangeEnd));
  return (k: Uint8Array) => keyRangeContains(range, k);
};

function write(store: KvStore, ops: (txn: ReturnType<KvStore['write']>) => void): Event[] {
  const txn = store.write();
  ops(txn);
  return txn.end().events;
}

/** a@2, b@3, {a, c, del b}@4, del a..z @5, a@6: every kind of change, one multi-op transaction. */
function history(store: KvStore): Event[] {
  return [
    ...write(store, (t) => t.put(b('a'), b('1'))),
    ...write(store, (t) => t.put(b('b'), b('1'))),
    ...write(store, (t) => {
      t.put(b('a'), b('2'));
      t.put(b('c'), b('1'));
      t.deleteRange(b('b'));
    }),
    ...write(store, (t) => t.deleteRange(b('a'), b('z'))),
    ...write(store, (t) => t.put(b('a'), b('3'))),
  ];
}

describe('KvStore.eventsBetween', () => {
  it('replays exactly the events the write transactions reported, prevKv included', () => {
    const store = new KvStore();
    const live = history(store);
    expect(store.eventsBetween(1, store.currentRevision)).toEqual(live);
    expect(live.map(showEvent)).toEqual([
      'PUT a=1 c2 m2 v1 prev:-',
      'PUT b=1 c3 m3 v1 prev:-',
      'PUT a=2 c2 m4 v2 prev:a=1 c2 m2 v1',
      'PUT c=1 c4 m4 v1 prev:-',
      'DELETE b= c0 m4 v0 prev:b=1 c3 m3 v1',
      'DELETE a= c0 m5 v0 prev:a=2 c2 m4 v2',
      'DELETE c= c0 m5 v0 prev:c=1 c4 m4 v1',
      'PUT a=3 c6 m6 v1 prev:-',
    ]);
  });

  it('covers fromRev through toRev and only the wanted keys', () => {
    const store = new KvStore();
    history(store);
    expect(store.eventsBetween(4, 5, inRange('a')).map(showEvent)).toEqual([
      'PUT a=2 c2 m4 v2 prev:a=1 c2 m2 v1',
      'DELETE a= c0 m5 v0 prev:a=2 c2 m4 v2',
    ]);
    expect(store.eventsBetween(3, 4, inRange('b', 'c')).map((e) => `${e.type} ${e.kv.modRevision}`)).toEqual(['PUT 3', 'DELETE 4']);
    expect(store.eventsBetween(6, 6)).toHaveLength(1);
    expect(store.eventsBetween(5, 4)).toEqual([]);
    expect(store.eventsBetween(7, 6)).toEqual([]);
  });

  it('refuses a future end and a compacted start, but starts at the compact revision itself as etcd does', () => {
    const store = new KvStore();
    history(store);
    expect(() => store.eventsBetween(1, 7)).toThrow(ErrFutureRev);
    store.compact(4);
    expect(() => store.eventsBetween(3, 6)).toThrow(ErrCompacted);
    // Compaction at 4 keeps a=2 and c=1 (live at 4) but drops the tombstone of b at 4, as etcd's does; the state
    // at revision 3 is gone, so the events at 4 lose their prevKv while the later ones keep theirs.
    expect(store.eventsBetween(4, 6).map(showEvent)).toEqual([
      'PUT a=2 c2 m4 v2 prev:-',
      'PUT c=1 c4 m4 v1 prev:-',
      'DELETE a= c0 m5 v0 prev:a=2 c2 m4 v2',
      'DELETE c= c0 m5 v0 prev:c=1 c4 m4 v1',
      'PUT a=3 c6 m6 v1 prev:-',
    ]);
  });

  it('reads history from a restored backend the same way', () => {
    const backend = new MemoryBackend();
    const first = new KvStore({ backend });
    const live = history(first);
    expect(new KvStore({ backend }).eventsBetween(2, 6)).toEqual(live);
  });
});

describe('MemoryBackend.scanRange', () => {
  it('yields the records of main revisions minMain..maxMain in revision order', () => {
    const backend = new MemoryBackend();
    const kv: KeyValue = { key: b('k'), createRevision: 1, modRevision: 1, version: 1, value: b('v'), lease: 0n };
    for (const [main, sub] of [[3, 1], [1, 0], [2, 0], [3, 0], [5, 0]] as const) backend.put({ revision: revision(main, sub), tombstone: false, kv });
    const mains = (min: number, max: number) => [...backend.scanRange(min, max)].map((r) => `${r.revision.main}.${r.revision.sub}`);
    expect(mains(2, 3)).toEqual(['2.0', '3.0', '3.1']);
    expect(mains(4, 9)).toEqual(['5.0']);
    expect(mains(0, 1)).toEqual(['1.0']);
    expect(mains(6, 9)).toEqual([]);
  });
});
