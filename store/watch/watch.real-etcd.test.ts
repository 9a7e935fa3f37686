// One scenario played against the real etcd 3.4 over gRPC and against our hub: every watcher must get the same
// responses (header revision, flags, events with prev_kv) in the same order. The order between different
// watchers is etcd's scheduling, so responses are compared per watch id. Progress is only requested while every
// watcher is caught up, where etcd 3.4.23 and we agree (see WatchStream.requestProgress for where we differ).
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { StreamReader, unary } from '../../api/etcd/grpc-test-kit.js';
import type { WatchResponse } from '../../api/etcd/messages.js';
import { KVClient, WatchClient } from '../../api/etcd/services.js';
import { REAL_ETCD_BINARY, realEtcdAvailable, startRealEtcd, type RealEtcd } from '../../api/etcd/real-etcd.js';
import { fragmentThreshold } from './options.js';
import { type CreateFields, RecordingSink, WatchHarness, b, createRequest, showResponse } from './watch-test-kit.js';

type Step =
  | { readonly put: string; readonly value: string }
  | { readonly del: string; readonly rangeEnd?: string }
  | { readonly txn: readonly (readonly [string, string])[]; readonly deletes: readonly string[] }
  | { readonly compactBack: number }
  | { readonly create: CreateFields; readonly startBack?: number }
  | { readonly cancel: number }
  | { readonly progress: true };

const BIG = 'x'.repeat(900_000);

/** Revisions: a fresh store is at 1 and each write here makes one. */
const SCENARIO: readonly Step[] = [
  { put: 'a', value: '1' }, // 2
  { put: 'p/1', value: '1' }, // 3
  { create: { key: 'a', prevKv: true } }, // id 0
  { create: { key: 'p/', rangeEnd: 'p0', filters: ['NOPUT'], watchId: 10 } },
  { create: { key: 'b', rangeEnd: 'd', filters: ['NODELETE'] } }, // id 1
  { create: { key: 'x', rangeEnd: '\0' } }, // id 2
  { create: { key: '' } }, // id 3: the key "\0"
  { create: { key: '\0', rangeEnd: '\0', prevKv: true } }, // id 4: every key
  { create: { key: 'q', watchId: 10 } }, // duplicate id
  { create: { key: 'b', rangeEnd: 'a' } }, // empty range
  { txn: [['a', '2'], ['p/2', '1'], ['c', '1'], ['\0', 'z']], deletes: ['p/1'] }, // 4
  { del: 'a', rangeEnd: 'z' }, // 5: a, c, p/2 in one revision
  { put: 'y', value: '1' }, // 6
  { create: { key: 'a', rangeEnd: 'q', prevKv: true }, startBack: 3 }, // id 5: from revision 3
  { create: { key: 'f' }, startBack: -2 }, // id 6: starts at revision 8
  { progress: true },
  { cancel: 10 },
  { cancel: 999 },
  { put: 'f', value: '1' }, // 7
  { put: 'f', value: '2' }, // 8
  { compactBack: 1 }, // at 7
  { create: { key: 'f', watchId: 20 }, startBack: 3 }, // from 5: compacted
  { create: { key: 'f', prevKv: true, watchId: 21 }, startBack: 1 }, // from 7, the compact revision itself
  { create: { key: 'f', watchId: 22 }, startBack: 100 }, // negative
  { cancel: 20 },
  { put: 'big/1', value: BIG }, // 9
  { put: 'big/2', value: BIG }, // 10
  { put: 'big/3', value: BIG }, // 11
  { create: { key: 'big/', rangeEnd: 'big0', fragment: true, watchId: 30 }, startBack: 2 },
  { create: { key: 'big/', rangeEnd: 'big0', fragment: true, prevKv: true, watchId: 31 }, startBack: 2 },
  { create: { key: 'big/', rangeEnd: 'big0', watchId: 32 }, startBack: 2 },
  { txn: [['big/1', BIG], ['big/2', 's'], ['big/3', 's']], deletes: [] }, // 12: prev_kv makes it 3.6 MB
  { progress: true },
];

/** Responses by watch id, each as one line (see showResponse). */
function byWatchId(responses: readonly WatchResponse[]): Map<bigint, string[]> {
  const grouped = new Map<bigint, string[]>();
  for (const response of responses) grouped.set(response.watch_id, [...(grouped.get(response.watch_id) ?? []), showResponse(response)]);
  return grouped;
}

function startRevision(step: { startBack?: number }, current: number): number {
  return step.startBack === undefined ? 0 : current - step.startBack;
}

