// Many watchers over a few Watch streams, for watch and watch-latency: stream s lives on client s's connection
// (clients round-robin over connections), watcher w on stream w mod streams. Each stream creates its watchers
// one after another, timing each create; the streams go in parallel.
import type { Event } from '../api/etcd/index.js';
import { errorMessage } from './rpc.js';
import type { WorkloadContext } from './run.js';
import { LatencyRecorder } from './stats.js';
import { WatchStream } from './watch-stream.js';

export interface WatcherSettings {
  readonly streams: number;
  readonly clients: number;
  readonly requestTimeoutMs: number;
}

export interface CreatedWatchers {
  /** Create latencies and failures. */
  readonly recorder: LatencyRecorder;
  /** From the first create sent to the last answered. */
  readonly elapsedMs: number;
  /** Watchers the server created. */
  readonly ok: number;
  /** How many created watchers watch each key (by hex). */
  readonly perKey: ReadonlyMap<string, number>;
  /** Where events go from now on. */
  onEvents(handler: (watcher: number, events: readonly Event[], receivedAt: number) => void): void;
  /** Streams that failed and watchers the server canceled, one line per kind. */
  notes(): string[];
  close(): void;
}

export async function createWatchers(
  context: WorkloadContext,
  settings: WatcherSettings,
  keys: readonly Buffer[],
  options: { readonly prevKv?: boolean } = {},
): Promise<CreatedWatchers> {
  const streamCount = Math.max(1, Math.min(settings.streams, keys.length));
  let handler: (watcher: number, events: readonly Event[], receivedAt: number) => void = () => {};
  const troubles = new Map<string, number>();
  const streams = Array.from(
    { length: streamCount },
    (_, s) =>
      new WatchStream(context.pool.forClient(s % settings.clients), {
        events: (watcher, events, at) => handler(watcher, events, at),
        trouble: (message) => troubles.set(message, (troubles.get(message) ?? 0) + 1),
      }),
  );
  const recorder = new LatencyRecorder();
  const perKey = new Map<string, number>();
  const progress = context.progress('watch create', keys.length);
  const started = performance.now();
  await Promise.all(
    streams.map(async (stream, s) => {
      for (let w = s; w < keys.length && !context.signal.aborted; w += streamCount) {
        const t0 = performance.now();
        try {
          await stream.create(w, { key: keys[w]!, prev_kv: options.prevKv ?? false }, settings.requestTimeoutMs);
          recorder.record(performance.now() - t0);
          const hex = keys[w]!.toString('hex');
          perKey.set(hex, (perKey.get(hex) ?? 0) + 1);
        } catch (error) {
          recorder.fail(errorMessage(error));
        }
        progress.add();
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  progress.finish();
  return {
    recorder,
    elapsedMs,
    ok: recorder.ok,
    perKey,
    onEvents(next) {
      handler = next;
    },
    notes: () => [...troubles].map(([message, count]) => (count > 1 ? `${message} (${count} times)` : message)),
    close() {
      for (const stream of streams) stream.close();
    },
  };
}
