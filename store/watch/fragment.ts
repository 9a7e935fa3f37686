import type { WatchResponse } from '../../api/etcd/messages.js';
import { eventFieldSize, watchResponseSize, watchResponseSizeWithoutEvents } from './protobuf-size.js';

/**
 * Splits a response the way etcd's sendFragments does, for watchers created with fragment=true: a response
 * below `maxBytes`, or with fewer than two events, goes out whole; otherwise each part takes events while it
 * stays below `maxBytes` (but always at least one), and every part except the last is flagged fragment so that
 * the client joins them back into one response. etcd 3.4 sets `maxBytes` to --max-request-bytes + 512 KiB.
 */
export function fragmentResponse(response: WatchResponse, maxBytes: number): WatchResponse[] {
  if (response.events.length < 2 || watchResponseSize(response) < maxBytes) return [response];
  // etcd measures each part with the fragment flag already set.
  const emptyPartSize = watchResponseSizeWithoutEvents({ ...response, fragment: true, events: [] });
  const parts: WatchResponse[] = [];
  let next = 0;
  while (next < response.events.length) {
    const events = [];
    let size = emptyPartSize;
    for (; next < response.events.length; next++) {
      const event = response.events[next]!;
      const eventSize = eventFieldSize(event);
      if (events.length > 0 && size + eventSize >= maxBytes) break;
      events.push(event);
      size += eventSize;
    }
    parts.push({ ...response, events, fragment: next < response.events.length });
  }
  return parts;
}
