import { invariant } from '../mvcc/errors.js';
import type { Event } from '../mvcc/key-value.js';
import type { KvStore } from '../mvcc/kv-store.js';
import { type CatchUpWindow, catchUpWindows, eventsByWatcher, wholeRevisionsPrefix } from './batching.js';
import { type ResolvedWatchHubOptions, type WatchHubOptions, resolveWatchHubOptions } from './options.js';
import { type WatchSink, WatchStream, type WatchStreamHost } from './watch-stream.js';
import type { Watcher } from './watcher.js';
import { WatcherGroup } from './watcher-group.js';
import type { WatchEvent } from './wire-event.js';

export interface WatcherCounts {
  readonly synced: number;
  readonly unsynced: number;
  readonly victims: number;
}

/**
 * The watch layer over the MVCC store (etcd's watchableStore), pure and synchronous: the apply loop calls
 * notify() after each write transaction, the gRPC edge drives the streams, and the server calls syncTick()
 * (~100 ms) and progressTick() (its progress interval). Watchers that are caught up get each revision as it is
 * notified; watchers behind catch up from history in bounded batches; a watcher whose transport is backed up
 * keeps its one undelivered response aside and catches up later. So the writer never waits, and nothing a
 * slow client does grows memory beyond one response per watcher.
 *
 * Each watcher gets its events in revision order with no gap and no repeat, every revision in one response
 * (or one run of fragments): its position (nextRevision) moves only when a response covering everything before
 * it has been written or set aside.
 */
export class WatchHub {
  private readonly options: ResolvedWatchHubOptions;
  private readonly synced = new WatcherGroup();
  private readonly unsynced = new Set<Watcher>();
  private readonly victims = new Set<Watcher>();
  private readonly progressNotified = new Set<Watcher>();
  private readonly awaitingProgress = new Set<WatchStream>();
  private notifiedRevision: number;
  private readonly host: WatchStreamHost;

  constructor(
    private readonly store: KvStore,
    options: WatchHubOptions,
  ) {
    this.options = resolveWatchHubOptions(options);
    // Revisions written before the hub existed have no synced watcher to miss them.
    this.notifiedRevision = store.currentRevision;
    this.host = {
      revision: () => this.notifiedRevision,
      maxResponseBytes: this.options.maxResponseBytes,
      header: this.options.header,
      register: (watcher) => this.register(watcher),
      unregister: (watcher) => this.unregister(watcher),
      streamDrained: (stream) => this.streamDrained(stream),
      progressDeferred: (stream) => this.awaitingProgress.add(stream),
    };
  }

  /** The last revision notified: what the watch layer calls current. */
  get revision(): number {
    return this.notifiedRevision;
  }

  get watcherCounts(): WatcherCounts {
    return { synced: this.synced.size, unsynced: this.unsynced.size, victims: this.victims.size };
  }

  openStream(sink: WatchSink): WatchStream {
    return new WatchStream(sink, this.host);
  }

  /**
   * Fans out the events of the write transaction that made `revision` (in sub-revision order) to the synced
   * watchers. Must be called once for every revision, in order: a revision skipped would be a gap for every
   * synced watcher, so that fails loudly.
   */
  notify(revision: number, events: readonly Event[]): void {
    if (events.length === 0) return;
    invariant(revision === this.notifiedRevision + 1, `watch notify of revision ${revision} after ${this.notifiedRevision}`);
    invariant(revision <= this.store.currentRevision, `watch notify of revision ${revision} beyond the store's`);
    invariant(
      events.every((event) => event.kv.modRevision === revision),
      `watch notify of revision ${revision} with events of other revisions`,
    );
    this.notifiedRevision = revision;
    for (const [watcher, batch] of eventsByWatcher(this.synced, events)) {
      watcher.nextRevision = revision + 1;
      if (!this.offer(watcher, batch, revision)) this.moveTo(watcher, 'victim');
    }
  }

  /**
   * The periodic sync (etcd's syncWatchersLoop and syncVictimsLoop): retries victims whose stream drained,
   * moves up to maxWatchersPerSync unsynced watchers forward from history, and answers progress requests that
   * were waiting for them.
   */
  syncTick(): void {
    for (const watcher of [...this.victims]) if (!watcher.stream.isBackedUp) this.retryVictim(watcher);
    this.syncUnsynced();
    this.answerAwaitingProgress();
  }

  /**
   * The progress interval (etcd's --experimental-watch-progress-notify-interval, 10 min by default): each synced
   * watcher created with progress_notify that got no events since the last tick is sent one with none, carrying
   * the current revision. A backed-up stream is skipped, as etcd skips a full channel.
   */
  progressTick(): void {
    for (const watcher of this.progressNotified) {
      if (watcher.eventsSinceProgress) watcher.eventsSinceProgress = false;
      else if (watcher.state === 'synced' && !watcher.stream.isBackedUp) watcher.stream.writeProgress(watcher, this.notifiedRevision);
    }
  }

