import { describe, expect, it } from 'vitest';
import { InvariantError } from '../mvcc/errors.js';
import { WatchHarness, b, createRequest } from './watch-test-kit.js';

describe('WatchHub fan-out', () => {
  it('sends each revision to the watchers whose key, prefix or range holds the changed keys', () => {
    const h = new WatchHarness();
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'a' })); // 0: one key
    stream.create(createRequest({ key: 'p/', rangeEnd: 'p0' })); // 1: a prefix
    stream.create(createRequest({ key: 'b', rangeEnd: 'd' })); // 2: [b, d)
    stream.create(createRequest({ key: 'x', rangeEnd: '\0' })); // 3: every key from x on
    stream.create(createRequest({ key: '\0', rangeEnd: '\0' })); // 4: every key
    expect(sink.take()).toEqual(['0 @1 created', '1 @1 created', '2 @1 created', '3 @1 created', '4 @1 created']);

    h.put('a', '1');
    h.put('p/1', '1');
    h.put('d', '1'); // the end of [b, d) is outside it
    h.put('y', '1');
    h.txn((txn) => {
      txn.put(b('c'), b('2'));
      txn.put(b('a'), b('2'));
      txn.put(b('p/2'), b('2'));
      txn.deleteRange(b('p/1'));
    });
    expect(sink.take()).toEqual([
      '0 @2 PUT a=1@2',
      '4 @2 PUT a=1@2',
      '1 @3 PUT p/1=1@3',
      '4 @3 PUT p/1=1@3',
      '4 @4 PUT d=1@4',
      '3 @5 PUT y=1@5',
      '4 @5 PUT y=1@5',
      // One response per watcher for the whole transaction, its events in the transaction's order.
      '2 @6 PUT c=2@6',
      '4 @6 PUT c=2@6 PUT a=2@6 PUT p/2=2@6 DELETE p/1@6',
      '0 @6 PUT a=2@6',
      '1 @6 PUT p/2=2@6 DELETE p/1@6',
    ]);
  });

  it('watches the key "\\0" for an empty key, as etcd does', () => {
    const h = new WatchHarness();
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: '' }));
    h.put('a', '1');
    h.put('\0', 'z');
    expect(sink.take()).toEqual(['0 @1 created', '0 @3 PUT \0=z@3']);
  });

  it('applies NOPUT and NODELETE, and sends nothing for a revision they empty', () => {
    const h = new WatchHarness();
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'k', rangeEnd: 'l', filters: ['NOPUT'] }));
    stream.create(createRequest({ key: 'k', rangeEnd: 'l', filters: ['NODELETE'] }));
    stream.create(createRequest({ key: 'k', rangeEnd: 'l', filters: ['NOPUT', 'NODELETE'] }));
    sink.take();
    h.put('k1', 'a');
    h.txn((txn) => {
      txn.put(b('k2'), b('b'));
      txn.deleteRange(b('k1'));
    });
    expect(sink.take()).toEqual(['1 @2 PUT k1=a@2', '0 @3 DELETE k1@3', '1 @3 PUT k2=b@3']);
  });

  it('attaches prev_kv, the state before the transaction, only for watchers that asked', () => {
    const h = new WatchHarness();
    const { stream, sink } = h.stream();
    h.put('k', 'old');
    stream.create(createRequest({ key: 'k', prevKv: true }));
    stream.create(createRequest({ key: 'k' }));
    sink.take();
    h.put('k', 'new');
    h.txn((txn) => {
      txn.put(b('k'), b('newer'));
      txn.deleteRange(b('k'));
    });
    expect(sink.take()).toEqual([
      '0 @3 PUT k=new@3<-prev=k=old@2',
      '1 @3 PUT k=new@3',
      // etcd reads prev_kv at modRevision - 1 for every event, so both events of one transaction get the same.
      '0 @4 PUT k=newer@4<-prev=k=new@3 DELETE k@4<-prev=k=new@3',
      '1 @4 PUT k=newer@4 DELETE k@4',
    ]);
  });

  it('starts a watcher with a future start_revision there', () => {
    const h = new WatchHarness();
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'f', startRevision: 4 }));
    for (const value of ['1', '2', '3', '4']) h.put('f', value);
    expect(sink.take()).toEqual(['0 @1 created', '0 @4 PUT f=3@4', '0 @5 PUT f=4@5']);
  });

  it('fails loudly when a revision is skipped or notified twice', () => {
    const h = new WatchHarness();
    h.put('a', '1');
    const txn = h.store.write();
    txn.put(b('a'), b('2'));
    const { events } = txn.end();
    expect(() => h.hub.notify(2, events)).toThrow(InvariantError);
    const skipped = h.store.write();
    skipped.put(b('a'), b('3'));
    expect(() => h.hub.notify(4, skipped.end().events)).toThrow(InvariantError);
  });
});

