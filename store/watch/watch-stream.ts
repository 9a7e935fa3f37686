import type { Event as WireEvent, ResponseHeader, WatchCreateRequest, WatchRequest, WatchResponse } from '../../api/etcd/messages.js';
import { type KeyRange, compareKeys, toKeyRange } from '../mvcc/key-range.js';
import { fragmentResponse } from './fragment.js';
import { DUPLICATE_WATCH_ID_REASON, EMPTY_RANGE_REASON, NO_WATCH_ID, watchResponse } from './responses.js';
import { Watcher } from './watcher.js';

/**
 * Where a stream's responses go: the gRPC call. send() returns false when the transport is backed up (grpc-js
 * write() returning false): the response is taken, but no more events should follow until the stream is
 * drained. send() must not call back into the stream or the hub.
 */
export interface WatchSink {
  send(response: WatchResponse): boolean;
}

/** What a stream needs from the hub that owns it. */
export interface WatchStreamHost {
  /** The last revision handed to the watch layer. */
  revision(): number;
  readonly maxResponseBytes: number;
  header(revision: number): ResponseHeader;
  register(watcher: Watcher): void;
  unregister(watcher: Watcher): void;
  streamDrained(stream: WatchStream): void;
  /** The stream has a progress request it could not answer yet: ask again once its watchers have caught up. */
  progressDeferred(stream: WatchStream): void;
}

/** The smallest key: etcd watches it when a create request names no key. */
const SMALLEST_KEY = Buffer.from([0]);
/** watch_id 0 asks the server to choose one (etcd's AutoWatchID). */
const AUTO_WATCH_ID = 0n;

/**
 * One client's Watch call (etcd's serverWatchStream plus mvcc watchStream): the watchers it created, by id, and
 * the responses they produce. Control responses (created, canceled, progress) are written at once even when the
 * transport is backed up: they answer the client's own requests and never overtake an event. Events wait.
 */
export class WatchStream {
  private readonly watchers = new Map<bigint, Watcher>();
  private nextAutoId = 0n;
  private backedUp = false;
  private progressRequested = false;
  private closed = false;

  constructor(
    private readonly sink: WatchSink,
    private readonly host: WatchStreamHost,
  ) {}

