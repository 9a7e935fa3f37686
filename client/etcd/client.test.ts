// The client against real stores: a 1-member yawl cluster and a 1-member etcd 3.4 (skipped, loudly, when etcd is
// not installed): reads, guarded writes, typed errors, failover past a dead endpoint, and watches that report
// compaction and survive a member restart without a gap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../chaos/cluster/launcher.js';
import { etcdAvailable, yawlAvailable, type ClusterKind } from '../../test/support/targets.js';
import { freePorts } from '../../chaos/cluster/ports.js';
import { EtcdClient } from './client.js';
import { EtcdCompactedError, EtcdFutureRevisionError, EtcdUnavailableError } from './errors.js';
import { prefixEnd } from './types.js';
import type { WatchMessage } from './watch.js';

const targets: ClusterKind[] = [];
if (yawlAvailable()) targets.push('yawl');
else console.warn('client/etcd/client.test.ts: yawl target SKIPPED: dist/cli/main.js missing (npm run build)');
if (etcdAvailable()) targets.push('etcd');
else console.warn('client/etcd/client.test.ts: etcd target SKIPPED: etcd is not installed');

async function take(iterator: AsyncIterator<WatchMessage>, count: number, want: (m: WatchMessage) => boolean): Promise<WatchMessage[]> {
  const out: WatchMessage[] = [];
  while (out.length < count) {
    const { value, done } = await iterator.next();
    if (done) break;
    if (want(value)) out.push(value);
  }
  return out;
}

describe.each(targets)('etcd client on %s', (kind) => {
  let cluster: Cluster;
  let client: EtcdClient;

  beforeAll(async () => {
    cluster = await startCluster(kind, 1);
    client = new EtcdClient(cluster.endpoints);
  });

  afterAll(async () => {
    client?.close();
    await cluster?.stopAll();
  });

  it('puts, gets, ranges and deletes with revisions as numbers', async () => {
    const a = await client.put('/t/a', 'A');
    await client.put('/t/b', Buffer.from('B'));
    const got = await client.get('/t/a');
    expect(got.kv?.value.toString()).toBe('A');
    expect(got.kv?.modRevision).toBe(a.revision);
    const range = await client.range('/t/', { end: prefixEnd('/t/'), limit: 1 });
    expect(range.kvs.map((kv) => kv.key.toString())).toEqual(['/t/a']);
    expect(range).toMatchObject({ more: true, count: 2 });
    expect((await client.range('/t/', { end: prefixEnd('/t/'), countOnly: true })).count).toBe(2);
    const del = await client.delete('/t/', { end: prefixEnd('/t/'), prevKv: true });
    expect(del.deleted).toBe(2);
    expect(del.prevKvs.map((kv) => kv.value.toString())).toEqual(['A', 'B']);
    expect((await client.get('/t/a')).kv).toBeUndefined();
  });

  it('runs the apiserver txn shapes', async () => {
    const created = await client.createIfAbsent('/g/x', 'v1');
    expect(created.succeeded).toBe(true);
    const again = await client.createIfAbsent('/g/x', 'v2');
    expect(again.succeeded).toBe(false);
    expect(again.current?.value.toString()).toBe('v1');
    const stale = await client.putIfModRevision('/g/x', 'v2', created.revision - 1);
    expect(stale).toMatchObject({ succeeded: false });
    expect(stale.current?.modRevision).toBe(created.revision);
    const updated = await client.putIfModRevision('/g/x', 'v2', created.revision);
    expect(updated.succeeded).toBe(true);
    const deleted = await client.deleteIfModRevision('/g/x', updated.revision);
    expect(deleted.succeeded).toBe(true);
    expect(deleted.current?.value.toString()).toBe('v2');
    const generic = await client.txn([{ key: '/g/x', target: 'version', op: '=', value: 0 }], [{ type: 'get', key: '/g/x' }]);
    expect(generic.succeeded).toBe(true);
  });

  it('reports compacted and future revisions as typed errors', async () => {
    const first = await client.put('/c/k', '1');
    await client.put('/c/k', '2');
    const { revision } = await client.put('/c/k', '3');
    await client.compact(revision);
    await expect(client.range('/c/k', { revision: first.revision })).rejects.toBeInstanceOf(EtcdCompactedError);
    await expect(client.range('/c/k', { revision: revision + 1000 })).rejects.toBeInstanceOf(EtcdFutureRevisionError);
    const watch = client.watch('/c/', prefixEnd('/c/'), { startRevision: first.revision });
    const [compacted] = await take(watch[Symbol.asyncIterator](), 1, (m) => m.type === 'compacted');
    expect(compacted).toMatchObject({ type: 'compacted', compactRevision: revision });
    watch.cancel();
  });

  it('fails over past a dead endpoint, for reads and for writes that never left', async () => {
    const [dead] = await freePorts(1);
    const failover = new EtcdClient([`127.0.0.1:${dead}`, ...cluster.endpoints], { requestTimeoutMs: 5_000 });
    try {
      const put = await failover.put('/f/k', 'v');
      expect((await failover.get('/f/k')).kv?.modRevision).toBe(put.revision);
    } finally {
      failover.close();
    }
    const nowhere = new EtcdClient([`127.0.0.1:${dead}`], { requestTimeoutMs: 1_500 });
    try {
      await expect(nowhere.get('/f/k')).rejects.toBeInstanceOf(EtcdUnavailableError);
    } finally {
      nowhere.close();
    }
  });

  it('watches with prev_kv, and resumes across a member restart without a gap or a duplicate', async () => {
    const start = await client.put('/w/k', '0');
    const watch = client.watch('/w/', prefixEnd('/w/'), { startRevision: start.revision + 1, prevKv: true });
    const iterator = watch[Symbol.asyncIterator]();
    await take(iterator, 1, (m) => m.type === 'created');
    for (let i = 1; i <= 5; i++) await client.put('/w/k', String(i));
    await client.delete('/w/k');
    const seen: string[] = [];
    const collect = async (until: number) => {
      while (seen.length < until) {
        const [m] = await take(iterator, 1, (x) => x.type === 'events');
        if (m?.type !== 'events') throw new Error('watch ended');
        for (const e of m.events) seen.push(`${e.type}:${e.kv.value.toString()}:${e.prevKv?.value.toString() ?? ''}:${e.kv.modRevision}`);
      }
    };
    await collect(6);
    expect(seen.slice(0, 6).map((s) => s.split(':').slice(0, 3).join(':'))).toEqual(['PUT:1:0', 'PUT:2:1', 'PUT:3:2', 'PUT:4:3', 'PUT:5:4', 'DELETE::5']);
    await cluster.members[0]!.restart();
    const writer = new EtcdClient(cluster.endpoints);
    try {
      for (let i = 6; i <= 8; i++) await writer.put('/w/k', String(i));
    } finally {
      writer.close();
    }
    await collect(9);
    const revisions = seen.map((s) => Number(s.split(':')[3]));
    expect(new Set(revisions).size).toBe(revisions.length);
    expect([...revisions].sort((a, b) => a - b)).toEqual(revisions);
    expect(seen.slice(6).map((s) => s.split(':')[1])).toEqual(['6', '7', '8']);
    watch.cancel();
  });
});
