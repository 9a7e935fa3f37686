// Watches through `yawl apiserver`: a watch started at a list's resourceVersion sees every later change exactly
// once and in order, and a compacted resourceVersion yields 410 Expired as an ERROR event (what client-go's
// reflector relies on to re-list). On a yawl store and on a real etcd.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, unaryWithin } from '../chaos/cluster/clients.js';
import { startCluster, type Cluster } from '../chaos/cluster/launcher.js';
import { startApiServer, type TestApiServer } from './support/apiserver.js';
import { etcdAvailable, yawlAvailable, type ClusterKind } from './support/targets.js';

const targets: ClusterKind[] = [];
if (yawlAvailable()) targets.push('yawl');
if (etcdAvailable()) targets.push('etcd');
else console.warn('test/apiserver-watch.test.ts: etcd target SKIPPED: etcd is not installed');

interface WatchLine {
  type: string;
  object: { metadata: { name?: string; resourceVersion: string }; data?: Record<string, string>; code?: number; reason?: string; message?: string };
}

/** Reads a watch stream until `enough` says so; returns the events. */
async function readWatch(res: Response, enough: (events: WatchLine[]) => boolean, timeoutMs = 20_000): Promise<WatchLine[]> {
  const reader = res.body!.getReader();
  const events: WatchLine[] = [];
  let buffered = '';
  const deadline = Date.now() + timeoutMs;
  while (!enough(events)) {
    if (Date.now() > deadline) throw new Error(`watch: timed out with ${events.length} events`);
    const { value, done } = await reader.read();
    if (done) break;
    buffered += Buffer.from(value).toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffered.slice(0, nl)) as WatchLine);
      buffered = buffered.slice(nl + 1);
    }
  }
  await reader.cancel();
  return events;
}

describe.each(targets)('apiserver watch on %s', (kind) => {
  let cluster: Cluster;
  let api: TestApiServer;

  beforeAll(async () => {
    cluster = await startCluster(kind, 1);
    api = await startApiServer(cluster.endpoints);
  });

  afterAll(async () => {
    await api?.stop();
    await cluster?.stopAll();
  });

  const cm = (name: string, v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v } });
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await api.fetch(path, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { metadata: { resourceVersion: string } };
  };

  it('a watch from a list resourceVersion sees every later change once, in order', async () => {
    await send('POST', '/api/v1/namespaces/default/configmaps', cm('before', '0'));
    const list = (await (await api.fetch('/api/v1/namespaces/default/configmaps')).json()) as { metadata: { resourceVersion: string } };
    const watch = await api.fetch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}&allowWatchBookmarks=true`);
    expect(watch.status).toBe(200);
    const expected: string[] = [];
    for (let i = 0; i < 20; i++) {
      const name = `w${i % 4}`;
      if (i < 4) {
        await send('POST', '/api/v1/namespaces/default/configmaps', cm(name, String(i)));
        expected.push(`ADDED ${name} ${i}`);
      } else if (i < 16) {
        await send('PUT', `/api/v1/namespaces/default/configmaps/${name}`, cm(name, String(i)));
        expected.push(`MODIFIED ${name} ${i}`);
      } else {
        await send('DELETE', `/api/v1/namespaces/default/configmaps/${name}`);
        expected.push(`DELETED ${name} ${12 + (i % 4)}`);
      }
    }
    const events = (await readWatch(watch, (ev) => ev.filter((e) => e.type !== 'BOOKMARK').length >= expected.length)).filter((e) => e.type !== 'BOOKMARK');
    expect(events.map((e) => `${e.type} ${e.object.metadata.name} ${e.object.data?.v}`)).toEqual(expected);
    const revisions = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect([...revisions].sort((a, b) => a - b)).toEqual(revisions);
    expect(new Set(revisions).size).toBe(revisions.length);
  });

  it('a compacted resourceVersion yields 410 Expired as an ERROR event', async () => {
    const first = await send('POST', '/api/v1/namespaces/default/configmaps', cm('old', '1'));
    for (let i = 0; i < 5; i++) await send('PUT', '/api/v1/namespaces/default/configmaps/old', cm('old', String(i + 2)));
    const last = await send('PUT', '/api/v1/namespaces/default/configmaps/old', cm('old', 'last'));
    const clients = connect(cluster.endpoints[0]!);
    try {
      await unaryWithin(10_000, clients.kv, clients.kv.Compact, { revision: BigInt(last.metadata.resourceVersion), physical: true });
    } finally {
      clients.close();
    }
    const watch = await api.fetch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${first.metadata.resourceVersion}`);
    expect(watch.status).toBe(200);
    const events = await readWatch(watch, (ev) => ev.length >= 1);
    expect(events[0]!.type).toBe('ERROR');
    expect(events[0]!.object.code).toBe(410);
    expect(events[0]!.object.reason).toBe('Expired');
    expect(events[0]!.object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });
});
