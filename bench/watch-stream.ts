// One Watch stream carrying many watchers, as clientv3 multiplexes them: create requests go out one at a time
// (the server answers each with `created` and the watch id, in order), and event responses are routed to the
// watcher that owns their watch id.
import type * as grpc from '@grpc/grpc-js';
import type { Event, Init, WatchCreateRequest, WatchRequest, WatchResponse } from '../api/etcd/index.js';
import type { Connection } from './connections.js';
import { errorMessage } from './rpc.js';

export interface WatchStreamHandlers {
  /** Events for `watcher` (the number given to create), received at `receivedAt` (performance.now()). */
  events(watcher: number, events: readonly Event[], receivedAt: number): void;
  /** The stream failed or the server canceled a watcher: counted, never thrown. */
  trouble(message: string): void;
}

interface PendingCreate {
  readonly watcher: number;
  resolve(): void;
  reject(error: Error): void;
}

export class WatchStream {
  private readonly call: grpc.ClientDuplexStream<Init<WatchRequest>, WatchResponse>;
  private readonly pending: PendingCreate[] = [];
  private readonly owners = new Map<bigint, number>();
  private failure: Error | undefined;
  private closing = false;

  constructor(
    connection: Connection,
    private readonly handlers: WatchStreamHandlers,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.call = connection.watch.Watch();
    this.call.on('data', (response: WatchResponse) => this.receive(response));
    this.call.on('error', (error: Error) => this.fail(new Error(errorMessage(error))));
    this.call.on('end', () => this.fail(new Error('watch stream ended')));
  }

  private receive(response: WatchResponse): void {
    if (response.created) {
      const create = this.pending.shift();
      if (!create) return this.handlers.trouble('watch created that was never asked for');
      if (response.canceled) return create.reject(new Error(`watch create refused: ${response.cancel_reason || 'canceled'}`));
      this.owners.set(response.watch_id, create.watcher);
      return create.resolve();
    }
    const watcher = this.owners.get(response.watch_id);
    if (watcher === undefined) return;
    if (response.events.length > 0) this.handlers.events(watcher, response.events, this.now());
    if (response.canceled) {
      this.owners.delete(response.watch_id);
      this.handlers.trouble(`watch canceled by the server: ${response.cancel_reason || 'no reason given'}`);
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const create of this.pending.splice(0)) create.reject(error);
    if (!this.closing) this.handlers.trouble(`watch stream failed: ${error.message}`);
  }

  /** Resolves once the server has created the watch; rejects if it refuses, the stream fails, or timeoutMs passes. */
  create(watcher: number, request: Init<WatchCreateRequest>, timeoutMs: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      this.pending.push({
        watcher,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      // Answers are matched to requests by order, so a lost answer spoils the stream: fail it as a whole.
      if (timeoutMs > 0) timer = setTimeout(() => this.fail(new Error(`DEADLINE_EXCEEDED: no watch created within ${timeoutMs} ms`)), timeoutMs);
      this.call.write({ create_request: request });
    });
  }

  close(): void {
    this.closing = true;
    this.call.cancel();
  }
}
