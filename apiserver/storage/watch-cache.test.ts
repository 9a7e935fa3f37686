// The watch cache against real stores: one store watch fanned out to 1,000 subscribers, consistent lists,
// resuming from the event window and 410 beyond it, bookmarks on request, and a slow subscriber closed alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../chaos/cluster/launcher.js';
import { EtcdClient } from '../../client/etcd/index.js';
import { etcdAvailable, yawlAvailable, type ClusterKind } from '../../test/support/targets.js';
import type { CacheWatcher } from './cache-watcher.js';
import { ExpiredError } from './errors.js';
import type { WatchEvent } from './events.js';
import { listPrefix, objectKey } from './keys.js';
import { Storage } from './store.js';
import { WatchCache } from './watch-cache.js';

const targets: ClusterKind[] = [];
if (yawlAvailable()) targets.push('yawl');
else console.warn('apiserver/storage/watch-cache.test.ts: yawl target SKIPPED: dist/cli/main.js missing (npm run build)');
if (etcdAvailable()) targets.push('etcd');
else console.warn('apiserver/storage/watch-cache.test.ts: etcd target SKIPPED: etcd is not installed');

const cm = (name: string, v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' }, data: { v } });
const rvOf = (obj: Record<string, unknown>) => (obj.metadata as { resourceVersion: string }).resourceVersion;
const nameOf = (obj: Record<string, unknown>) => (obj.metadata as { name: string }).name;

/** Reads up to `count` events and leaves the watcher open (a for-await `break` would stop it). */
async function take(watcher: CacheWatcher, count: number): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  const iterator = watcher[Symbol.asyncIterator]();
  while (events.length < count) {
    const { value, done } = await iterator.next();
    if (done) break;
    events.push(value);
  }
  return events;
}