  /** True from a send() that returned false until drained(). */
  get isBackedUp(): boolean {
    return this.backedUp;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Handles one request of the Watch call. */
  handle(request: WatchRequest): void {
    if (request.create_request !== undefined) this.create(request.create_request);
    else if (request.cancel_request !== undefined) this.cancel(request.cancel_request.watch_id);
    else if (request.progress_request !== undefined) this.requestProgress();
    // etcd ignores a request with nothing set, and so do we.
  }

  /**
   * Creates a watcher and answers `created`. As etcd 3.4: an empty key means "\0"; range_end "\0" means every
   * key from `key` on; start_revision 0 means the next revision; a start in the past is replayed from history by
   * syncTick, a compacted one is answered by syncTick with compact_revision and canceled; an empty range or a
   * watch_id in use is refused with created and canceled under watch_id -1.
   */
  create(request: WatchCreateRequest): void {
    if (this.closed) return;
    const revision = this.host.revision();
    const key = request.key.length === 0 ? SMALLEST_KEY : request.key;
    const range = toKeyRange(key, request.range_end);
    if (isEmptyRange(range)) return this.refuse(EMPTY_RANGE_REASON);
    let id = request.watch_id;
    if (id === AUTO_WATCH_ID) {
      while (this.watchers.has(this.nextAutoId)) this.nextAutoId++;
      id = this.nextAutoId++;
    } else if (this.watchers.has(id)) {
      return this.refuse(DUPLICATE_WATCH_ID_REASON);
    }
    const options = {
      noPut: request.filters.includes('NOPUT'),
      noDelete: request.filters.includes('NODELETE'),
      prevKv: request.prev_kv,
      fragment: request.fragment,
      progressNotify: request.progress_notify,
    };
    // A start beyond 2^53 loses precision but stays far in the future, which is all such a start can mean.
    const start = request.start_revision === 0n ? revision + 1 : Number(request.start_revision);
    const watcher = new Watcher(this, id, range, options, start);
    this.watchers.set(id, watcher);
    // Written before the hub knows the watcher, so that no event can go out ahead of it.
    this.write(watchResponse(this.host.header(revision), id, { created: true }));
    this.host.register(watcher);
  }

  /** Cancels a watcher and answers `canceled`; an unknown id gets no answer, as on etcd. */
  cancel(watchId: bigint): void {
    const watcher = this.watchers.get(watchId);
    if (this.closed || watcher === undefined) return;
    this.watchers.delete(watchId);
    this.host.unregister(watcher);
    this.write(watchResponse(this.host.header(this.host.revision()), watchId, { canceled: true }));
    this.answerProgress();
  }

  /**
   * Asks for a progress notification: a response with watch_id -1, no events and the current revision, sent
   * once every watcher of the stream has been sent everything up to that revision. etcd 3.4.23 answers at once
   * even while watchers are catching up, which tells the client it has seen revisions it has not; later etcd
   * releases wait as we do (etcd-io/etcd#15237, the fix for #15220). Requests made while one waits are answered
   * together.
   */
  requestProgress(): void {
    if (this.closed) return;
    this.progressRequested = true;
    this.answerProgress();
    if (this.progressRequested) this.host.progressDeferred(this);
  }

  /** The transport can take more (grpc-js 'drain'): pending events go out now. */
  drained(): void {
    this.host.streamDrained(this);
  }

  /** Ends the stream: every watcher goes, nothing more is sent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const watcher of this.watchers.values()) this.host.unregister(watcher);
    this.watchers.clear();
    this.progressRequested = false;
  }

  // ---- for the hub ----

  /** Sends a progress request's answer if it waits and every live watcher is synced; true if none waits now. */
  answerProgress(): boolean {
    if (!this.progressRequested) return true;
    for (const watcher of this.watchers.values()) {
      if (watcher.state !== 'synced' && watcher.state !== 'compacted') return false;
    }
    this.progressRequested = false;
    this.write(watchResponse(this.host.header(this.host.revision()), NO_WATCH_ID));
    return true;
  }

  /** Marks the transport ready again; the hub then retries this stream's victims. */
  markDrained(): void {
    this.backedUp = false;
  }

  *victims(): Generator<Watcher> {
    for (const watcher of this.watchers.values()) if (watcher.state === 'victim') yield watcher;
  }

  /** Sends events to a watcher, in fragments if it asked for them; every fragment goes, backed up or not. */
  writeEvents(watcher: Watcher, events: WireEvent[], headerRevision: number): void {
    const response = watchResponse(this.host.header(headerRevision), watcher.id, { events });
    const parts = watcher.options.fragment ? fragmentResponse(response, this.host.maxResponseBytes) : [response];
    for (const part of parts) this.write(part);
    watcher.eventsSinceProgress = true;
  }

  /**
   * Tells a watcher its next revision was compacted. The header revision is 0, as etcd 3.4 sends it (it builds
   * the header from the mvcc response, which carries no revision here).
   */
  writeCompacted(watcher: Watcher, compactRevision: number): void {
    this.write(watchResponse(this.host.header(0), watcher.id, { canceled: true, compactRevision }));
  }

  writeProgress(watcher: Watcher, revision: number): void {
    this.write(watchResponse(this.host.header(revision), watcher.id));
  }

  private refuse(reason: string): void {
    this.write(watchResponse(this.host.header(this.host.revision()), NO_WATCH_ID, { created: true, canceled: true, cancelReason: reason }));
  }

  private write(response: WatchResponse): void {
    if (!this.sink.send(response)) this.backedUp = true;
  }
}

/** etcd refuses [key, range_end) with range_end <= key; single keys and from-key ranges are never empty. */
function isEmptyRange(range: KeyRange): boolean {
  return range.kind === 'interval' && range.end !== undefined && compareKeys(range.start, range.end) >= 0;
}
