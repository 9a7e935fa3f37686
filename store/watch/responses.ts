import type { Event as WireEvent, ResponseHeader, WatchResponse } from '../../api/etcd/messages.js';

/** etcd's cancel_reason texts for refused creates (mvcc.ErrEmptyWatcherRange, mvcc.ErrWatcherDuplicateID). */
export const EMPTY_RANGE_REASON = 'mvcc: watcher range is empty';
export const DUPLICATE_WATCH_ID_REASON = 'mvcc: duplicate watch ID provided on the WatchStream';

/** The watch_id of responses that belong to no watcher: refused creates and answers to a progress request. */
export const NO_WATCH_ID = -1n;

interface ResponseFields {
  readonly created?: boolean;
  readonly canceled?: boolean;
  readonly compactRevision?: number;
  readonly cancelReason?: string;
  readonly events?: WireEvent[];
}

/** A WatchResponse with every field present, as a client decodes one (see api/etcd/messages.ts). */
export function watchResponse(header: ResponseHeader, watchId: bigint, fields: ResponseFields = {}): WatchResponse {
  return {
    header,
    watch_id: watchId,
    created: fields.created ?? false,
    canceled: fields.canceled ?? false,
    compact_revision: BigInt(fields.compactRevision ?? 0),
    cancel_reason: fields.cancelReason ?? '',
    fragment: false,
    events: fields.events ?? [],
  };
}
