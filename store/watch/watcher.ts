import type { Event as WireEvent } from '../../api/etcd/messages.js';
import { type KeyRange, keyRangeContains } from '../mvcc/key-range.js';
import type { WatchStream } from './watch-stream.js';
import type { WatchEvent } from './wire-event.js';

/**
 * Where a watcher stands (etcd's watchableStore groups):
 * - synced: has been sent every event up to the hub's revision; new revisions reach it as they are notified;
 * - unsynced: behind (started in the past, or came back from being a victim); syncTick replays history to it;
 * - victim: its stream was backed up when a response was due; the response waits in `pending`;
 * - compacted: its next revision was compacted away; it was told so and gets nothing more, but keeps its id on
 *   the stream until the client cancels it, as on etcd.
 */
export type WatcherState = 'synced' | 'unsynced' | 'victim' | 'compacted';

export interface WatcherOptions {
  readonly noPut: boolean;
  readonly noDelete: boolean;
  readonly prevKv: boolean;
  readonly fragment: boolean;
  readonly progressNotify: boolean;
}

export class Watcher {
  state: WatcherState = 'unsynced';
  /** The events of a victim, filtered and shaped, waiting for its stream to drain. */
  pending: WireEvent[] | undefined;
  /** Whether events went out since the last progress tick; etcd then skips that watcher's next notification. */
  eventsSinceProgress = false;

  constructor(
    readonly stream: WatchStream,
    readonly id: bigint,
    readonly range: KeyRange,
    readonly options: WatcherOptions,
    /** The first revision whose events this watcher has not been given (etcd's minRev). */
    public nextRevision: number,
  ) {}

  watches(key: Uint8Array): boolean {
    return keyRangeContains(this.range, key);
  }

  /** The events this watcher is sent out of `events` (all in its range): filters applied, prev_kv as asked. */
  select(events: readonly WatchEvent[]): WireEvent[] {
    const { noPut, noDelete, prevKv } = this.options;
    const selected: WireEvent[] = [];
    for (const event of events) {
      if ((event.type === 'PUT' && noPut) || (event.type === 'DELETE' && noDelete)) continue;
      selected.push(prevKv ? event.withPrevKv : event.withoutPrevKv);
    }
    return selected;
  }
}
