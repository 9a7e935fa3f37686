// The member's watch hub and the timers that drive it: catch-up of unsynced and backed-up watchers every
// 100 ms (etcd's syncWatchersLoop period), and progress notifications every 10 minutes (etcd's default).
// When a snapshot from the leader replaces the store, the hub is rebuilt and open streams are ended with an
// error: their clients resume from the last revision they saw, as they do after any broken stream.
import type { Logger } from 'pino';
import type { ResponseHeader } from '../../api/etcd/messages.js';
import type { Event } from '../mvcc/key-value.js';
import type { KvStore } from '../mvcc/kv-store.js';
import { fragmentThreshold, WatchHub } from '../watch/index.js';
import type { WatchSink, WatchStream } from '../watch/index.js';

const SYNC_INTERVAL_MS = 100;

export class WatchFanout {
  private hub: WatchHub | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private readonly open = new Map<WatchStream, () => void>();

  constructor(
    private readonly header: (revision: number) => ResponseHeader,
    private readonly maxRequestBytes: number,
    private readonly logger: Logger,
    private readonly progressIntervalMs = 10 * 60 * 1000,
  ) {}

  /** Watch `store` from now on; streams on the previous store are ended through their onReset callbacks. */
  reset(store: KvStore): void {
    const had = this.open.size;
    for (const [stream, onReset] of this.open) {
      stream.close();
      onReset();
    }
    this.open.clear();
    this.hub = new WatchHub(store, { header: this.header, maxResponseBytes: fragmentThreshold(this.maxRequestBytes) });
    if (had > 0) this.logger.info({ streams: had }, 'store replaced: watch streams ended for their clients to resume');
  }

  start(): void {
    this.syncTimer = setInterval(() => this.hub?.syncTick(), SYNC_INTERVAL_MS);
    this.progressTimer = setInterval(() => this.hub?.progressTick(), this.progressIntervalMs);
  }

  notify(revision: number, events: Event[]): void {
    this.hub!.notify(revision, events);
  }

  openStream(sink: WatchSink, onReset: () => void): WatchStream {
    const stream = this.hub!.openStream(sink);
    this.open.set(stream, onReset);
    return stream;
  }

  closed(stream: WatchStream): void {
    this.open.delete(stream);
  }

  stop(): void {
    if (this.syncTimer) clearInterval(this.syncTimer);
    if (this.progressTimer) clearInterval(this.progressTimer);
  }
}