function playOnHub(): WatchResponse[] {
  const h = new WatchHarness({ maxResponseBytes: fragmentThreshold(1_572_864) });
  const sink = new RecordingSink();
  const stream = h.hub.openStream(sink);
  for (const step of SCENARIO) {
    if ('put' in step) h.put(step.put, step.value);
    else if ('del' in step) h.del(step.del, step.rangeEnd);
    else if ('txn' in step) {
      h.txn((txn) => {
        for (const [key, value] of step.txn) txn.put(b(key), b(value));
        for (const key of step.deletes) txn.deleteRange(b(key));
      });
    } else if ('compactBack' in step) h.store.compact(h.store.currentRevision - step.compactBack);
    else if ('create' in step) stream.create(createRequest({ ...step.create, startRevision: startRevision(step, h.hub.revision) }));
    else if ('cancel' in step) stream.cancel(BigInt(step.cancel));
    else stream.requestProgress();
    // What etcd's 100 ms sync loop does between our steps.
    while (h.hub.watcherCounts.unsynced > 0) h.hub.syncTick();
  }
  return sink.responses;
}

const available = realEtcdAvailable();
if (!available) console.warn(`watch.real-etcd.test.ts SKIPPED: ${REAL_ETCD_BINARY} is missing`);

describe.skipIf(!available)('the watch hub against a real etcd 3.4', () => {
  let etcd: RealEtcd;
  let kv: InstanceType<typeof KVClient>;
  let watch: InstanceType<typeof WatchClient>;

  beforeAll(async () => {
    etcd = await startRealEtcd({ name: 'yawl-watch-test' });
    // The default 4 MiB receive limit is enough: the largest response here is about 2.7 MB.
    kv = new KVClient(etcd.endpoint, grpc.credentials.createInsecure());
    watch = new WatchClient(etcd.endpoint, grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    kv?.close();
    watch?.close();
    await etcd?.stop();
  });

  /** Plays the scenario on etcd; after each step, waits until responses stop coming for a while. */
  async function playOnEtcd(): Promise<WatchResponse[]> {
    const stream = watch.Watch();
    const reader = new StreamReader(stream);
    const received: WatchResponse[] = [];
    let current = 1;
    // A watcher starting in the past waits for etcd's 100 ms sync loop, and must have caught up before the next
    // write (or etcd would batch differently); everything else is answered within milliseconds, and a response
    // arriving late is still collected, since the comparison is per watch id at the end.
    const settle = async (quietMs: number) => {
      for (;;) {
        try {
          received.push(await reader.next(quietMs));
        } catch {
          return;
        }
      }
    };
    for (const step of SCENARIO) {
      if ('put' in step) current = Number((await unary(kv, kv.Put, { key: b(step.put), value: b(step.value) })).header.revision);
      else if ('del' in step) {
        const request = { key: b(step.del), range_end: step.rangeEnd === undefined ? undefined : b(step.rangeEnd) };
        current = Number((await unary(kv, kv.DeleteRange, request)).header.revision);
      } else if ('txn' in step) {
        const success = [
          ...step.txn.map(([key, value]) => ({ request_put: { key: b(key), value: b(value) } })),
          ...step.deletes.map((key) => ({ request_delete_range: { key: b(key) } })),
        ];
        current = Number((await unary(kv, kv.Txn, { success })).header.revision);
      } else if ('compactBack' in step) await unary(kv, kv.Compact, { revision: current - step.compactBack, physical: true });
      else if ('create' in step) stream.write({ create_request: createRequest({ ...step.create, startRevision: startRevision(step, current) }) });
      else if ('cancel' in step) stream.write({ cancel_request: { watch_id: step.cancel } });
      else stream.write({ progress_request: {} });
      await settle('startBack' in step && step.startBack !== undefined ? 400 : 50);
    }
    await settle(1000);
    stream.end();
    return received;
  }

  test('every watcher gets the same responses', async () => {
    const fromEtcd = byWatchId(await playOnEtcd());
    const fromHub = byWatchId(playOnHub());
    expect(Object.fromEntries([...fromHub].map(([id, lines]) => [String(id), lines]))).toEqual(
      Object.fromEntries([...fromEtcd].map(([id, lines]) => [String(id), lines])),
    );
    // The scenario reaches what it is meant to: fragments, a compacted start, refusals.
    const all = [...fromHub.values()].flat();
    expect(all.filter((line) => line.includes(' fragment')).length).toBeGreaterThan(0);
    expect(all).toContain('20 @0 canceled compact=7');
    expect(fromHub.get(-1n)).toEqual([
      '-1 @3 created canceled reason="mvcc: duplicate watch ID provided on the WatchStream"',
      '-1 @3 created canceled reason="mvcc: watcher range is empty"',
      '-1 @6',
      '-1 @12',
    ]);
  });
});
