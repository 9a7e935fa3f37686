// A gRPC watch read to a known end, for scripted comparisons. How events are batched into responses is the
// server's choice (etcd sends a replayed history in chunks), so the observation keeps the control responses
// (created, canceled, compacted) whole and flattens the events into one list.
import { StreamReader } from '../../api/etcd/grpc-test-kit.js';
import type { Event, Init, WatchCreateRequest, WatchResponse } from '../../api/etcd/index.js';
import type { MemberClients } from './grpc-clients.js';

export interface WatchObservation {
  /** Responses without events, in order: created, then canceled if the server or we cancelled. */
  control: Omit<WatchResponse, 'events'>[];
  events: Event[];
}

export interface WatchPlan {
  /** Enough has arrived; evaluated after every response. */
  until: (seen: WatchObservation) => boolean;
  /** After `until`, cancel the watch ourselves and wait for the server's canceled response. */
  cancel?: boolean;
  timeoutMs?: number;
}

export async function watchUntil(clients: MemberClients, create: Init<WatchCreateRequest>, plan: WatchPlan): Promise<WatchObservation> {
  const stream = clients.watch.Watch();
  const reader = new StreamReader(stream);
  const seen: WatchObservation = { control: [], events: [] };
  const take = (response: WatchResponse): void => {
    if (response.events.length > 0) seen.events.push(...response.events);
    else seen.control.push(withoutEvents(response));
  };
  const timeoutMs = plan.timeoutMs ?? 5_000;
  try {
    stream.write({ create_request: create });
    await reader.until((responses) => {
      if (responses.length > 0) take(responses.at(-1)!);
      return plan.until(seen);
    }, timeoutMs);
    if (plan.cancel) {
      const watchId = seen.control.find((r) => r.created)?.watch_id ?? 0n;
      stream.write({ cancel_request: { watch_id: watchId } });
      await reader.until((responses) => {
        if (responses.length > 0) take(responses.at(-1)!);
        return seen.control.some((r) => r.canceled);
      }, timeoutMs);
    }
    return seen;
  } finally {
    stream.cancel();
  }
}

function withoutEvents(response: WatchResponse): Omit<WatchResponse, 'events'> {
  const { events: _events, ...rest } = response;
  return rest;
}
