import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.js';
import { ErrCompacted, ErrFutureRev, InvariantError } from './errors.js';
import type { Event, KeyValue } from './key-value.js';
import { KvStore } from './kv-store.js';
import { MemoryBackend } from './memory-backend.js';
import type { SortOrder, SortTarget } from './range-request.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const ALL = [b('\0'), b('\0')] as const;

/** A key-value as text, to compare whole results at a glance. */
function show(kv: KeyValue | undefined): string {
  if (kv === undefined) return '-';
  const lease = kv.lease === 0n ? '' : ` lease=${kv.lease}`;
  const [key, value] = [Buffer.from(kv.key).toString('latin1'), Buffer.from(kv.value).toString('latin1')];
  return `${key}=${value} c${kv.createRevision} m${kv.modRevision} v${kv.version}${lease}`;
}
const showEvent = (e: Event) => `${e.type} ${show(e.kv)} prev:${show(e.prevKv)}`;

function put(store: KvStore, key: string, value: string, lease = 0n): Event[] {
  const txn = store.write();
  txn.put(b(key), b(value), lease);
  return txn.end().events;
}

function del(store: KvStore, key: string, rangeEnd?: string) {
  const txn = store.write();
  const deleted = txn.deleteRange(b(key), rangeEnd === undefined ? undefined : b(rangeEnd));
  return { deleted, ...txn.end() };
}

function get(store: KvStore, key: string, rev = 0): string {
  return store.range(b(key), undefined, { rev }).kvs.map(show).join(', ') || '-';
}

describe('KvStore writes', () => {
  it('starts at revision 1 with nothing in it, never compacted', () => {
    const store = new KvStore();
    expect(store.currentRevision).toBe(1);
    expect(store.compactRevision).toBe(-1);
    expect(store.range(...ALL)).toEqual({ kvs: [], count: 0, more: false, rev: 1 });
  });

  it('bumps the revision once per put; a live key keeps its create revision and counts versions', () => {
    const store = new KvStore();
    put(store, 'a', '1', 7n);
    put(store, 'a', '2');
    expect(store.currentRevision).toBe(3);
    expect(get(store, 'a')).toBe('a=2 c2 m3 v2');
    expect(get(store, 'a', 2)).toBe('a=1 c2 m2 v1 lease=7');
  });

  it('deletes with a tombstone; a put after it starts a new generation', () => {
    const store = new KvStore();
    put(store, 'a', '1');
    put(store, 'a', '2');
    const { deleted, revision } = del(store, 'a');
    expect(deleted.map(show)).toEqual(['a=2 c2 m3 v2']);
    expect(revision).toBe(4);
    expect(get(store, 'a')).toBe('-');
    put(store, 'a', '3');
    expect(get(store, 'a')).toBe('a=3 c5 m5 v1');
    expect(get(store, 'a', 3)).toBe('a=2 c2 m3 v2');
    expect(get(store, 'a', 4)).toBe('-');
  });

  it('does not move the revision for a delete of nothing', () => {
    const store = new KvStore();
    put(store, 'a', '1');
    expect(del(store, 'b')).toEqual({ deleted: [], revision: 2, events: [] });
    expect(del(store, 'b', 'z')).toEqual({ deleted: [], revision: 2, events: [] });
    expect(store.currentRevision).toBe(2);
  });

  it('gives the changes of one transaction one main revision and rising sub revisions', () => {
    const store = new KvStore();
    put(store, 'x', '0');
    const txn = store.write();
    expect(txn.revision).toBe(2);
    txn.put(b('a'), b('1'));
    expect(txn.revision).toBe(3);
    txn.put(b('b'), b('1'));
    txn.put(b('a'), b('2'));
    expect(txn.deleteRange(b('x')).map(show)).toEqual(['x=0 c2 m2 v1']);
    expect(store.currentRevision).toBe(2); // nothing visible outside until end()
    expect(get(store, 'a')).toBe('-');
    const { revision, events } = txn.end();
    expect(revision).toBe(3);
    expect(store.currentRevision).toBe(3);
    expect(events.map(showEvent)).toEqual([
      'PUT a=1 c3 m3 v1 prev:-',
      'PUT b=1 c3 m3 v1 prev:-',
      'PUT a=2 c3 m3 v2 prev:-',
      'DELETE x= c0 m3 v0 prev:x=0 c2 m2 v1',
    ]);
    expect(get(store, 'a')).toBe('a=2 c3 m3 v2');
  });

  it('lets a write transaction read its own writes', () => {
    const store = new KvStore();
    put(store, 'a', '1');
    const txn = store.write();
    txn.put(b('a'), b('2'));
    txn.put(b('b'), b('1'));
    const inside = txn.range(...ALL);
    expect(inside.rev).toBe(3);
    expect(inside.kvs.map(show)).toEqual(['a=2 c2 m3 v2', 'b=1 c3 m3 v1']);
    expect(txn.range(b('a'), undefined, { rev: 2 }).kvs.map(show)).toEqual(['a=1 c2 m2 v1']);
    expect(() => txn.range(b('a'), undefined, { rev: 4 })).toThrow(ErrFutureRev);
    txn.deleteRange(b('b'));
    expect(txn.range(...ALL).kvs.map(show)).toEqual(['a=2 c2 m3 v2']);
    expect(txn.deleteRange(b('b'))).toEqual([]); // already deleted in this transaction
    txn.end();
    expect(store.currentRevision).toBe(3);
  });

  it('reports prevKv for puts of live keys and for deletes', () => {
    const store = new KvStore();
    expect(put(store, 'a', '1').map(showEvent)).toEqual(['PUT a=1 c2 m2 v1 prev:-']);
    expect(put(store, 'a', '2').map(showEvent)).toEqual(['PUT a=2 c2 m3 v2 prev:a=1 c2 m2 v1']);
    put(store, 'b', '1');
    expect(del(store, 'a', 'c').events.map(showEvent)).toEqual([
      'DELETE a= c0 m5 v0 prev:a=2 c2 m3 v2',
      'DELETE b= c0 m5 v0 prev:b=1 c4 m4 v1',
    ]);
    expect(put(store, 'a', '3').map(showEvent)).toEqual(['PUT a=3 c6 m6 v1 prev:-']);
  });

  it('copies keys and values it is given', () => {
    const store = new KvStore();
    const key = b('a');
    const value = b('1');
    put(store, 'x', 'x');
    const txn = store.write();
    txn.put(key, value);
    txn.end();
    key[0] = 0x7a;
    value[0] = 0x39;
    expect(get(store, 'a')).toBe('a=1 c3 m3 v1');
  });

  it('allows one write transaction at a time and no use after end()', () => {
    const store = new KvStore();
    const txn = store.write();
    expect(() => store.write()).toThrow(InvariantError);
    expect(() => store.compact(1)).toThrow(InvariantError);
    txn.end();
    expect(() => txn.put(b('a'), b('1'))).toThrow(InvariantError);
    expect(() => txn.end()).toThrow(InvariantError);
    store.write().end();
  });
});

