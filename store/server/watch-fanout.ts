// The member's watch hub and the timers that drive it: catch-up of unsynced and backed-up watchers every
// 100 ms (etcd's syncWatchersLoop period), and progress notifications every 10 minutes (etcd's default).
import type { Logger } from 'pino';
import type { ResponseHeader } from '../../api/etcd/messages.js';
import type { Event } from '../mvcc/key-value.js';
import type { KvStore } from '../mvcc/kv-store.js';
import { fragmentThreshold, WatchHub } from '../watch/index.js';
import type { WatchSink, WatchStream } from '../watch/index.js';

const SYNC_INTERVAL_MS = 100;

export class WatchFanout {
  readonly hub: WatchHub;
  private syncTimer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;

  constructor(
    store: KvStore,
    header: (revision: number) => ResponseHeader,
    maxRequestBytes: number,
    private readonly logger: Logger,
    private readonly progressIntervalMs = 10 * 60 * 1000,
  ) {
    this.hub = new WatchHub(store, { header, maxResponseBytes: fragmentThreshold(maxRequestBytes) });
  }

  start(): void {
    this.syncTimer = setInterval(() => this.hub.syncTick(), SYNC_INTERVAL_MS);
    this.progressTimer = setInterval(() => this.hub.progressTick(), this.progressIntervalMs);
  }

  notify(revision: number, events: Event[]): void {
    this.hub.notify(revision, events);
  }

  openStream(sink: WatchSink): WatchStream {
    return this.hub.openStream(sink);
  }

  stop(): void {
    if (this.syncTimer) clearInterval(this.syncTimer);
    if (this.progressTimer) clearInterval(this.progressTimer);
    this.logger.debug('watch timers stopped');
  }
}