  /** The stream's transport can take more: its victims' responses go out now, in the order they were set aside. */
  streamDrained(stream: WatchStream): void {
    stream.markDrained();
    for (const watcher of [...stream.victims()]) {
      if (stream.isBackedUp) break;
      this.retryVictim(watcher);
    }
    if (stream.answerProgress()) this.awaitingProgress.delete(stream);
  }

  private register(watcher: Watcher): void {
    this.place(watcher);
    if (watcher.options.progressNotify) this.progressNotified.add(watcher);
  }

  private unregister(watcher: Watcher): void {
    this.leaveGroup(watcher);
    watcher.pending = undefined;
    this.progressNotified.delete(watcher);
  }

  /** Synced if it has had everything notified so far (or starts later), unsynced otherwise. */
  private place(watcher: Watcher): void {
    this.moveTo(watcher, watcher.nextRevision > this.notifiedRevision ? 'synced' : 'unsynced');
  }

  private moveTo(watcher: Watcher, state: Watcher['state']): void {
    this.leaveGroup(watcher);
    watcher.state = state;
    if (state === 'synced') this.synced.add(watcher);
    else if (state === 'unsynced') this.unsynced.add(watcher); // at the back: syncTick takes the longest waiting first
    else if (state === 'victim') this.victims.add(watcher);
  }

  private leaveGroup(watcher: Watcher): void {
    if (watcher.state === 'synced') this.synced.delete(watcher);
    else if (watcher.state === 'unsynced') this.unsynced.delete(watcher);
    else if (watcher.state === 'victim') this.victims.delete(watcher);
  }

  /**
   * Sends a watcher its share of a batch; false if its stream is backed up, the selected events then waiting in
   * `pending`. A batch the watcher's filters empty sends nothing, as on etcd.
   */
  private offer(watcher: Watcher, batch: readonly WatchEvent[], headerRevision: number): boolean {
    const events = watcher.select(batch);
    if (events.length === 0) return true;
    if (watcher.stream.isBackedUp) {
      watcher.pending = events;
      return false;
    }
    watcher.stream.writeEvents(watcher, events, headerRevision);
    return true;
  }

  /** The header says how far the watcher has now seen, as etcd's moveVictims does. */
  private retryVictim(watcher: Watcher): void {
    invariant(watcher.pending !== undefined, 'a victim without a pending response');
    watcher.stream.writeEvents(watcher, watcher.pending, watcher.nextRevision - 1);
    watcher.pending = undefined;
    this.place(watcher);
  }

  private syncUnsynced(): void {
    const chosen = [...take(this.unsynced, this.options.maxWatchersPerSync)];
    const compactRevision = this.store.compactRevision;
    const live: Watcher[] = [];
    for (const watcher of chosen) {
      if (watcher.nextRevision >= compactRevision) {
        live.push(watcher);
        continue;
      }
      this.moveTo(watcher, 'compacted');
      watcher.stream.writeCompacted(watcher, compactRevision);
    }
    for (const window of catchUpWindows(live, this.options.catchUpRevisions, this.notifiedRevision)) this.catchUp(window);
  }

  /**
   * Replays one window of history to its watchers, each up to maxEventsPerResponse in whole revisions. The
   * header carries the current revision, as etcd's syncWatchers sets it, even when more is still to come.
   */
  private catchUp({ from, to, watchers }: CatchUpWindow): void {
    const group = new WatcherGroup();
    for (const watcher of watchers) group.add(watcher);
    const batches = eventsByWatcher(group, this.store.eventsBetween(from, to, (key) => group.watchesKey(key)));
    for (const watcher of watchers) {
      const events = batches.get(watcher) ?? [];
      const taken = wholeRevisionsPrefix(events, this.options.maxEventsPerResponse);
      watcher.nextRevision = taken < events.length ? events[taken]!.revision : to + 1;
      if (this.offer(watcher, events.slice(0, taken), this.notifiedRevision)) this.place(watcher);
      else this.moveTo(watcher, 'victim');
    }
  }

  private answerAwaitingProgress(): void {
    for (const stream of [...this.awaitingProgress]) {
      if (stream.isClosed || stream.answerProgress()) this.awaitingProgress.delete(stream);
    }
  }
}

function* take<T>(items: Iterable<T>, count: number): Generator<T> {
  if (count <= 0) return;
  let taken = 0;
  for (const item of items) {
    yield item;
    if (++taken >= count) return;
  }
}