describe('KvStore range options', () => {
  /** The keys of an etcd 3.4.23 session: `put s/$k v$k` for k in a a a b c c d. */
  function etcdSession(): KvStore {
    const store = new KvStore();
    for (const k of ['a', 'a', 'a', 'b', 'c', 'c', 'd']) put(store, `s/${k}`, `v${k}`);
    return store;
  }
  const prefix = [b('s/'), b('s0')] as const;
  const keysOf = (result: { kvs: KeyValue[] }) => result.kvs.map((kv) => Buffer.from(kv.key).toString('latin1')).join(' ');

  it('answers the sorted gets etcdctl sent to etcd 3.4.23 the same way', () => {
    const store = etcdSession();
    const byVersionNone = store.range(...prefix, { sortTarget: 'VERSION', limit: 2 }); // etcdctl --sort-by=VERSION
    expect([keysOf(byVersionNone), byVersionNone.count, byVersionNone.more]).toEqual(['s/b s/c', 4, true]);
    const byVersionDown = store.range(...prefix, { sortOrder: 'DESCEND', sortTarget: 'VERSION' });
    expect([keysOf(byVersionDown), byVersionDown.count, byVersionDown.more]).toEqual(['s/a s/c s/b s/d', 4, false]);
    const byVersionUp = store.range(...prefix, { sortOrder: 'ASCEND', sortTarget: 'VERSION', limit: 2 });
    expect([keysOf(byVersionUp), byVersionUp.count, byVersionUp.more]).toEqual(['s/b s/d', 4, true]);
    const byValueDown = store.range(...prefix, { sortOrder: 'DESCEND', sortTarget: 'VALUE', limit: 2 });
    expect([keysOf(byValueDown), byValueDown.count, byValueDown.more]).toEqual(['s/d s/c', 4, true]);
  });

  it('counts every key in the range, whatever the limit and the filters', () => {
    const store = etcdSession(); // s/a c2 m4, s/b c5 m5, s/c c6 m7, s/d c8 m8
    expect(store.range(...prefix, { limit: 3 })).toMatchObject({ count: 4, more: true });
    expect(store.range(...prefix, { limit: 4 })).toMatchObject({ count: 4, more: false });
    const filtered = store.range(...prefix, { minModRevision: 5, maxModRevision: 7, limit: 1 });
    expect([keysOf(filtered), filtered.count, filtered.more]).toEqual(['s/b', 4, true]);
    const created = store.range(...prefix, { minCreateRevision: 5, maxCreateRevision: 6 });
    expect([keysOf(created), created.count, created.more]).toEqual(['s/b s/c', 4, false]);
  });

  it('answers countOnly with the count alone and keysOnly without values', () => {
    const store = etcdSession();
    expect(store.range(...prefix, { countOnly: true, limit: 1 })).toEqual({ kvs: [], count: 4, more: false, rev: 8 });
    const keysOnly = store.range(...prefix, { keysOnly: true, limit: 1 });
    expect(keysOnly.kvs.map(show)).toEqual(['s/a= c2 m4 v3']);
    expect(get(store, 's/a')).toBe('s/a=va c2 m4 v3');
  });

  it('sorts by every target in both orders', () => {
    const store = etcdSession();
    const sorted = (sortTarget: SortTarget, sortOrder: SortOrder) => keysOf(store.range(...prefix, { sortTarget, sortOrder }));
    expect(sorted('KEY', 'DESCEND')).toBe('s/d s/c s/b s/a');
    expect(sorted('CREATE', 'ASCEND')).toBe('s/a s/b s/c s/d');
    expect(sorted('CREATE', 'DESCEND')).toBe('s/d s/c s/b s/a');
    expect(sorted('MOD', 'ASCEND')).toBe('s/a s/b s/c s/d');
    expect(sorted('MOD', 'DESCEND')).toBe('s/d s/c s/b s/a');
    expect(sorted('VALUE', 'ASCEND')).toBe('s/a s/b s/c s/d');
    expect(sorted('VERSION', 'ASCEND')).toBe('s/b s/d s/c s/a');
  });
});

