// The storage layer against real stores (1-member yawl, and etcd 3.4 when installed): Kubernetes' create,
// guaranteed update, delete with preconditions, paged lists with continue tokens and their 410, and watches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../chaos/cluster/launcher.js';
import { EtcdClient } from '../../client/etcd/index.js';
import { etcdAvailable, yawlAvailable, type ClusterKind } from '../../test/support/targets.js';
import { AlreadyExistsError, ConflictError, ExpiredError, INCONSISTENT_CONTINUE, NotFoundError } from './errors.js';
import type { WatchEvent } from './events.js';
import { listPrefix, objectKey } from './keys.js';
import { Storage } from './store.js';

const targets: ClusterKind[] = [];
if (yawlAvailable()) targets.push('yawl');
else console.warn('apiserver/storage/store.test.ts: yawl target SKIPPED: dist/cli/main.js missing (npm run build)');
if (etcdAvailable()) targets.push('etcd');
else console.warn('apiserver/storage/store.test.ts: etcd target SKIPPED: etcd is not installed');

const cm = (namespace: string, name: string, v: string, uid = `uid-${name}`) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, uid },
  data: { v },
});
const rvOf = (obj: Record<string, unknown>) => (obj.metadata as { resourceVersion: string }).resourceVersion;
const nameOf = (obj: Record<string, unknown>) => (obj.metadata as { name: string }).name;

async function takeEvents(iterable: AsyncIterable<WatchEvent>, count: number, timeoutMs = 20_000): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  const iterator = iterable[Symbol.asyncIterator]();
  const deadline = setTimeout(() => void iterator.return?.(), timeoutMs);
  try {
    while (events.length < count) {
      const { value, done } = await iterator.next();
      if (done) break;
      events.push(value);
    }
  } finally {
    clearTimeout(deadline);
  }
  return events;
}