describe('WatchStream requests, answered as etcd 3.4.23 answers them', () => {
  it('numbers watchers from 0, skipping ids the client chose; takes -1 as a chosen id', () => {
    const h = new WatchHarness();
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'x' }));
    stream.create(createRequest({ key: 'x', watchId: 1 }));
    stream.create(createRequest({ key: 'x' }));
    stream.create(createRequest({ key: 'x', watchId: -1 }));
    expect(sink.take()).toEqual(['0 @1 created', '1 @1 created', '2 @1 created', '-1 @1 created']);
  });

  it('refuses a watch id in use and an empty range with created and canceled under watch_id -1', () => {
    const h = new WatchHarness();
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'x', watchId: 5 }));
    stream.create(createRequest({ key: 'y', watchId: 5 }));
    stream.create(createRequest({ key: 'a', rangeEnd: 'a' }));
    stream.create(createRequest({ key: 'b', rangeEnd: 'a', watchId: 9 }));
    expect(sink.take()).toEqual([
      '5 @1 created',
      '-1 @1 created canceled reason="mvcc: duplicate watch ID provided on the WatchStream"',
      '-1 @1 created canceled reason="mvcc: watcher range is empty"',
      '-1 @1 created canceled reason="mvcc: watcher range is empty"',
    ]);
    h.put('y', '1');
    expect(sink.take()).toEqual([]);
  });

  it('cancels: answers canceled, sends nothing more, ignores unknown ids; the id may then be reused', () => {
    const h = new WatchHarness();
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'k', watchId: 5 }));
    h.put('k', '1');
    stream.cancel(5n);
    stream.cancel(5n);
    stream.cancel(999n);
    h.put('k', '2');
    stream.create(createRequest({ key: 'k', watchId: 5 }));
    h.put('k', '3');
    expect(sink.take()).toEqual(['5 @1 created', '5 @2 PUT k=1@2', '5 @2 canceled', '5 @3 created', '5 @4 PUT k=3@4']);
    expect(h.hub.watcherCounts).toEqual({ synced: 1, unsynced: 0, victims: 0 });
  });

  it('dispatches the oneof of a WatchRequest', () => {
    const h = new WatchHarness();
    const { stream, sink } = h.stream();
    stream.handle({ request_union: 'create_request', create_request: createRequest({ key: 'k', watchId: 3 }) });
    stream.handle({ request_union: 'progress_request', progress_request: {} });
    stream.handle({ request_union: 'cancel_request', cancel_request: { watch_id: 3n } });
    stream.handle({});
    expect(sink.take()).toEqual(['3 @1 created', '-1 @1', '3 @1 canceled']);
  });

  it('sends nothing after close and forgets the watchers', () => {
    const h = new WatchHarness();
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'k' }));
    stream.create(createRequest({ key: 'k', startRevision: 1 }));
    stream.close();
    h.put('k', '1');
    h.hub.syncTick();
    stream.create(createRequest({ key: 'k' }));
    stream.requestProgress();
    expect(sink.take()).toEqual(['0 @1 created', '1 @1 created']);
    expect(h.hub.watcherCounts).toEqual({ synced: 0, unsynced: 0, victims: 0 });
  });
});