describe('KvStore reads at past revisions', () => {
  it('reads any revision from the compact revision to the current one, reporting the current one', () => {
    const store = new KvStore();
    put(store, 'a', '1');
    put(store, 'b', '1');
    del(store, 'a');
    const atTwo = store.range(...ALL, { rev: 2 });
    expect(atTwo.kvs.map(show)).toEqual(['a=1 c2 m2 v1']);
    expect(atTwo.rev).toBe(4);
    expect(store.range(...ALL, { rev: 3 }).count).toBe(2);
    expect(store.range(...ALL, { rev: 1 }).count).toBe(0);
    expect(store.range(...ALL, { rev: -5 }).kvs.map(show)).toEqual(['b=1 c3 m3 v1']);
  });

  it('fails above the current revision with ErrFutureRev', () => {
    const store = new KvStore();
    put(store, 'a', '1');
    expect(() => store.range(b('a'), undefined, { rev: 3 })).toThrow(ErrFutureRev);
    expect(() => store.range(b('a'), undefined, { rev: 3 })).toThrow('mvcc: required revision is a future revision');
  });

  it('keeps a read view at the revision it was opened at', () => {
    const store = new KvStore();
    put(store, 'a', '1');
    const view = store.read();
    put(store, 'a', '2');
    expect(view.revision).toBe(2);
    expect(view.range(b('a')).kvs.map(show)).toEqual(['a=1 c2 m2 v1']);
    expect(() => view.range(b('a'), undefined, { rev: 3 })).toThrow(ErrFutureRev);
  });
});

