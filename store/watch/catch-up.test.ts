import { describe, expect, it } from 'vitest';
import { WatchHarness, b, createRequest } from './watch-test-kit.js';

describe('watchers starting in the past', () => {
  it('catch up in whole-revision batches at each sync, then get live events, with no gap or repeat', () => {
    const h = new WatchHarness({ maxEventsPerResponse: 3 });
    h.put('k', '1'); // 2
    h.txn((txn) => {
      txn.put(b('k'), b('2'));
      txn.put(b('k2'), b('2'));
    }); // 3
    h.put('other', 'x'); // 4
    h.txn((txn) => {
      txn.put(b('k'), b('3'));
      txn.deleteRange(b('k2'));
    }); // 5
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'k', rangeEnd: 'l', startRevision: 2 }));
    h.put('k', '4'); // 6: the watcher is not caught up, so this waits for the history read
    expect(sink.take()).toEqual(['0 @5 created']);
    h.hub.syncTick();
    // Three events would split revision 5, so the first response stops after revision 3.
    expect(sink.take()).toEqual(['0 @6 PUT k=1@2 PUT k=2@3 PUT k2=2@3']);
    h.hub.syncTick();
    expect(sink.take()).toEqual(['0 @6 PUT k=3@5 DELETE k2@5 PUT k=4@6']);
    expect(h.hub.watcherCounts).toEqual({ synced: 1, unsynced: 0, victims: 0 });
    h.put('k', '5');
    expect(sink.take()).toEqual(['0 @7 PUT k=5@7']);
  });

  it('sends a revision bigger than maxEventsPerResponse whole', () => {
    const h = new WatchHarness({ maxEventsPerResponse: 2 });
    h.txn((txn) => ['a', 'b', 'c'].forEach((key) => txn.put(b(key), b('1'))));
    h.put('a', '2');
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'a', rangeEnd: 'z', startRevision: 1 }));
    h.hub.syncTick();
    h.hub.syncTick();
    expect(sink.take()).toEqual(['0 @3 created', '0 @3 PUT a=1@2 PUT b=1@2 PUT c=1@2', '0 @3 PUT a=2@3']);
  });

  it('joins the synced watchers without a response when history holds nothing for it', () => {
    const h = new WatchHarness();
    h.put('a', '1');
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'z', startRevision: 1 }));
    h.hub.syncTick();
    expect(h.hub.watcherCounts).toEqual({ synced: 1, unsynced: 0, victims: 0 });
    h.put('z', '1');
    expect(sink.take()).toEqual(['0 @2 created', '0 @3 PUT z=1@3']);
  });

  it('reads at most catchUpRevisions per watcher and moves at most maxWatchersPerSync watchers per sync', () => {
    const h = new WatchHarness({ catchUpRevisions: 2, maxWatchersPerSync: 2 });
    for (let i = 1; i <= 4; i++) h.put('k', `${i}`); // 2..5
    const { stream, sink } = h.stream();
    for (let i = 0; i < 3; i++) stream.create(createRequest({ key: 'k', startRevision: 2 }));
    sink.take();
    h.hub.syncTick();
    expect(sink.take()).toEqual(['0 @5 PUT k=1@2 PUT k=2@3', '1 @5 PUT k=1@2 PUT k=2@3']);
    // Watchers still behind go to the back of the queue: the one that waited longest goes first.
    h.hub.syncTick();
    expect(sink.take()).toEqual(['2 @5 PUT k=1@2 PUT k=2@3', '0 @5 PUT k=3@4 PUT k=4@5']);
    h.hub.syncTick();
    h.hub.syncTick();
    expect(sink.take()).toEqual(['1 @5 PUT k=3@4 PUT k=4@5', '2 @5 PUT k=3@4 PUT k=4@5']);
    expect(h.hub.watcherCounts).toEqual({ synced: 3, unsynced: 0, victims: 0 });
  });

  it('does not hold back a watcher nearly caught up behind one far behind', () => {
    const h = new WatchHarness({ catchUpRevisions: 3 });
    for (let i = 1; i <= 10; i++) h.put('k', `${i}`); // 2..11
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'k', startRevision: 2 }));
    stream.create(createRequest({ key: 'k', startRevision: 11 }));
    sink.take();
    h.hub.syncTick();
    expect(sink.take()).toEqual(['0 @11 PUT k=1@2 PUT k=2@3 PUT k=3@4', '1 @11 PUT k=10@11']);
    expect(h.hub.watcherCounts).toEqual({ synced: 1, unsynced: 1, victims: 0 });
  });

  it('gives a watcher created between writes exactly the revisions after its start', () => {
    const h = new WatchHarness();
    h.put('k', '1');
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'k' })); // start 0: the next revision
    stream.create(createRequest({ key: 'k', startRevision: 2 }));
    h.put('k', '2');
    h.hub.syncTick();
    h.put('k', '3');
    expect(sink.take()).toEqual([
      '0 @2 created',
      '1 @2 created',
      '0 @3 PUT k=2@3',
      '1 @3 PUT k=1@2 PUT k=2@3',
      '0 @4 PUT k=3@4',
      '1 @4 PUT k=3@4',
    ]);
  });
});