describe('compacted start revisions', () => {
  function compactedStore() {
    const h = new WatchHarness();
    for (let i = 1; i <= 6; i++) h.put('c', `${i}`); // revisions 2..7
    h.store.compact(5);
    return h;
  }

  it('answers created, then at the next sync canceled with compact_revision and header revision 0', () => {
    const h = compactedStore();
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'c', startRevision: 4, watchId: 50, progressNotify: true }));
    expect(sink.take()).toEqual(['50 @7 created']);
    h.hub.syncTick();
    expect(sink.take()).toEqual(['50 @0 canceled compact=5']);
    h.put('c', '7');
    h.hub.syncTick();
    h.hub.progressTick();
    expect(sink.take()).toEqual([]);
    // The id stays taken until the client cancels it, which etcd answers.
    stream.create(createRequest({ key: 'c', watchId: 50 }));
    stream.cancel(50n);
    stream.create(createRequest({ key: 'c', startRevision: 5, watchId: 50 }));
    expect(sink.take()).toEqual([
      '-1 @8 created canceled reason="mvcc: duplicate watch ID provided on the WatchStream"',
      '50 @8 canceled',
      '50 @8 created',
    ]);
  });

  it('replays from the compact revision itself, without the prev_kv compaction took', () => {
    const h = compactedStore();
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'c', startRevision: 5, prevKv: true }));
    h.hub.syncTick();
    expect(sink.take()).toEqual(['0 @7 created', '0 @7 PUT c=4@5 PUT c=5@6<-prev=c=4@5 PUT c=6@7<-prev=c=5@6']);
  });

  it('refuses a negative start as compacted at -1 on a store never compacted, as etcd 3.4 does', () => {
    const h = new WatchHarness();
    h.put('f', '1');
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'f', startRevision: -5, watchId: 21 }));
    h.hub.syncTick();
    expect(sink.take()).toEqual(['21 @2 created', '21 @0 canceled compact=-1']);
  });
});

describe('progress', () => {
  it('answers a progress request at once with watch_id -1 and the revision when every watcher is synced', () => {
    const h = new WatchHarness();
    const { stream, sink } = h.stream();
    stream.requestProgress(); // no watchers at all: etcd 3.4 answers too
    stream.create(createRequest({ key: 'a' }));
    stream.create(createRequest({ key: 'z', startRevision: 10 })); // synced, starting later
    h.put('b', '1');
    stream.requestProgress();
    expect(sink.take()).toEqual(['-1 @1', '0 @1 created', '1 @1 created', '-1 @2']);
  });

  it('answers only once watchers catching up have been sent everything up to the revision it reports', () => {
    const h = new WatchHarness({ maxEventsPerResponse: 2 });
    for (let i = 1; i <= 5; i++) h.put('k', `${i}`); // revisions 2..6
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'k', startRevision: 2 }));
    stream.requestProgress();
    stream.requestProgress(); // a second request while one waits gets the same answer
    expect(sink.take()).toEqual(['0 @6 created']);
    h.hub.syncTick();
    h.hub.syncTick();
    expect(sink.take()).toEqual(['0 @6 PUT k=1@2 PUT k=2@3', '0 @6 PUT k=3@4 PUT k=4@5']);
    h.hub.syncTick();
    expect(sink.take()).toEqual(['0 @6 PUT k=5@6', '-1 @6']);
  });

  it('answers a waiting request when the watcher holding it back is canceled', () => {
    const h = new WatchHarness();
    h.put('k', '1');
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'k', startRevision: 1 }));
    stream.requestProgress();
    stream.cancel(0n);
    expect(sink.take()).toEqual(['0 @2 created', '0 @2 canceled', '-1 @2']);
  });

  it('notifies progress_notify watchers that are synced and got no events since the last tick', () => {
    const h = new WatchHarness();
    h.put('a', '1');
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'a', progressNotify: true }));
    stream.create(createRequest({ key: 'b', progressNotify: true }));
    stream.create(createRequest({ key: 'c' }));
    stream.create(createRequest({ key: 'a', startRevision: 1, progressNotify: true })); // unsynced until a sync
    sink.take();
    h.hub.progressTick();
    expect(sink.take()).toEqual(['0 @2', '1 @2']);
    h.put('a', '2');
    h.hub.progressTick(); // watcher 0 just had events: etcd skips it this once
    expect(sink.take()).toEqual(['0 @3 PUT a=2@3', '1 @3']);
    h.hub.syncTick();
    h.hub.progressTick();
    expect(sink.take()).toEqual(['3 @3 PUT a=1@2 PUT a=2@3', '0 @3', '1 @3']);
  });
});
