// One subscriber of the watch cache: its own bounded queue, so a slow reader delays nobody. A reader that falls
// `limit` events behind is closed (its stream ends after what is queued); the client re-watches from the last
// resourceVersion it saw, as client-go's reflector does, and gets 410 if the cache no longer reaches back that far.
import { AsyncQueue } from '../../client/etcd/index.js';
import { bookmarkEvent, eventFor, type Change, type Predicate, type WatchEvent } from './events.js';

export interface CacheWatcherOwner {
  readonly resourceVersion: number;
  remove(watcher: CacheWatcher): void;
}

export class CacheWatcher implements AsyncIterable<WatchEvent> {
  private readonly queue = new AsyncQueue<WatchEvent>();
  private closedBy: 'consumer' | 'overflow' | 'cache' | undefined;
  /** The newest revision this watcher has been sent (an event or a bookmark). */
  private sentRevision: number;
  private limit: number;
  private readonly baseLimit: number;

  constructor(
    private readonly owner: CacheWatcherOwner,
    readonly keyPrefix: string,
    readonly predicate: Predicate | undefined,
    readonly allowBookmarks: boolean,
    limit: number,
    startRevision: number,
  ) {
    this.limit = limit;
    this.baseLimit = limit;
    this.sentRevision = startRevision;
    this.queue.onReturn(() => this.close('consumer'));
  }

  /** Why the stream ended: the consumer stopped, it fell too far behind, or the cache re-listed or stopped. */
  get closeReason(): 'consumer' | 'overflow' | 'cache' | undefined {
    return this.closedBy;
  }

  get closed(): boolean {
    return this.closedBy !== undefined;
  }

  get queued(): number {
    return this.queue.size;
  }

  /** Events replayed at start do not count against the limit: the backlog may be longer than live slack. */
  allowBacklog(events: number): void {
    this.limit += events;
  }

  /** Internal: the cache hands every change here, in revision order. */
  deliver(change: Change): void {
    if (this.closedBy || !change.key.startsWith(this.keyPrefix)) return;
    const event = eventFor(change, this.predicate);
    if (event) this.enqueue(event, change.revision);
  }

  /** Internal: one event of the initial state (ADDED), or the bookmark that ends it. */
  deliverInitial(event: WatchEvent): void {
    if (!this.closedBy) this.queue.push(event);
  }

  /** Sends a BOOKMARK at `revision` if the watcher asked for bookmarks and has not seen that revision yet. */
  bookmark(revision: number): void {
    if (this.closedBy || !this.allowBookmarks || revision <= this.sentRevision) return;
    this.enqueue(bookmarkEvent(revision), revision);
  }

  /** A bookmark at the cache's current revision now (e.g. before the HTTP layer ends a watch on timeout). */
  requestBookmark(): void {
    this.bookmark(this.owner.resourceVersion);
  }

  stop(): void {
    this.close('consumer');
  }

  /** Internal: the cache ends every watcher when it re-lists or stops. */
  close(reason: 'consumer' | 'overflow' | 'cache'): void {
    if (this.closedBy) return;
    this.closedBy = reason;
    this.queue.close();
    this.owner.remove(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return this.queue[Symbol.asyncIterator]();
  }

  private enqueue(event: WatchEvent, revision: number): void {
    if (this.queue.size >= this.limit) {
      this.close('overflow');
      return;
    }
    this.queue.push(event);
    this.sentRevision = revision;
    // Once the backlog has been read, the slack shrinks back toward the configured limit.
    if (this.queue.size === 1 && this.limit > this.baseLimit) this.limit = this.baseLimit;
  }
}
