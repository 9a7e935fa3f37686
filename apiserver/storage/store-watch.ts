// A Kubernetes watch served straight from an etcd watch (no cache): events under a prefix after a
// resourceVersion, each change filtered through the caller's predicate. resourceVersion "" or "0" (or
// sendInitialEvents) first replays the current state as ADDED events, as Kubernetes does.
import { AsyncQueue, prefixEnd } from '../../client/etcd/index.js';
import { BadRequestError, tooOldResourceVersion } from './errors.js';
import { bookmarkEvent, changeFromEtcd, eventFor, INITIAL_EVENTS_END_ANNOTATION, type Predicate, type WatchEvent } from './events.js';
import { normalizePrefix } from './keys.js';
import { parseResourceVersion } from './object-codec.js';
import type { Storage } from './store.js';

export interface StoreWatchOptions {
  resourceVersion?: string;
  /** Replay the state at resourceVersion as ADDED events first (default: only for "" and "0"). */
  sendInitialEvents?: boolean;
  /** Bookmarks: the end of the initial events, and the store's progress notifications. */
  allowBookmarks?: boolean;
  predicate?: Predicate;
}

/** Events until stop(); a compacted resourceVersion makes the iterator throw ExpiredError (410). */
export interface StoreWatch extends AsyncIterable<WatchEvent> {
  stop(): void;
}

/** Stop reading from etcd while this many events wait for the consumer. */
const HIGH_WATER = 1_000;

export function watchStore(storage: Storage, rawPrefix: string, options: StoreWatchOptions): StoreWatch {
  const prefix = normalizePrefix(rawPrefix);
  const rv = parseResourceVersion(options.resourceVersion);
  if (Number.isNaN(rv)) throw new BadRequestError(`invalid resource version: ${options.resourceVersion}`);
  const queue = new AsyncQueue<WatchEvent>();
  let stopped = false;
  let cancelEtcd: (() => void) | undefined;
  let drained: (() => void) | undefined;
  queue.onDrained(() => drained?.());
  const stop = () => {
    stopped = true;
    cancelEtcd?.();
    queue.close();
  };
  queue.onReturn(stop);
  const backPressure = async () => {
    while (queue.size >= HIGH_WATER && !stopped) await new Promise<void>((resolve) => (drained = resolve));
  };

  const run = async () => {
    let after = rv ?? 0;
    if (options.sendInitialEvents ?? (rv === undefined || rv === 0)) {
      const initial = await storage.list(prefix, after > 0 ? { resourceVersion: String(after), resourceVersionMatch: 'Exact' } : {});
      for (const object of initial.items) {
        if (options.predicate && !options.predicate(object)) continue;
        queue.push({ type: 'ADDED', object });
        await backPressure();
      }
      after = Number(initial.resourceVersion);
      if (options.sendInitialEvents && options.allowBookmarks) queue.push(bookmarkEvent(after, { [INITIAL_EVENTS_END_ANNOTATION]: 'true' }));
    }
    if (stopped) return;
    const watch = storage.client.watch(prefix, prefixEnd(prefix), { startRevision: after + 1, prevKv: true, progressNotify: options.allowBookmarks ?? false });
    cancelEtcd = () => watch.cancel();
    for await (const message of watch) {
      switch (message.type) {
        case 'events':
          for (const event of message.events) {
            const out = eventFor(changeFromEtcd(event), options.predicate);
            if (out) queue.push(out);
          }
          await backPressure();
          break;
        case 'progress':
          if (options.allowBookmarks) queue.push(bookmarkEvent(message.revision));
          break;
        case 'compacted':
          queue.close(tooOldResourceVersion(after, message.compactRevision));
          return;
        case 'created':
          break;
      }
    }
  };
  run().then(
    () => queue.close(),
    (error: unknown) => queue.close(error),
  );
  return {
    [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
    stop,
  };
}