describe('KvStore compaction', () => {
  /** a: 2 put, 4 put, 5 delete, 7 put; b: 3 put, 6 put; c: 8 put, 9 delete. */
  function history(backend = new MemoryBackend()): KvStore {
    const store = new KvStore({ backend });
    put(store, 'a', 'a2');
    put(store, 'b', 'b3');
    put(store, 'a', 'a4');
    del(store, 'a');
    put(store, 'b', 'b6');
    put(store, 'a', 'a7');
    put(store, 'c', 'c8');
    del(store, 'c');
    return store;
  }

  it('refuses revisions at or below the last compaction and above the current one', () => {
    const store = history();
    expect(() => store.compact(10)).toThrow(ErrFutureRev);
    store.compact(0); // allowed once on a store never compacted, as on etcd
    store.compact(4);
    expect(store.compactRevision).toBe(4);
    expect(() => store.compact(4)).toThrow(ErrCompacted);
    expect(() => store.compact(3)).toThrow('mvcc: required revision has been compacted');
    store.compact(9);
  });

  it('fails reads below the compact revision and keeps answering at and above it', () => {
    const store = history();
    const before = Array.from({ length: 10 }, (_, rev) => (rev === 0 ? [] : store.range(...ALL, { rev }).kvs.map(show)));
    store.compact(4);
    expect(() => store.range(...ALL, { rev: 3 })).toThrow(ErrCompacted);
    expect(() => store.range(b('a'), undefined, { rev: 1 })).toThrow(ErrCompacted);
    for (let rev = 4; rev <= 9; rev++) expect(store.range(...ALL, { rev }).kvs.map(show)).toEqual(before[rev]);
    expect(store.range(...ALL).kvs.map(show)).toEqual(['a=a7 c7 m7 v1', 'b=b6 c3 m6 v2']);
  });

  it('removes every revision no reader at or after the compact revision needs', () => {
    const backend = new MemoryBackend();
    const store = history(backend);
    expect(backend.size).toBe(8);
    store.compact(4); // keeps a@4 and b@3, drops a@2
    expect([...backend.scan(100)].map((r) => `${r.revision.main}${r.tombstone ? 't' : ''}`)).toEqual(['3', '4', '5t', '6', '7', '8', '9t']);
    store.compact(9); // keeps b@6 and a@7; c's generation ends at 9, so nothing of c stays
    expect([...backend.scan(100)].map((r) => `${r.revision.main}${r.tombstone ? 't' : ''}`)).toEqual(['6', '7']);
    expect(store.range(...ALL).kvs.map(show)).toEqual(['a=a7 c7 m7 v1', 'b=b6 c3 m6 v2']);
    put(store, 'b', 'b10');
    expect(get(store, 'b')).toBe('b=b10 c3 m10 v3');
  });

  it('restores the same store from a backend, including after compaction', () => {
    const backend = new MemoryBackend();
    const store = history(backend);
    store.compact(5);
    const reopened = new KvStore({ backend });
    expect(reopened.currentRevision).toBe(9);
    expect(reopened.compactRevision).toBe(5);
    for (let rev = 5; rev <= 9; rev++) {
      expect(reopened.range(...ALL, { rev })).toEqual(store.range(...ALL, { rev }));
    }
    expect(() => reopened.range(...ALL, { rev: 4 })).toThrow(ErrCompacted);
    expect(put(reopened, 'b', 'b10').map(showEvent)).toEqual(['PUT b=b10 c3 m10 v3 prev:b=b6 c3 m6 v2']);
  });

  it('keeps the revision after everything was compacted away', () => {
    const backend = new MemoryBackend();
    const store = new KvStore({ backend });
    put(store, 'a', '1');
    del(store, 'a');
    store.compact(3);
    expect(backend.size).toBe(0);
    const reopened = new KvStore({ backend });
    expect(reopened.currentRevision).toBe(3);
    expect(put(reopened, 'a', '2').map(showEvent)).toEqual(['PUT a=2 c4 m4 v1 prev:-']);
  });
});

describe('KvStore hashKV', () => {
  /**
   * The history run against etcd 3.4.23 (fresh data dir) with etcdctl: compaction 0, compaction 1, put a 1,
   * put b 2, put a 3, del a, put c 4, compaction 4; then `endpoint hashkv` answered 3650823943 at the current
   * revision 6 and 2051293682 at --rev=5.
   */
  function etcdHistory(): KvStore {
    const store = new KvStore();
    store.compact(0);
    store.compact(1);
    put(store, 'a', '1');
    put(store, 'b', '2');
    put(store, 'a', '3');
    del(store, 'a');
    put(store, 'c', '4');
    store.compact(4);
    return store;
  }

  it("matches etcd's HashKV for the same history", () => {
    const store = etcdHistory();
    expect(store.hashKV()).toEqual({ hash: 3650823943, revision: 6, compactRevision: 4 });
    expect(store.hashKV(6).hash).toBe(3650823943);
    expect(store.hashKV(5).hash).toBe(2051293682);
  });

  it('fails at or below the compact revision, and above the current one', () => {
    const store = etcdHistory();
    expect(() => store.hashKV(4)).toThrow(ErrCompacted);
    expect(() => store.hashKV(3)).toThrow(ErrCompacted);
    expect(() => store.hashKV(7)).toThrow(ErrFutureRev);
  });

  it('differs between members until both compacted at the same revision', () => {
    const compacted = new KvStore();
    const whole = new KvStore();
    for (const store of [compacted, whole]) {
      put(store, 'a', '1');
      put(store, 'b', '1');
      put(store, 'a', '2');
    }
    compacted.compact(3);
    expect(compacted.hashKV(4).hash).not.toBe(whole.hashKV(4).hash); // whole still holds a@2
    whole.compact(3);
    expect(compacted.hashKV(4).hash).toBe(whole.hashKV(4).hash);
  });

  it('hashes only the bucket name on a fresh store (etcd 3.4.23 answers 1084519789, compact revision -1)', () => {
    expect(new KvStore().hashKV()).toEqual({ hash: 1084519789, revision: 1, compactRevision: -1 });
    expect(crc32c(b('key'))).toBe(1084519789);
  });
});
