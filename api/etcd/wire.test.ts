// End-to-end check of our .proto files against a real etcd 3.4: every call goes through grpc-js clients built
// from OUR protos, every response is scanned for fields our schema does not know (a wrong field number shows up
// there, or as a value that makes no sense), and the decoded values are checked field by field. Requests are
// checked by their effect: a filter or compare that etcd misread would select the wrong keys.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { CALL_TIMEOUT_MS, StreamReader, fieldCheckingClient, unary } from './grpc-test-kit.js';
import {
  AuthClient,
  ClusterClient,
  ElectionClient,
  HealthClient,
  KVClient,
  LeaseClient,
  LockClient,
  MaintenanceClient,
  WatchClient,
  type Init,
  type KeyValue,
  type RangeRequest,
  type ServiceClientConstructor,
  type WatchRequest,
  type WatchResponse,
} from './index.js';
import { REAL_ETCDCTL_BINARY, REAL_ETCD_BINARY, freeLoopbackPort, realEtcdAvailable, startRealEtcd, type RealEtcd } from './real-etcd.js';

const available = realEtcdAvailable();
const skipReason = `SKIPPED: ${REAL_ETCD_BINARY} is missing (apt-get install etcd-server etcd-client)`;
const title = available ? 'our protos against a real etcd 3.4' : `our protos against a real etcd 3.4 — ${skipReason}`;
if (!available) console.warn(`wire.test.ts ${skipReason}`);

const b = (text: string): Buffer => Buffer.from(text);
const keysOf = (kvs: KeyValue[]): string[] => kvs.map((kv) => kv.key.toString());

