// The `etcd3` npm client (microsoft/etcd3, a devDependency; `npm install` brings it) against a 3-member cluster
// of each available kind: the library a Node user would reach for must work unchanged. Its lock and election
// recipes lean on less common corners of the API (txn on create revision, range with max_create_revision and
// sort, watches with NODELETE filters and start revisions), which is why they are here.
import { Etcd3, EtcdLockFailedError, type IKeyValue, type Namespace } from 'etcd3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { printLogsOnFailure, sleep, startCluster, type Cluster } from './support/cluster.js';
import { availableTargets, skipWhenNoTargets } from './support/targets.js';

const targets = availableTargets();
skipWhenNoTargets('etcd3-client.test.ts', targets);

/** Resolves once `check()` holds, polling; fails with `what` after timeoutMs. */
async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Which op each txn response answers: etcd3 sets one member of the response oneof and leaves the rest unset. */
function opKinds(responses: readonly object[]): string[] {
  return responses.map((response) =>
    Object.entries(response)
      .filter(([field, value]) => field.startsWith('response_') && value)
      .map(([field]) => field)
      .join(','),
  );
}

describe.each(targets)('the etcd3 npm client against a 3-member %s cluster', (kind) => {
  let cluster: Cluster;
  let client: Etcd3;
  /** Every test works in its own namespace of one client. */
  let ns: (name: string) => Namespace;

  beforeAll(async () => {
    cluster = await startCluster(kind, 3);
    client = new Etcd3({ hosts: cluster.members.map((m) => m.clientUrl), dialTimeout: 5_000 });
    ns = (name) => client.namespace(`etcd3/${name}/`);
  });
  afterAll(async () => {
    client?.close();
    await cluster?.stopAll();
  });
  printLogsOnFailure(() => [cluster]);

  test('CRUD: put, get, getAll, count, delete with previous values', async () => {
    const kv = ns('crud');
    await kv.put('a').value('1');
    await kv.put('b').value('2');
    await kv.put('c').value(JSON.stringify({ n: 3 }));
    expect(await kv.get('a').string()).toBe('1');
    expect(await kv.get('c').json()).toEqual({ n: 3 });
    expect(await kv.get('missing').string()).toBeNull();
    expect(await kv.getAll().strings()).toEqual({ a: '1', b: '2', c: '{"n":3}' });
    expect(await kv.getAll().prefix('b').keys()).toEqual(['b']);
    expect(await kv.getAll().count()).toBe(3);
    expect(await kv.getAll().sort('Key', 'Descend').limit(2).keys()).toEqual(['c', 'b']);

    const previous = await kv.put('a').value('11').getPrevious();
    expect(previous.value.toString()).toBe('1');
    const full = await kv.get('a').exec();
    expect(full.kvs[0]!.version).toBe('2');
    expect(Number(full.kvs[0]!.mod_revision)).toBe(Number(full.header.revision));

    const deleted = await kv.delete().key('b').getPrevious();
    expect(deleted.map((d) => d.value.toString())).toEqual(['2']);
    const all = await kv.delete().all().exec();
    expect(all.deleted).toBe('2');
    expect(await kv.getAll().count()).toBe(0);
  });

  test('txn: if(...).then(...).else(...) on value, version, create and mod', async () => {
    const kv = ns('txn');
    const put = await kv.put('k').value('v1').exec();
    const rev = put.header.revision;

    const hit = await kv
      .if('k', 'Value', '==', 'v1')
      .and('k', 'Version', '==', 1)
      .and('k', 'Create', '==', rev)
      .and('k', 'Mod', '<', Number(rev) + 1)
      .then(kv.put('then').value('yes'), kv.get('k'))
      .else(kv.put('else').value('yes'))
      .commit();
    expect(hit.succeeded).toBe(true);
    expect(opKinds(hit.responses)).toEqual(['response_put', 'response_range']);
    expect(hit.responses[1]!.response_range!.kvs[0]!.value.toString()).toBe('v1');

    const miss = await kv.if('k', 'Value', '==', 'nope').then(kv.put('then2').value('yes')).else(kv.put('else2').value('yes'), kv.delete().key('then')).commit();
    expect(miss.succeeded).toBe(false);
    expect(Number(miss.header.revision)).toBe(Number(hit.header.revision) + 1);
    expect(await kv.getAll().keys()).toEqual(['else2', 'k']);
  });

  test('watch: live events with previous values, and a replay from a start revision', async () => {
    const kv = ns('watch');
    const start = (await kv.put('a').value('1').exec()).header.revision;
    await kv.put('a').value('2');
    await kv.delete().key('a');

    const replayed: string[] = [];
    const replay = await kv.watch().prefix('').startRevision(start).withPreviousKV().create();
    const record = (into: string[], type: string) => (kv: IKeyValue, previous?: IKeyValue) =>
      into.push(`${type} ${kv.key} ${kv.value} rev=${kv.mod_revision} prev=${previous?.value ?? '-'}`);
    replay.on('put', record(replayed, 'put')).on('delete', record(replayed, 'delete'));
    const first = Number(start);
    await eventually('the replayed events', () => replayed.length === 3);
    expect(replayed).toEqual([`put a 1 rev=${first} prev=-`, `put a 2 rev=${first + 1} prev=1`, `delete a  rev=${first + 2} prev=2`]);
    await replay.cancel();

    const live: string[] = [];
    const watcher = await kv.watch().prefix('').withPreviousKV().create();
    watcher.on('put', record(live, 'put')).on('delete', record(live, 'delete'));
    const r1 = Number((await kv.put('b').value('x').exec()).header.revision);
    await kv.put('b').value('y');
    await kv.delete().key('b');
    await eventually('the live events', () => live.length === 3);
    expect(live).toEqual([`put b x rev=${r1} prev=-`, `put b y rev=${r1 + 1} prev=x`, `delete b  rev=${r1 + 2} prev=y`]);
    await watcher.cancel();
  });

  test('lease: keepalive holds a short lease past its TTL, revoke deletes its keys', async () => {
    const kv = ns('lease');
    const lease = kv.lease(2); // the client keeps it alive every TTL/3
    let keptAlive = 0;
    lease.on('keepaliveSucceeded', () => (keptAlive += 1));
    await lease.put('held').value('x');
    const id = await lease.grant();
    await sleep(3_000);
    expect(keptAlive).toBeGreaterThanOrEqual(2);
    expect(await kv.get('held').string()).toBe('x');
    expect(BigInt((await kv.get('held').exec()).kvs[0]!.lease)).toBe(BigInt(id));
    const once = await lease.keepaliveOnce();
    expect(once.TTL).toBe('2');

    await lease.revoke();
    expect(lease.revoked()).toBe(true);
    expect(await kv.get('held').string()).toBeNull();
  });

  test('lease: without keepalive it expires and takes its keys', async () => {
    const kv = ns('expiry');
    const lease = kv.lease(1, { autoKeepAlive: false });
    await lease.put('gone-soon').value('x');
    expect(await kv.get('gone-soon').string()).toBe('x');
    await eventually('the lease to expire', async () => (await kv.get('gone-soon').string()) === null, 10_000);
  });

  test('lock: a second holder is refused until the first releases', async () => {
    const first = client.lock('etcd3/lock/resource').ttl(10);
    await first.acquire();
    await expect(client.lock('etcd3/lock/resource').ttl(10).acquire()).rejects.toBeInstanceOf(EtcdLockFailedError);
    await first.release();
    const ran = await client.lock('etcd3/lock/resource').ttl(10).do(async () => 'ran under the lock');
    expect(ran).toBe('ran under the lock');
    expect(await client.get('etcd3/lock/resource').string()).toBeNull(); // do() released it
  });

  test('election: campaign, observe, proclaim, resign hands over to the next candidate', async () => {
    const election = client.election('etcd3-election', 10);
    const one = election.campaign('one');
    await one.wait();
    expect(await election.leader()).toBe('one');

    // Observe only once someone leads: from "no leader", etcd3's observer watches the election prefix from an
    // old revision and, when several campaign puts arrive in one watch response, takes the last of them (a
    // client bug that picks "two" here whenever its watch connects late), so that start would make this flaky.
    const observer = await election.observe();
    expect(observer.leader()).toBe('one');
    const seen: (string | undefined)[] = [];
    observer.on('change', (value) => seen.push(value));

    const two = election.campaign('two');
    let twoElected = false;
    two.on('elected', () => (twoElected = true));
    await sleep(500);
    expect(twoElected).toBe(false); // "one" still leads

    await one.proclaim('one-again');
    await eventually('the observer to see the proclamation', () => seen.includes('one-again'));
    expect(await election.leader()).toBe('one-again');

    await one.resign();
    await two.wait();
    expect(await election.leader()).toBe('two');
    await eventually('the observer to see the new leader', () => seen.at(-1) === 'two');

    await two.resign();
    await eventually('no leader', async () => (await election.leader()) === undefined);
    await eventually('the observer to see no leader', () => seen.length === 3);
    await observer.cancel();
    expect(seen).toEqual(['one-again', 'two', undefined]);
  });
});
