import { describe, expect, it } from 'vitest';
import { WatchHarness, createRequest } from './watch-test-kit.js';

describe('a backed-up stream', () => {
  it('delays nobody else: its watcher keeps one response aside, then catches up from history after drain', () => {
    const h = new WatchHarness();
    const slow = h.stream();
    const fast = h.stream();
    slow.stream.create(createRequest({ key: 'k' }));
    fast.stream.create(createRequest({ key: 'k' }));
    slow.sink.backedUp = true;
    h.put('k', '1'); // written, but the transport says stop
    h.put('k', '2'); // set aside: the watcher becomes a victim
    h.put('k', '3'); // not even looked at for the victim
    h.put('k', '4');
    expect(fast.sink.take()).toEqual(['0 @1 created', '0 @2 PUT k=1@2', '0 @3 PUT k=2@3', '0 @4 PUT k=3@4', '0 @5 PUT k=4@5']);
    expect(slow.sink.take()).toEqual(['0 @1 created', '0 @2 PUT k=1@2']);
    expect(h.hub.watcherCounts).toEqual({ synced: 1, unsynced: 0, victims: 1 });

    h.hub.syncTick(); // still backed up: nothing moves
    expect(slow.sink.take()).toEqual([]);
    slow.sink.backedUp = false;
    slow.stream.drained();
    // The response set aside goes out at once, its header saying how far the watcher has seen.
    expect(slow.sink.take()).toEqual(['0 @3 PUT k=2@3']);
    expect(h.hub.watcherCounts).toEqual({ synced: 1, unsynced: 1, victims: 0 });
    h.hub.syncTick();
    h.put('k', '5');
    expect(slow.sink.take()).toEqual(['0 @5 PUT k=3@4 PUT k=4@5', '0 @6 PUT k=5@6']);
  });

  it('sets every watcher of the stream aside, and writes control responses meanwhile', () => {
    const h = new WatchHarness();
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'a' }));
    stream.create(createRequest({ key: 'b' }));
    sink.backedUp = true;
    h.put('a', '1');
    h.put('b', '1');
    stream.create(createRequest({ key: 'c' }));
    stream.requestProgress(); // waits: watchers 0 and 1 have not been sent everything
    h.put('c', '1');
    expect(sink.take()).toEqual(['0 @1 created', '1 @1 created', '0 @2 PUT a=1@2', '2 @3 created']);
    // Watcher 0's response went out (the send that reported backpressure); the others wait.
    expect(h.hub.watcherCounts).toEqual({ synced: 1, unsynced: 0, victims: 2 });
    sink.backedUp = false;
    stream.drained();
    expect(sink.take()).toEqual(['1 @3 PUT b=1@3', '2 @4 PUT c=1@4']);
    // Watcher 1 has not been looked at for revision 4 yet, so the progress answer waits for the next sync.
    expect(h.hub.watcherCounts).toEqual({ synced: 2, unsynced: 1, victims: 0 });
    h.hub.syncTick();
    expect(sink.take()).toEqual(['-1 @4']);
  });

  it('stops retrying when the stream backs up again, and goes on at the next drain', () => {
    const h = new WatchHarness();
    let budget = Number.POSITIVE_INFINITY;
    const { stream, sink } = h.stream();
    const reportingSink = { send: (r: Parameters<typeof sink.send>[0]) => sink.send(r) && --budget > 0 };
    const other = h.hub.openStream(reportingSink);
    other.create(createRequest({ key: 'a' }));
    other.create(createRequest({ key: 'b' }));
    budget = 0;
    h.put('a', '1');
    h.put('b', '1');
    expect(sink.take()).toEqual(['0 @1 created', '1 @1 created', '0 @2 PUT a=1@2']);
    budget = 1; // takes one response, then reports backpressure again
    other.drained();
    expect(sink.take()).toEqual(['1 @3 PUT b=1@3']);
    expect(h.hub.watcherCounts).toEqual({ synced: 2, unsynced: 0, victims: 0 });
    expect(stream.isBackedUp).toBe(false);
  });

  it('drops the response set aside when its watcher is canceled', () => {
    const h = new WatchHarness();
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'k' }));
    sink.backedUp = true;
    h.put('k', '1');
    h.put('k', '2');
    stream.cancel(0n);
    sink.backedUp = false;
    stream.drained();
    h.hub.syncTick();
    expect(sink.take()).toEqual(['0 @1 created', '0 @2 PUT k=1@2', '0 @3 canceled']);
    expect(h.hub.watcherCounts).toEqual({ synced: 0, unsynced: 0, victims: 0 });
  });

  it('sets a catch-up response aside too, and resumes after it', () => {
    const h = new WatchHarness({ maxEventsPerResponse: 1 });
    for (let i = 1; i <= 3; i++) h.put('k', `${i}`); // 2..4
    const { stream, sink } = h.stream();
    sink.backedUp = true;
    stream.create(createRequest({ key: 'k', startRevision: 2 }));
    h.hub.syncTick(); // the created response backed the stream up: the batch waits
    expect(h.hub.watcherCounts).toEqual({ synced: 0, unsynced: 0, victims: 1 });
    sink.backedUp = false;
    stream.drained();
    h.hub.syncTick();
    h.hub.syncTick();
    expect(sink.take()).toEqual(['0 @4 created', '0 @2 PUT k=1@2', '0 @4 PUT k=2@3', '0 @4 PUT k=3@4']);
  });

  it('tells a victim whose next revision was compacted while it waited', () => {
    const h = new WatchHarness();
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'k' }));
    sink.backedUp = true;
    h.put('k', '1');
    h.put('k', '2'); // victim, next revision 4
    h.put('k', '3');
    h.put('k', '4');
    h.store.compact(5);
    sink.backedUp = false;
    stream.drained();
    h.hub.syncTick();
    expect(sink.take()).toEqual(['0 @1 created', '0 @2 PUT k=1@2', '0 @3 PUT k=2@3', '0 @0 canceled compact=5']);
  });
});