describe.each(targets)('watch cache on %s', (kind) => {
  let cluster: Cluster;
  let client: EtcdClient;
  let storage: Storage;
  let cache: WatchCache;

  beforeAll(async () => {
    cluster = await startCluster(kind, 1);
    client = new EtcdClient(cluster.endpoints);
    storage = new Storage(client);
    await storage.create(objectKey('configmaps', 'ns', 'before'), cm('before', '0'));
    cache = new WatchCache(storage, listPrefix('configmaps'), { capacity: 150 });
    await cache.start();
  });

  afterAll(async () => {
    cache?.stop();
    client?.close();
    await cluster?.stopAll();
  });

  it('fans one store watch out to 1,000 subscribers, each receiving all 100 writes in order', async () => {
    const from = cache.resourceVersion;
    const watchers = await Promise.all(Array.from({ length: 1_000 }, () => cache.watch({ resourceVersion: String(from) })));
    expect(cache.watcherCount).toBe(1_000);
    const received = Promise.all(watchers.map((w) => take(w, 100)));
    const written: string[] = [];
    for (let i = 0; i < 100; i++) {
      const obj = i % 10 === 0 ? await storage.create(objectKey('configmaps', 'ns', `fan${i}`), cm(`fan${i}`, String(i))) : await storage.guaranteedUpdate(objectKey('configmaps', 'ns', `fan${i - (i % 10)}`), (c) => ({ ...c!, data: { v: String(i) } }));
      written.push(rvOf(obj));
    }
    const all = await received;
    for (const events of all) expect(events.map((e) => rvOf(e.object))).toEqual(written);
    expect(all[999]![0]!.type).toBe('ADDED');
    expect(all[999]![1]!.type).toBe('MODIFIED');
    for (const watcher of watchers) watcher.stop();
    expect(cache.watcherCount).toBe(0);
  });

  it('serves a consistent list at "" only after catching up with the store, and "0" from memory', async () => {
    const written = await storage.create(objectKey('configmaps', 'ns', 'fresh'), cm('fresh', '1'));
    const list = await cache.list({ prefix: listPrefix('configmaps', 'ns') });
    expect(Number(list.resourceVersion)).toBeGreaterThanOrEqual(Number(rvOf(written)));
    expect(list.items.map(nameOf)).toContain('fresh');
    // A write elsewhere moves the store's revision without an event for this prefix: a progress request catches up.
    const elsewhere = await client.put('/registry/other/x', '{}');
    const quiet = await cache.list({ resourceVersion: '' });
    expect(Number(quiet.resourceVersion)).toBeGreaterThanOrEqual(elsewhere.revision);
    const any = await cache.list({ resourceVersion: '0', predicate: (o) => nameOf(o) === 'fresh' });
    expect(any.items.map(nameOf)).toEqual(['fresh']);
    // A paged list goes to the store.
    const paged = await cache.list({ limit: 1 });
    expect(paged.items).toHaveLength(1);
    expect(paged.continue).toBeDefined();
  });

  it('resumes a watch from its window, replies 410 before it, and filters with a predicate', async () => {
    const base = cache.resourceVersion;
    for (let i = 0; i < 5; i++) await storage.create(objectKey('configmaps', 'ns', `win${i}`), cm(`win${i}`, String(i)));
    const odd = await cache.watch({ resourceVersion: String(base), predicate: (o) => Number((o.data as { v: string }).v) % 2 === 1 });
    expect((await take(odd, 2)).map((e) => nameOf(e.object))).toEqual(['win1', 'win3']);
    odd.stop();
    // The window holds 150 changes: these push the ones after `base` out.
    for (let i = 0; i < 150; i++) await storage.guaranteedUpdate(objectKey('configmaps', 'ns', 'win0'), (c) => ({ ...c!, data: { v: `x${i}` } }));
    const error = await cache.watch({ resourceVersion: String(base) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExpiredError);
    expect((error as Error).message).toMatch(new RegExp(`^too old resource version: ${base} \\(\\d+\\)$`));
  });

  it('sends bookmarks on request to subscribers that asked, and starts "0" watches with the state', async () => {
    // "0" serves whatever the cache holds: let the previous test's writes arrive first.
    expect(await cache.waitUntilFresh(await client.currentRevision())).toBe(true);
    const watcher = await cache.watch({ resourceVersion: '0', allowBookmarks: true, prefix: listPrefix('configmaps', 'ns') });
    const initial = await take(watcher, cache.size);
    expect(initial.every((e) => e.type === 'ADDED')).toBe(true);
    const written = await storage.create(objectKey('configmaps', 'ns', 'marked'), cm('marked', '1'));
    const [added] = await take(watcher, 1);
    expect(added!.type).toBe('ADDED');
    const elsewhere = await client.put('/registry/other/y', '{}');
    expect(await cache.waitUntilFresh(elsewhere.revision)).toBe(true);
    watcher.requestBookmark();
    const [bookmark] = await take(watcher, 1);
    expect(bookmark).toEqual({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(cache.resourceVersion) } } });
    expect(Number(rvOf(bookmark!.object))).toBeGreaterThan(Number(rvOf(written)));
    watcher.stop();
  });

  it('closes a subscriber that falls too far behind without holding up the others', async () => {
    const small = new WatchCache(storage, listPrefix('configmaps'), { subscriberQueueLimit: 5 });
    await small.start();
    try {
      const from = String(small.resourceVersion);
      const slow = await small.watch({ resourceVersion: from });
      const fast = await small.watch({ resourceVersion: from });
      const fastEvents = take(fast, 10);
      for (let i = 0; i < 10; i++) await storage.guaranteedUpdate(objectKey('configmaps', 'ns', 'win1'), (c) => ({ ...c!, data: { v: `s${i}` } }));
      expect(await fastEvents).toHaveLength(10);
      expect(slow.closeReason).toBe('overflow');
      // What was queued is still readable, then the stream ends.
      expect((await take(slow, 100)).length).toBe(5);
    } finally {
      small.stop();
    }
  });
});