describe.skipIf(!available)(title, () => {
  let etcd: RealEtcd;
  const problems: string[] = [];
  const clients: grpc.Client[] = [];
  function connect<M>(ctor: ServiceClientConstructor<M>) {
    const client = new (fieldCheckingClient(ctor, problems))(etcd.endpoint, grpc.credentials.createInsecure());
    clients.push(client);
    return client;
  }
  let kv: InstanceType<typeof KVClient>;
  let watch: InstanceType<typeof WatchClient>;
  let lease: InstanceType<typeof LeaseClient>;
  let cluster: InstanceType<typeof ClusterClient>;
  let maintenance: InstanceType<typeof MaintenanceClient>;
  let auth: InstanceType<typeof AuthClient>;
  let lock: InstanceType<typeof LockClient>;
  let election: InstanceType<typeof ElectionClient>;
  let health: InstanceType<typeof HealthClient>;

  const put = (request: Parameters<typeof kv.Put>[0]) => unary(kv, kv.Put, request);
  const range = (request: Init<RangeRequest>) => unary(kv, kv.Range, request);
  const currentRevision = async (): Promise<bigint> => (await range({ key: b('\0'), count_only: true })).header.revision;

  beforeAll(async () => {
    etcd = await startRealEtcd();
    kv = connect(KVClient);
    watch = connect(WatchClient);
    lease = connect(LeaseClient);
    cluster = connect(ClusterClient);
    maintenance = connect(MaintenanceClient);
    auth = connect(AuthClient);
    lock = connect(LockClient);
    election = connect(ElectionClient);
    health = connect(HealthClient);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await etcd?.stop();
  });

  afterEach(() => {
    expect(problems.splice(0), 'fields on the wire that our protos do not know').toEqual([]);
  });

  test('Status: a 3.4 single-member cluster led by itself', async () => {
    const status = await unary(maintenance, maintenance.Status, {});
    expect(status.version).toMatch(/^3\.4\./);
    expect(status.header.cluster_id).not.toBe(0n);
    expect(status.header.member_id).not.toBe(0n);
    expect(status.leader).toBe(status.header.member_id);
    expect(status.raftTerm).toBeGreaterThanOrEqual(2n);
    expect(status.header.raft_term).toBe(status.raftTerm);
    expect(status.raftIndex).toBeGreaterThan(0n);
    expect(status.raftAppliedIndex).toBeGreaterThan(0n);
    expect(status.raftAppliedIndex).toBeLessThanOrEqual(status.raftIndex);
    expect(status.dbSize).toBeGreaterThan(0n);
    expect(status.dbSizeInUse).toBeGreaterThan(0n);
    expect(status.dbSizeInUse).toBeLessThanOrEqual(status.dbSize);
    expect(status.errors).toEqual([]);
    expect(status.isLearner).toBe(false);
  });

  test('MemberList: the one member with its name and URLs', async () => {
    const list = await unary(cluster, cluster.MemberList, {});
    expect(list.header.revision, 'cluster calls carry no revision in 3.4').toBe(0n);
    expect(list.members).toEqual([
      { ID: list.header.member_id, name: etcd.name, peerURLs: [etcd.peerUrl], clientURLs: [etcd.clientUrl], isLearner: false },
    ]);
  });

  test('Put and Range: revisions, versions and prev_kv', async () => {
    const first = await put({ key: b('kv/a'), value: b('1') });
    const created = first.header.revision;
    expect(created).toBeGreaterThan(1n);
    expect(first.prev_kv).toBeNull();

    const second = await put({ key: b('kv/a'), value: b('2'), prev_kv: true });
    expect(second.header.revision).toBe(created + 1n);
    expect(second.prev_kv).toEqual({ key: b('kv/a'), value: b('1'), create_revision: created, mod_revision: created, version: 1n, lease: 0n });

    const read = await range({ key: b('kv/a') });
    expect(read.header.revision).toBe(created + 1n);
    expect(read.count).toBe(1n);
    expect(read.more).toBe(false);
    expect(read.kvs).toEqual([{ key: b('kv/a'), value: b('2'), create_revision: created, mod_revision: created + 1n, version: 2n, lease: 0n }]);
  });

  describe('every RangeRequest field', () => {
    // Values, creation order, versions and mod revisions are chosen so each sort target gives a different order.
    let base: bigint;
    const prefix = { key: b('r/'), range_end: b('r0') };
    beforeAll(async () => {
      base = await currentRevision();
      for (const [key, value] of [['r/1', 'c'], ['r/2', 'a'], ['r/3', 'e'], ['r/4', 'b'], ['r/5', 'd']] as const) {
        await put({ key: b(key), value: b(value) });
      }
      await put({ key: b('r/3'), value: b('e') }); // base+6
      await put({ key: b('r/1'), value: b('c') }); // base+7
      await put({ key: b('r/3'), value: b('e') }); // base+8
    });

    test('limit, more and count', async () => {
      const page = await range({ ...prefix, limit: 2 });
      expect(keysOf(page.kvs)).toEqual(['r/1', 'r/2']);
      expect(page.more).toBe(true);
      expect(page.count).toBe(5n);
    });

    test('sort_order and sort_target', async () => {
      const sorted = async (sort_order: 'ASCEND' | 'DESCEND', sort_target: 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE') =>
        keysOf((await range({ ...prefix, sort_order, sort_target })).kvs);
      expect(await sorted('DESCEND', 'KEY')).toEqual(['r/5', 'r/4', 'r/3', 'r/2', 'r/1']);
      expect(await sorted('ASCEND', 'VALUE')).toEqual(['r/2', 'r/4', 'r/1', 'r/5', 'r/3']);
      expect((await sorted('DESCEND', 'VERSION')).slice(0, 2)).toEqual(['r/3', 'r/1']);
      expect(await sorted('DESCEND', 'CREATE')).toEqual(['r/5', 'r/4', 'r/3', 'r/2', 'r/1']);
      expect(await sorted('ASCEND', 'MOD')).toEqual(['r/2', 'r/4', 'r/5', 'r/1', 'r/3']);
    });

    test('revision reads the past', async () => {
      const past = await range({ key: b('r/3'), revision: base + 5n });
      expect(past.header.revision).toBe(base + 8n);
      expect(past.kvs[0]).toMatchObject({ version: 1n, create_revision: base + 3n, mod_revision: base + 3n });
    });

    test('serializable, keys_only and count_only', async () => {
      expect((await range({ ...prefix, serializable: true })).kvs).toHaveLength(5);
      const keysOnly = await range({ ...prefix, keys_only: true });
      expect(keysOf(keysOnly.kvs)).toEqual(['r/1', 'r/2', 'r/3', 'r/4', 'r/5']);
      expect(keysOnly.kvs.every((kv) => kv.value.length === 0 && kv.version > 0n)).toBe(true);
      const countOnly = await range({ ...prefix, count_only: true });
      expect(countOnly.kvs).toEqual([]);
      expect(countOnly.count).toBe(5n);
    });

    test('min/max mod and create revisions', async () => {
      expect(keysOf((await range({ ...prefix, min_mod_revision: base + 5n })).kvs)).toEqual(['r/1', 'r/3', 'r/5']);
      expect(keysOf((await range({ ...prefix, max_mod_revision: base + 4n })).kvs)).toEqual(['r/2', 'r/4']);
      expect(keysOf((await range({ ...prefix, min_create_revision: base + 4n })).kvs)).toEqual(['r/4', 'r/5']);
      expect(keysOf((await range({ ...prefix, max_create_revision: base + 2n })).kvs)).toEqual(['r/1', 'r/2']);
    });

    test('range_end "\\0" means every key from key on', async () => {
      const from = await range({ key: b('r/4'), range_end: b('\0'), limit: 2 });
      expect(keysOf(from.kvs)).toEqual(['r/4', 'r/5']);
    });
  });

  test('DeleteRange: deleted count and prev_kvs; a recreated key starts a new generation', async () => {
    for (const key of ['d/1', 'd/2', 'd/3']) await put({ key: b(key), value: b(`v${key}`) });
    const before = await currentRevision();
    const deleted = await unary(kv, kv.DeleteRange, { key: b('d/1'), range_end: b('d/3'), prev_kv: true });
    expect(deleted.header.revision).toBe(before + 1n);
    expect(deleted.deleted).toBe(2n);
    expect(keysOf(deleted.prev_kvs)).toEqual(['d/1', 'd/2']);
    expect(deleted.prev_kvs[1]!.value).toEqual(b('vd/2'));
    expect(keysOf((await range({ key: b('d/'), range_end: b('d0') })).kvs)).toEqual(['d/3']);

    const missing = await unary(kv, kv.DeleteRange, { key: b('d/none') });
    expect(missing.deleted).toBe(0n);
    expect(missing.prev_kvs).toEqual([]);
    expect(missing.header.revision).toBe(before + 1n);

    const recreated = await put({ key: b('d/1'), value: b('again') });
    const [kv1] = (await range({ key: b('d/1') })).kvs;
    expect(kv1).toMatchObject({ version: 1n, create_revision: recreated.header.revision, mod_revision: recreated.header.revision });
  });

  describe('Txn', () => {
    let leaseId: bigint;
    let created: bigint;
    beforeAll(async () => {
      leaseId = (await unary(lease, lease.LeaseGrant, { TTL: 600 })).ID;
      created = (await put({ key: b('t/a'), value: b('alpha'), lease: leaseId })).header.revision;
    });

    test('each compare target passes, all ops share one revision, nested txn answers', async () => {
      const txn = await unary(kv, kv.Txn, {
        compare: [
          { key: b('t/a'), target: 'VERSION', result: 'EQUAL', version: 1 },
          { key: b('t/a'), target: 'CREATE', result: 'EQUAL', create_revision: created },
          { key: b('t/a'), target: 'MOD', result: 'LESS', mod_revision: created + 1n },
          { key: b('t/a'), target: 'VALUE', result: 'EQUAL', value: b('alpha') },
          { key: b('t/a'), target: 'LEASE', result: 'EQUAL', lease: leaseId },
          { key: b('t/'), range_end: b('t0'), target: 'VERSION', result: 'GREATER', version: 0 },
        ],
        success: [
          { request_range: { key: b('t/a') } },
          { request_put: { key: b('t/b'), value: b('beta'), prev_kv: true } },
          { request_delete_range: { key: b('t/none') } },
          {
            request_txn: {
              compare: [{ key: b('t/a'), target: 'VALUE', result: 'NOT_EQUAL', value: b('x') }],
              success: [{ request_put: { key: b('t/c'), value: b('gamma') } }],
            },
          },
        ],
        failure: [{ request_put: { key: b('t/failed'), value: b('!') } }],
      });
      expect(txn.succeeded).toBe(true);
      expect(txn.header.revision).toBe(created + 1n);
      expect(txn.responses.map((op) => op.response)).toEqual(['response_range', 'response_put', 'response_delete_range', 'response_txn']);
      const [rangeOp, putOp, deleteOp, nestedOp] = txn.responses;
      expect(rangeOp!.response_range!.kvs[0]).toMatchObject({ key: b('t/a'), value: b('alpha'), lease: leaseId });
      expect(putOp!.response_put!.prev_kv).toBeNull();
      expect(deleteOp!.response_delete_range!.deleted).toBe(0n);
      expect(nestedOp!.response_txn!.succeeded).toBe(true);
      expect(nestedOp!.response_txn!.responses[0]!.response).toBe('response_put');
      const written = (await range({ key: b('t/b'), range_end: b('t/d') })).kvs;
      expect(written.map((kv) => [kv.key.toString(), kv.mod_revision])).toEqual([
        ['t/b', created + 1n],
        ['t/c', created + 1n],
      ]);
    });

    test('a failing compare of each target runs the failure branch and writes nothing', async () => {
      const before = await currentRevision();
      const failing = [
        { key: b('t/a'), target: 'VERSION', result: 'GREATER', version: 1 },
        { key: b('t/a'), target: 'CREATE', result: 'NOT_EQUAL', create_revision: created },
        { key: b('t/a'), target: 'MOD', result: 'GREATER', mod_revision: created },
        { key: b('t/a'), target: 'VALUE', result: 'EQUAL', value: b('beta') },
        { key: b('t/a'), target: 'LEASE', result: 'EQUAL', lease: 0 },
      ] as const;
      for (const compare of failing) {
        const txn = await unary(kv, kv.Txn, { compare: [compare], success: [{ request_put: { key: b('t/never'), value: b('!') } }], failure: [{ request_range: { key: b('t/a') } }] });
        expect(txn.succeeded, compare.target).toBe(false);
        expect(txn.responses[0]!.response_range!.count).toBe(1n);
        expect(txn.header.revision).toBe(before);
      }
    });
  });

  describe('Watch', () => {
    let stream: grpc.ClientDuplexStream<Init<WatchRequest>, WatchResponse>;
    let responses: StreamReader<WatchResponse>;
    beforeAll(() => {
      stream = watch.Watch();
      responses = new StreamReader(stream);
    });
    afterAll(() => stream.end());
    const send = (request: Init<WatchRequest>) => stream.write(request);
    const eventsFor = async (watchId: bigint, count: number) => {
      const received = await responses.until((got) => got.filter((r) => r.watch_id === watchId).flatMap((r) => r.events).length >= count);
      return received.filter((r) => r.watch_id === watchId).flatMap((r) => r.events);
    };

    let putsOnly: bigint;
    let firstPut: bigint;

    test('create with filters, prev_kv and a chosen watch_id; a duplicate id is refused', async () => {
      send({ create_request: { key: b('w/'), range_end: b('w0'), prev_kv: true, filters: ['NODELETE'] } });
      const created = await responses.next();
      expect(created).toMatchObject({ created: true, canceled: false, events: [], compact_revision: 0n, cancel_reason: '' });
      expect(created.header.revision).toBe(await currentRevision());
      putsOnly = created.watch_id;

      send({ create_request: { key: b('w/'), range_end: b('w0'), prev_kv: true, filters: ['NOPUT'], watch_id: 100 } });
      expect(await responses.next()).toMatchObject({ created: true, canceled: false, watch_id: 100n });

      send({ create_request: { key: b('w/x'), watch_id: 100 } });
      const duplicate = await responses.next();
      expect(duplicate).toMatchObject({ created: true, canceled: true, watch_id: -1n });
      expect(duplicate.cancel_reason).toMatch(/duplicate watch ID/);
    });

    test('events: puts with prev_kv to one watcher, the delete to the other', async () => {
      firstPut = (await put({ key: b('w/a'), value: b('1') })).header.revision;
      await put({ key: b('w/a'), value: b('2') });
      const deletedAt = (await unary(kv, kv.DeleteRange, { key: b('w/a') })).header.revision;

      const puts = await eventsFor(putsOnly, 2);
      expect(puts.map((e) => e.type)).toEqual(['PUT', 'PUT']);
      expect(puts[0]).toMatchObject({ kv: { key: b('w/a'), value: b('1'), version: 1n, create_revision: firstPut, mod_revision: firstPut }, prev_kv: null });
      expect(puts[1]).toMatchObject({ kv: { value: b('2'), version: 2n, mod_revision: firstPut + 1n }, prev_kv: { value: b('1'), version: 1n } });

      const deletes = await eventsFor(100n, 1);
      expect(deletes).toEqual([
        {
          type: 'DELETE',
          kv: { key: b('w/a'), value: b(''), version: 0n, create_revision: 0n, mod_revision: deletedAt, lease: 0n },
          prev_kv: { key: b('w/a'), value: b('2'), version: 2n, create_revision: firstPut, mod_revision: firstPut + 1n, lease: 0n },
        },
      ]);
    });

    test('progress_request answers with the current revision for every watcher (watch_id -1)', async () => {
      send({ progress_request: {} });
      const progress = await responses.next();
      expect(progress).toMatchObject({ watch_id: -1n, created: false, canceled: false, events: [] });
      expect(progress.header.revision).toBe(await currentRevision());
    });

    test('start_revision replays history', async () => {
      send({ create_request: { key: b('w/a'), start_revision: firstPut, watch_id: 7 } });
      expect(await responses.next()).toMatchObject({ created: true, watch_id: 7n });
      const replayed = await eventsFor(7n, 3);
      expect(replayed.map((e) => [e.type, e.kv.mod_revision])).toEqual([
        ['PUT', firstPut],
        ['PUT', firstPut + 1n],
        ['DELETE', firstPut + 2n],
      ]);
    });

    test('cancel_request', async () => {
      send({ cancel_request: { watch_id: putsOnly } });
      const canceled = await responses.until((got) => got.some((r) => r.canceled));
      expect(canceled.at(-1)).toMatchObject({ watch_id: putsOnly, canceled: true, created: false });
    });
  });

  describe('Lease', () => {
    // Above 2^53: a lease id that a JS number would round, so it proves int64 survives both ways.
    const bigId = 0x7fff_ffff_ffff_f123n;

    test('grant with a server-chosen and with a client-chosen id', async () => {
      const chosen = await unary(lease, lease.LeaseGrant, { TTL: 60 });
      expect(chosen.ID).not.toBe(0n);
      expect(chosen).toMatchObject({ TTL: 60n, error: '' });
      const mine = await unary(lease, lease.LeaseGrant, { TTL: 30, ID: bigId });
      expect(mine.ID).toBe(bigId);
      const listed = (await unary(lease, lease.LeaseLeases, {})).leases.map((l) => l.ID);
      expect(listed).toEqual(expect.arrayContaining([chosen.ID, bigId]));
    });

    test('keys attached, ignore_value and ignore_lease, TimeToLive with keys', async () => {
      await put({ key: b('l/a'), value: b('x'), lease: bigId });
      await put({ key: b('l/a'), ignore_value: true, lease: bigId });
      await put({ key: b('l/b'), value: b('y'), lease: bigId });
      await put({ key: b('l/b'), value: b('z'), ignore_lease: true });
      const kvs = (await range({ key: b('l/'), range_end: b('l0') })).kvs;
      expect(kvs.map((kv) => [kv.key.toString(), kv.value.toString(), kv.lease, kv.version])).toEqual([
        ['l/a', 'x', bigId, 2n],
        ['l/b', 'z', bigId, 2n],
      ]);
      const ttl = await unary(lease, lease.LeaseTimeToLive, { ID: bigId, keys: true });
      expect(ttl).toMatchObject({ ID: bigId, grantedTTL: 30n });
      expect(ttl.TTL).toBeGreaterThan(0n);
      expect(ttl.TTL).toBeLessThanOrEqual(30n);
      expect(ttl.keys.map(String).sort()).toEqual(['l/a', 'l/b']);
      expect((await unary(lease, lease.LeaseTimeToLive, { ID: bigId })).keys).toEqual([]);
    });

    test('KeepAlive stream renews', async () => {
      const stream = lease.LeaseKeepAlive();
      const replies = new StreamReader(stream);
      stream.write({ ID: bigId });
      const reply = await replies.next();
      stream.end();
      expect(reply).toMatchObject({ ID: bigId, TTL: 30n });
      expect(reply.header.revision).toBeGreaterThan(0n);
    });

    test('Revoke deletes the keys; a revoked lease is gone', async () => {
      const revoked = await unary(lease, lease.LeaseRevoke, { ID: bigId });
      expect(revoked.header.revision).toBe(await currentRevision());
      expect((await range({ key: b('l/'), range_end: b('l0') })).kvs).toEqual([]);
      expect((await unary(lease, lease.LeaseTimeToLive, { ID: bigId })).TTL).toBe(-1n);
      await expect(unary(lease, lease.LeaseRevoke, { ID: bigId })).rejects.toMatchObject({
        code: grpc.status.NOT_FOUND,
        details: 'etcdserver: requested lease not found',
      });
    });
  });

  test('Compact: older revisions answer OutOfRange; HashKV reports the compaction', async () => {
    const now = await currentRevision();
    await unary(kv, kv.Compact, { revision: now - 1n, physical: true });
    await expect(range({ key: b('kv/a'), revision: now - 2n })).rejects.toMatchObject({
      code: grpc.status.OUT_OF_RANGE,
      details: 'etcdserver: mvcc: required revision has been compacted',
    });
    await expect(range({ key: b('kv/a'), revision: now + 100n })).rejects.toMatchObject({
      code: grpc.status.OUT_OF_RANGE,
      details: 'etcdserver: mvcc: required revision is a future revision',
    });
    const hashKV = await unary(maintenance, maintenance.HashKV, { revision: 0 });
    expect(hashKV.compact_revision).toBe(now - 1n);
    expect(hashKV.hash).toBeGreaterThan(0);
    expect(hashKV.header.revision).toBe(now);

    const stream = watch.Watch();
    const replies = new StreamReader(stream);
    stream.write({ create_request: { key: b('kv/a'), start_revision: now - 2n } });
    const refused = await replies.until((got) => got.some((r) => r.canceled));
    stream.end();
    expect(refused.at(-1)).toMatchObject({ canceled: true, compact_revision: now - 1n });
  });

  test('Hash and Alarm (activate, list, deactivate)', async () => {
    const hash = await unary(maintenance, maintenance.Hash, {});
    expect(Number.isInteger(hash.hash) && hash.hash > 0 && hash.hash < 2 ** 32).toBe(true);

    expect(await unary(maintenance, maintenance.Alarm, { action: 'GET' })).toEqual({ header: null, alarms: [] });
    const memberID = (await unary(maintenance, maintenance.Status, {})).header.member_id;
    await unary(maintenance, maintenance.Alarm, { action: 'ACTIVATE', memberID, alarm: 'NOSPACE' });
    expect((await unary(maintenance, maintenance.Alarm, { action: 'GET' })).alarms).toEqual([{ memberID, alarm: 'NOSPACE' }]);
    await unary(maintenance, maintenance.Alarm, { action: 'DEACTIVATE', memberID, alarm: 'NOSPACE' });
    expect((await unary(maintenance, maintenance.Alarm, { action: 'GET' })).alarms).toEqual([]);
  });

  test('Defragment and the Snapshot stream (etcd 3.4 sends neither a header)', async () => {
    expect(await unary(maintenance, maintenance.Defragment, {})).toEqual({ header: null });
    const chunks = await new StreamReader(maintenance.Snapshot({}, { deadline: Date.now() + CALL_TIMEOUT_MS })).drain();
    // etcd streams the database file (remaining_bytes counting down to 0), then its SHA-256 in one more chunk.
    const [first] = chunks;
    const database = chunks.slice(0, -1).reduce((sum, chunk) => sum + chunk.blob.length, 0);
    expect(database).toBeGreaterThan(0);
    expect(BigInt(database)).toBe(first!.remaining_bytes + BigInt(first!.blob.length));
    expect(chunks.at(-2)!.remaining_bytes).toBe(0n);
    expect(chunks.at(-1)).toMatchObject({ remaining_bytes: 0n });
    expect(chunks.at(-1)!.blob).toHaveLength(32);
    expect(chunks.every((chunk) => chunk.header === null)).toBe(true);
  });

  test('MoveLeader: to itself succeeds (no header), to a stranger is refused', async () => {
    const self = (await unary(maintenance, maintenance.Status, {})).leader;
    expect(await unary(maintenance, maintenance.MoveLeader, { targetID: self })).toEqual({ header: null });
    await expect(unary(maintenance, maintenance.MoveLeader, { targetID: 12345 })).rejects.toMatchObject({
      code: grpc.status.FAILED_PRECONDITION,
      details: 'etcdserver: bad leader transferee',
    });
  });

  test('Cluster: add a learner, promotion refused, update it, remove it', async () => {
    const peer = `http://127.0.0.1:${await freeLoopbackPort()}`;
    const added = await unary(cluster, cluster.MemberAdd, { peerURLs: [peer], isLearner: true });
    expect(added.member).toMatchObject({ name: '', peerURLs: [peer], clientURLs: [], isLearner: true });
    const learnerId = added.member!.ID;
    expect(added.members.map((m) => m.ID).sort()).toEqual([added.header.member_id, learnerId].sort());

    await expect(unary(cluster, cluster.MemberPromote, { ID: learnerId })).rejects.toMatchObject({
      code: grpc.status.FAILED_PRECONDITION,
      details: 'etcdserver: can only promote a learner member which is in sync with leader',
    });

    // etcd 3.4 also clears the member's isLearner flag on MemberUpdate (fixed in 3.5), so only the URLs are checked.
    const moved = `http://127.0.0.1:${await freeLoopbackPort()}`;
    const updated = await unary(cluster, cluster.MemberUpdate, { ID: learnerId, peerURLs: [moved] });
    expect(updated.members.find((m) => m.ID === learnerId)).toMatchObject({ peerURLs: [moved] });

    const removed = await unary(cluster, cluster.MemberRemove, { ID: learnerId });
    expect(removed.members.map((m) => m.ID)).toEqual([removed.header.member_id]);
  });

  test('v3lock Lock/Unlock and v3election Campaign/Proclaim/Leader/Observe/Resign', async () => {
    const leaseId = (await unary(lease, lease.LeaseGrant, { TTL: 60 })).ID;
    const locked = await unary(lock, lock.Lock, { name: b('mylock'), lease: leaseId });
    expect(locked.key.toString()).toMatch(/^mylock\//);
    expect((await range({ key: locked.key })).kvs[0]!.lease).toBe(leaseId);
    await unary(lock, lock.Unlock, { key: locked.key });
    expect((await range({ key: locked.key })).count).toBe(0n);

    const campaign = await unary(election, election.Campaign, { name: b('elect'), lease: leaseId, value: b('v1') });
    const leader = campaign.leader!;
    expect(leader.name).toEqual(b('elect'));
    expect(leader.key.toString()).toMatch(/^elect\//);
    expect(leader.lease).toBe(leaseId);
    expect(leader.rev).toBe(campaign.header.revision);
    expect((await unary(election, election.Leader, { name: b('elect') })).kv).toMatchObject({ key: leader.key, value: b('v1') });

    await unary(election, election.Proclaim, { leader, value: b('v2') });
    const observe = election.Observe({ name: b('elect') });
    const observed = await new StreamReader(observe).next();
    observe.cancel();
    expect(observed.kv).toMatchObject({ key: leader.key, value: b('v2') });

    await unary(election, election.Resign, { leader });
    expect((await range({ key: leader.key })).count).toBe(0n);
  });

  test('grpc.health.v1 Check', async () => {
    expect(await unary(health, health.Check, { service: '' })).toEqual({ status: 'SERVING' });
  });

  test('Auth: users, roles, permissions, enable, authenticate, disable', async () => {
    await unary(auth, auth.RoleAdd, { name: 'reader' });
    await unary(auth, auth.RoleGrantPermission, { name: 'reader', perm: { permType: 'READWRITE', key: b('a/'), range_end: b('a0') } });
    expect((await unary(auth, auth.RoleGet, { role: 'reader' })).perm).toEqual([{ permType: 'READWRITE', key: b('a/'), range_end: b('a0') }]);
    await unary(auth, auth.UserAdd, { name: 'alice', password: 'pw' });
    await unary(auth, auth.UserAdd, { name: 'bob', options: { no_password: true } });
    await unary(auth, auth.UserGrantRole, { user: 'alice', role: 'reader' });
    expect((await unary(auth, auth.UserGet, { name: 'alice' })).roles).toEqual(['reader']);
    expect((await unary(auth, auth.UserList, {})).users).toEqual(['alice', 'bob']);
    expect((await unary(auth, auth.RoleList, {})).roles).toEqual(['reader']);
    await unary(auth, auth.RoleRevokePermission, { role: 'reader', key: b('a/'), range_end: b('a0') });
    expect((await unary(auth, auth.RoleGet, { role: 'reader' })).perm).toEqual([]);
    await unary(auth, auth.UserRevokeRole, { name: 'alice', role: 'reader' });
    expect((await unary(auth, auth.UserGet, { name: 'alice' })).roles).toEqual([]);
    await unary(auth, auth.UserChangePassword, { name: 'alice', password: 'pw2' });

    await unary(auth, auth.RoleAdd, { name: 'root' });
    await unary(auth, auth.UserAdd, { name: 'root', password: 'rootpw' });
    await unary(auth, auth.UserGrantRole, { user: 'root', role: 'root' });
    await unary(auth, auth.AuthEnable, {});
    try {
      expect((await unary(auth, auth.Authenticate, { name: 'alice', password: 'pw2' })).token).not.toBe('');
      const token = (await unary(auth, auth.Authenticate, { name: 'root', password: 'rootpw' })).token;
      const asRoot = new grpc.Metadata();
      asRoot.set('token', token);
      expect((await unary(auth, auth.UserList, {}, asRoot)).users).toEqual(['alice', 'bob', 'root']);
      await expect(unary(auth, auth.UserList, {})).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
      await unary(auth, auth.AuthDisable, {}, asRoot);
    } finally {
      await unary(auth, auth.AuthDisable, {}).catch(() => undefined);
    }
    for (const name of ['alice', 'bob', 'root']) await unary(auth, auth.UserDelete, { name });
    for (const role of ['reader', 'root']) await unary(auth, auth.RoleDelete, { role });
    expect((await unary(auth, auth.UserList, {})).users).toEqual([]);
  });

  describe('etcdctl sees what our client sees', () => {
    const exec = promisify(execFile);
    /** etcdctl -w json prints uint64 ids as bare numbers; quote the long ones before JSON.parse rounds them. */
    const parseJson = (text: string): any => JSON.parse(text.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,}\]])/g, '$1"$2"'));
    const etcdctl = async (...args: string[]): Promise<any> => {
      const { stdout } = await exec(REAL_ETCDCTL_BINARY, [`--endpoints=${etcd.endpoint}`, '-w', 'json', ...args], {
        env: { ...process.env, ETCDCTL_API: '3' },
        timeout: CALL_TIMEOUT_MS,
      });
      return parseJson(stdout);
    };

    test('put and get', async () => {
      const putByCtl = await etcdctl('put', 'ctl/k', 'v1');
      const ours = await range({ key: b('ctl/k') });
      expect(BigInt(putByCtl.header.revision)).toBe(ours.kvs[0]!.mod_revision);
      expect(BigInt(putByCtl.header.cluster_id)).toBe(ours.header.cluster_id);
      expect(BigInt(putByCtl.header.member_id)).toBe(ours.header.member_id);

      const leaseId = 0x7fff_ffff_ffff_fabcn;
      await unary(lease, lease.LeaseGrant, { TTL: 60, ID: leaseId });
      await put({ key: b('ctl/k'), value: b('v2'), lease: leaseId });
      const got = await etcdctl('get', 'ctl/k');
      const [mine] = (await range({ key: b('ctl/k') })).kvs;
      const [theirs] = got.kvs;
      expect(Buffer.from(theirs.key, 'base64')).toEqual(mine!.key);
      expect(Buffer.from(theirs.value, 'base64')).toEqual(mine!.value);
      expect([theirs.create_revision, theirs.mod_revision, theirs.version, theirs.lease].map(BigInt)).toEqual([
        mine!.create_revision,
        mine!.mod_revision,
        mine!.version,
        leaseId,
      ]);
    });

    test('endpoint status', async () => {
      const [{ Status: theirs }] = await etcdctl('endpoint', 'status');
      const ours = await unary(maintenance, maintenance.Status, {});
      expect(theirs.version).toBe(ours.version);
      expect(BigInt(theirs.leader)).toBe(ours.leader);
      expect(BigInt(theirs.raftTerm)).toBe(ours.raftTerm);
      expect(BigInt(theirs.dbSize)).toBe(ours.dbSize);
    });
  });
});