describe.each(targets)('storage on %s', (kind) => {
  let cluster: Cluster;
  let client: EtcdClient;
  let storage: Storage;

  beforeAll(async () => {
    cluster = await startCluster(kind, 1);
    client = new EtcdClient(cluster.endpoints);
    storage = new Storage(client);
  });

  afterAll(async () => {
    client?.close();
    await cluster?.stopAll();
  });

  it('creates with resourceVersion = the write revision, stores no resourceVersion, and refuses a duplicate', async () => {
    const key = objectKey('configmaps', 'default', 'created');
    const created = await storage.create(key, { ...cm('default', 'created', '1'), metadata: { ...cm('default', 'created', '1').metadata, resourceVersion: '99' } });
    const raw = await client.get(key);
    expect(rvOf(created)).toBe(String(raw.kv!.modRevision));
    expect(JSON.parse(raw.kv!.value.toString()).metadata.resourceVersion).toBeUndefined();
    expect(await storage.get(key)).toEqual(created);
    await expect(storage.create(key, cm('default', 'created', '2'))).rejects.toBeInstanceOf(AlreadyExistsError);
    await expect(storage.get(objectKey('configmaps', 'default', 'missing'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('retries a guaranteed update that lost a race, and refuses a stale resourceVersion precondition', async () => {
    const key = objectKey('configmaps', 'default', 'counter');
    const created = await storage.create(key, cm('default', 'counter', '0'));
    let calls = 0;
    const updated = await storage.guaranteedUpdate(key, async (current) => {
      calls++;
      // The first attempt races another writer, which wins.
      if (calls === 1) await client.put(key, JSON.stringify(cm('default', 'counter', '10')));
      const v = Number((current!.data as { v: string }).v);
      return { ...current!, data: { v: String(v + 1) } };
    });
    expect(calls).toBe(2);
    expect(updated.data).toEqual({ v: '11' });
    expect((await storage.get(key)).data).toEqual({ v: '11' });
    await expect(storage.guaranteedUpdate(key, (c) => ({ ...c!, data: { v: 'x' } }), { preconditions: { resourceVersion: rvOf(created) } })).rejects.toBeInstanceOf(ConflictError);
    // An update that changes nothing writes nothing.
    const same = await storage.guaranteedUpdate(key, (c) => c!);
    expect(rvOf(same)).toBe(rvOf(updated));
    await expect(storage.guaranteedUpdate(objectKey('configmaps', 'default', 'nope'), (c) => c!)).rejects.toBeInstanceOf(NotFoundError);
    const upserted = await storage.guaranteedUpdate(objectKey('configmaps', 'default', 'upsert'), (c) => c ?? cm('default', 'upsert', 'new'), { ignoreNotFound: true });
    expect(upserted.data).toEqual({ v: 'new' });
  });

  it('deletes with uid and resourceVersion preconditions, returning the last state at the delete revision', async () => {
    const key = objectKey('configmaps', 'default', 'doomed');
    const created = await storage.create(key, cm('default', 'doomed', '1', 'uid-1'));
    await expect(storage.delete(key, { preconditions: { uid: 'uid-other' } })).rejects.toThrow(/Precondition failed: UID in precondition: uid-other, UID in object meta: uid-1/);
    await expect(storage.delete(key, { preconditions: { resourceVersion: '1' } })).rejects.toBeInstanceOf(ConflictError);
    const deleted = await storage.delete(key, { preconditions: { uid: 'uid-1', resourceVersion: rvOf(created) } });
    expect(deleted.data).toEqual({ v: '1' });
    expect(Number(rvOf(deleted))).toBeGreaterThan(Number(rvOf(created)));
    await expect(storage.delete(key)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists in pages with continue tokens at one revision, and answers 410 for a compacted continue', async () => {
    const prefix = listPrefix('secrets', 'paged');
    for (let i = 0; i < 7; i++) await storage.create(objectKey('secrets', 'paged', `s${i}`), cm('paged', `s${i}`, String(i)));
    const first = await storage.list(prefix, { limit: 3 });
    expect(first.items.map(nameOf)).toEqual(['s0', 's1', 's2']);
    expect(first.remainingItemCount).toBe(4);
    // A change after the first page does not show in later pages: they read at the first page's revision.
    await storage.create(objectKey('secrets', 'paged', 's7'), cm('paged', 's7', '7'));
    const second = await storage.list(prefix, { limit: 3, continue: first.continue! });
    expect(second.items.map(nameOf)).toEqual(['s3', 's4', 's5']);
    expect(second.resourceVersion).toBe(first.resourceVersion);
    const third = await storage.list(prefix, { limit: 3, continue: second.continue! });
    expect(third.items.map(nameOf)).toEqual(['s6']);
    expect(third.continue).toBeUndefined();
    // A predicate fills the page with matching items.
    const odd = await storage.list(prefix, { limit: 2, predicate: (o) => Number((o.data as { v: string }).v) % 2 === 1 });
    expect(odd.items.map(nameOf)).toEqual(['s1', 's3']);
    expect(odd.remainingItemCount).toBeUndefined();
    // Exact reads at an old revision.
    const exact = await storage.list(prefix, { resourceVersion: first.resourceVersion, resourceVersionMatch: 'Exact' });
    expect(exact.items).toHaveLength(7);

    await client.compact(await client.currentRevision());
    const expired = await storage.list(prefix, { limit: 3, continue: first.continue! }).catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(ExpiredError);
    expect((expired as ExpiredError).message).toBe(INCONSISTENT_CONTINUE);
    const rest = await storage.list(prefix, { limit: 10, continue: (expired as ExpiredError).continueToken! });
    expect(rest.items.map(nameOf)).toEqual(['s3', 's4', 's5', 's6', 's7']);
    const tooOld = await storage.list(prefix, { resourceVersion: first.resourceVersion, resourceVersionMatch: 'Exact' }).catch((e: unknown) => e);
    expect(tooOld).toBeInstanceOf(ExpiredError);
    expect((tooOld as Error).message).toMatch(new RegExp(`^too old resource version: ${first.resourceVersion} \\(\\d+\\)$`));
  });

  it("watches from a list's resourceVersion: every later change exactly once, in order", async () => {
    const prefix = listPrefix('configmaps', 'watched');
    await storage.create(objectKey('configmaps', 'watched', 'pre'), cm('watched', 'pre', '0'));
    const listed = await storage.list(prefix);
    const watch = storage.watch(prefix, { resourceVersion: listed.resourceVersion });
    const expected: string[] = [];
    for (let i = 0; i < 10; i++) {
      const key = objectKey('configmaps', 'watched', `w${i % 3}`);
      if (i < 3) {
        await storage.create(key, cm('watched', `w${i}`, String(i)));
        expected.push(`ADDED w${i}`);
      } else if (i < 8) {
        await storage.guaranteedUpdate(key, (c) => ({ ...c!, data: { v: String(i) } }));
        expected.push(`MODIFIED w${i % 3}`);
      } else {
        await storage.delete(key);
        expected.push(`DELETED w${i % 3}`);
      }
    }
    const events = await takeEvents(watch, expected.length);
    watch.stop();
    expect(events.map((e) => `${e.type} ${nameOf(e.object)}`)).toEqual(expected);
    const rvs = events.map((e) => Number(rvOf(e.object)));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
    expect(rvs[0]).toBeGreaterThan(Number(listed.resourceVersion));
    // DELETED carries the last state, at the delete's revision.
    expect(events.at(-1)!.object.data).toBeDefined();
    expect(rvs.at(-1)).toBeGreaterThan(rvs.at(-2)!);
  });

  it('starts a watch at "0" with the current state as ADDED events', async () => {
    const prefix = listPrefix('configmaps', 'initial');
    await storage.create(objectKey('configmaps', 'initial', 'a'), cm('initial', 'a', '1'));
    const watch = storage.watch(prefix, { resourceVersion: '0' });
    const [added] = await takeEvents(watch, 1);
    await storage.guaranteedUpdate(objectKey('configmaps', 'initial', 'a'), (c) => ({ ...c!, data: { v: '2' } }));
    const [modified] = await takeEvents(watch, 1);
    watch.stop();
    expect(added!.type).toBe('ADDED');
    expect(modified!.type).toBe('MODIFIED');
  });

  it('ends a watch from a compacted resourceVersion with 410 Expired', async () => {
    const prefix = listPrefix('configmaps', 'compacted');
    const a = await storage.create(objectKey('configmaps', 'compacted', 'a'), cm('compacted', 'a', '1'));
    await storage.guaranteedUpdate(objectKey('configmaps', 'compacted', 'a'), (c) => ({ ...c!, data: { v: '2' } }));
    const now = await client.currentRevision();
    await client.compact(now);
    const watch = storage.watch(prefix, { resourceVersion: String(Number(rvOf(a)) - 1) });
    const error = await takeEvents(watch, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExpiredError);
    expect((error as Error).message).toBe(`too old resource version: ${Number(rvOf(a)) - 1} (${now})`);
  });
});
