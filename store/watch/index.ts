// The watch layer: etcd's watchableStore and watch streams over the MVCC store, pure and synchronous.
export { WatchHub, type WatcherCounts } from './watch-hub.js';
export { WatchStream, type WatchSink } from './watch-stream.js';
export { type WatchHubOptions, fragmentThreshold } from './options.js';
export { fragmentResponse } from './fragment.js';
export { DUPLICATE_WATCH_ID_REASON, EMPTY_RANGE_REASON, NO_WATCH_ID } from './responses.js';
