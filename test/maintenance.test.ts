// Operator maintenance with etcdctl 3.4: running out of space (quota, NOSPACE alarm, recovery by compaction,
// defrag and alarm disarm), moving leadership by hand, and restarting a member that holds 100k keys.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { unary } from '../api/etcd/grpc-test-kit.js';
import { printLogsOnFailure, startCluster, type Cluster, type Member } from './support/cluster.js';
import { etcdctl } from './support/etcdctl.js';
import { outcome } from './support/grpc-clients.js';
import { ctlFailure, ctlFails, ctlJson, ctlOk, hexId, putManyInTxns, readPrefix, until, withClients } from './support/ops.js';
import { availableTargets, skipWhenNoTargets } from './support/targets.js';

const targets = availableTargets();
skipWhenNoTargets('maintenance.test.ts', targets);

/** 2 MiB: etcd 3.4 took 16 to 51 puts of 100 KB on one key before refusing one. */
const QUOTA_BYTES = 2 * 1024 * 1024;
const BIG_VALUE = Buffer.alloc(100_000, 'x');
const NO_SPACE = 'etcdserver: mvcc: database space exceeded';

interface StatusJson {
  Endpoint: string;
  Status: {
    header: { member_id: bigint; revision: number; raft_term: number };
    leader: bigint;
    raftTerm: number;
    dbSize: number;
    errors?: string[];
  };
}

describe.each(targets)('maintenance on a 3-member %s cluster', (kind) => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster(kind, 3, { extraFlags: ['--quota-backend-bytes', String(QUOTA_BYTES)] });
  });
  afterAll(async () => {
    await cluster?.stopAll();
  });
  printLogsOnFailure(() => [cluster]);

  const all = (): string[] => [...cluster.endpoints];
  const status = (endpoints: readonly string[] = all()) => ctlJson<StatusJson[]>(endpoints, ['endpoint', 'status']);

  test('filling the quota raises NOSPACE: writes refused, reads and deletes served', async () => {
    const n1 = cluster.members[0]!;
    // Overwrite one key with 100 KB values until refused: every version stays until compaction.
    let accepted = 0;
    let refusal: unknown;
    await withClients(n1, async (c) => {
      // The bound only keeps a store that never refuses from looping forever; etcd refused after 16 to 51 puts.
      for (let i = 0; i < 6 * (QUOTA_BYTES / BIG_VALUE.length); i++) {
        const result = await outcome(unary(c.kv, c.kv.Put, { key: Buffer.from('quota/big'), value: BIG_VALUE }));
        if ('error' in result) {
          refusal = result.error;
          break;
        }
        accepted += 1;
      }
    });
    console.log(`${kind}: ${accepted} puts of 100 KB accepted under a ${QUOTA_BYTES}-byte quota`);
    expect(refusal).toEqual({ code: 'RESOURCE_EXHAUSTED', details: NO_SPACE });
    // etcd compares the backend's size as of its last commit (batched every 100 ms) plus the request's cost with
    // the quota, so the count varies: 16 to 51 of these puts in observed runs.
    expect(accepted).toBeGreaterThanOrEqual(QUOTA_BYTES / BIG_VALUE.length / 2);

    // The alarm is cluster state: every member lists it (`memberID:<decimal id> alarm:NOSPACE `, with a trailing
    // space), naming the member(s) that ran out.
    const ids = new Set(cluster.members.map((m) => m.id));
    const alarms = await ctlOk([cluster.members[2]!.endpoint], ['alarm', 'list']);
    const lines = alarms.replace(/\n$/, '').split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines) {
      const match = /^memberID:(\d+) alarm:NOSPACE $/.exec(line);
      expect(match, `alarm line ${JSON.stringify(line)}`).not.toBeNull();
      expect(ids.has(BigInt(match![1]!))).toBe(true);
    }
    // Status reports it too, in its errors list, on every member.
    for (const s of await status()) expect([...s.Status.errors!].sort()).toEqual([...lines].sort());

    // Every write that would add data is refused, from any member, through any API.
    for (const member of cluster.members) {
      expect(await ctlFails([member.endpoint], ['put', 'quota/small', 'x'])).toEqual({ exitCode: 1, grpcCode: 'ResourceExhausted', message: NO_SPACE });
    }
    expect(await ctlFails(all(), ['lease', 'grant', '60'])).toMatchObject({ grpcCode: 'ResourceExhausted', message: `failed to grant lease (${NO_SPACE})` });
    await withClients(n1, async (c) => {
      expect(await outcome(unary(c.kv, c.kv.Txn, { success: [{ request_put: { key: Buffer.from('quota/t'), value: Buffer.from('t') } }] }))).toEqual({
        error: { code: 'RESOURCE_EXHAUSTED', details: NO_SPACE },
      });
      // A txn that only reads is fine.
      const readOnly = await unary(c.kv, c.kv.Txn, { success: [{ request_range: { key: Buffer.from('quota/big') } }] });
      expect(readOnly.succeeded).toBe(true);
    });
    // Reads are served, the stored value intact. The put that was refused may still have been applied: etcd
    // checks the quota before proposing and again when applying, and an entry that passed the first check but
    // fails the second is applied all the same (every member must apply the same log) and answered with NOSPACE.
    const reads = await Promise.all(cluster.members.map((m) => readPrefix(m, 'quota/')));
    for (const read of reads) {
      expect(read.kvs.map((kv) => [kv.key, kv.value.length])).toEqual([['quota/big', BIG_VALUE.length]]);
      expect(read.kvs[0]).toEqual(reads[0]!.kvs[0]);
    }
    expect([accepted, accepted + 1]).toContain(reads[0]!.kvs[0]!.version);
    // Deletes free nothing until compaction, but are allowed.
    expect(await ctlOk(all(), ['del', 'quota/nothing-here'])).toBe('0\n');
  });

  test('compaction, defrag and alarm disarm bring writes back', async () => {
    const listed = await ctlOk(all(), ['alarm', 'list']);
    const revision = (await ctlJson<{ header: { revision: number } }>(all(), ['get', 'quota/big'])).header.revision;
    expect(await ctlOk(all(), ['compaction', '--physical', String(revision)])).toBe(`compacted revision ${revision}\n`);

    // Defragment every member until each has given the space back (a follower compacts a moment later).
    await until(
      'every member to shrink below the quota',
      async () => {
        const out = await ctlOk(all(), ['defrag']);
        expect(out).toBe(all().map((e) => `Finished defragmenting etcd member[${e}]\n`).join(''));
        const sizes = (await status()).map((s) => s.Status.dbSize);
        return sizes.every((size) => size < QUOTA_BYTES / 2) ? sizes : undefined;
      },
      20_000,
      { intervalMs: 500 },
    );
    // Space alone does not lift the alarm.
    expect(await ctlFails(all(), ['put', 'quota/small', 'x'])).toMatchObject({ grpcCode: 'ResourceExhausted', message: NO_SPACE });

    // Disarm prints the alarms it lifted (in no set order, like list); a second disarm has nothing to lift.
    const sortedLines = (text: string): string[] => text.split('\n').sort();
    expect(sortedLines(await ctlOk(all(), ['alarm', 'disarm']))).toEqual(sortedLines(listed));
    expect(await ctlOk(all(), ['alarm', 'list'])).toBe('');
    expect(await ctlOk(all(), ['alarm', 'disarm'])).toBe('');
    for (const s of await status()) expect(s.Status.errors ?? []).toEqual([]);

    for (const member of cluster.members) expect(await ctlOk([member.endpoint], ['put', `quota/after-${member.name}`, 'ok'])).toBe('OK\n');
    expect(await ctlOk(all(), ['lease', 'grant', '60'])).toMatch(/^lease [0-9a-f]{16} granted with TTL\(60s\)\n$/);
    // The last value survived compaction: only older versions went.
    const big = await readPrefix(cluster.members[1]!, 'quota/big');
    expect(big.kvs.map((kv) => [kv.value.length, kv.mod_revision])).toEqual([[BIG_VALUE.length, revision]]);
  });

  test('move-leader hands leadership to the named member; endpoint status shows it', async () => {
    const leader = await cluster.leader();
    const [target, third] = cluster.members.filter((m) => m !== leader) as [Member, Member];
    const before = await status();
    const termBefore = before[0]!.Status.raftTerm;

    // etcdctl sends MoveLeader to the leader, which it finds among the endpoints it was given.
    const noLeader = await etcdctl([target.endpoint, third.endpoint], ['move-leader', hexId(target.id)]);
    expect(noLeader.code).toBe(128);
    expect(ctlFailure(noLeader).message).toBe(`no leader endpoint given at [${target.endpoint} ${third.endpoint}]`);
    expect(await ctlFails(all(), ['move-leader', '1234abcd'])).toEqual({ exitCode: 1, grpcCode: 'FailedPrecondition', message: 'etcdserver: bad leader transferee' });

    expect(await ctlOk(all(), ['move-leader', hexId(target.id)])).toBe(`Leadership transferred from ${hexId(leader.id)} to ${hexId(target.id)}\n`);
    const after = await until(
      'every member to name the new leader',
      async () => {
        const s = await status();
        return s.every((e) => e.Status.leader === target.id) ? s : undefined;
      },
      10_000,
    );
    // One election: the term went up by one.
    for (const e of after) expect(e.Status.raftTerm).toBe(termBefore + 1);
    expect(await cluster.leader()).toBe(target);
    const table = await ctlOk(all(), ['endpoint', 'status']);
    for (const member of cluster.members) {
      // ENDPOINT, ID, VERSION, DB SIZE, IS LEADER, IS LEARNER, RAFT TERM, RAFT INDEX, RAFT APPLIED INDEX, ERRORS
      const row = table.split('\n').find((line) => line.startsWith(`${member.endpoint}, `))!.split(', ');
      expect(row[1]).toBe(hexId(member.id));
      expect(row[4]).toBe(String(member === target));
      expect(row[5]).toBe('false');
      expect(row[6]).toBe(String(termBefore + 1));
    }
    // Moving to the current leader is a no-op that still reports success.
    expect(await ctlOk(all(), ['move-leader', hexId(target.id)])).toBe(`Leadership transferred from ${hexId(target.id)} to ${hexId(target.id)}\n`);
    expect(await ctlOk([third.endpoint], ['put', 'moved/after', 'x'])).toBe('OK\n');
  });
});

const MANY_KEYS = 100_000;
const manyKey = (i: number): string => `many/${String(i).padStart(6, '0')}`;
const manyValue = (i: number): string => `value-${i}-${'v'.repeat(40)}`;

describe.each(targets)('a %s member holding 100k keys restarts', (kind) => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster(kind, 1);
  });
  afterAll(async () => {
    await cluster?.stopAll();
  });
  printLogsOnFailure(() => [cluster]);

  test(`${MANY_KEYS} keys written in txns of 128, then a restart: every key served`, async () => {
    const member = cluster.members[0]!;
    const loadStarted = Date.now();
    await putManyInTxns(member, MANY_KEYS, manyKey, manyValue, 128, 8);
    const loadMs = Date.now() - loadStarted;
    const before = await readPrefix(member, 'many/', { keysOnly: true });
    expect(before.count).toBe(BigInt(MANY_KEYS));

    const restartStarted = Date.now();
    await member.stop();
    const stoppedMs = Date.now() - restartStarted;
    await member.restart();
    const restartMs = Date.now() - restartStarted;
    console.log(
      `${kind}: loaded ${MANY_KEYS} keys in ${loadMs} ms; restart took ${restartMs} ms (stop ${stoppedMs} ms, start to serving ${restartMs - stoppedMs} ms)`,
    );

    await withClients(member, async (c) => {
      const count = await unary(c.kv, c.kv.Range, { key: Buffer.from('many/'), range_end: Buffer.from('many0'), count_only: true });
      expect(count.count).toBe(BigInt(MANY_KEYS));
      expect(count.header.revision).toBe(before.revision);
      for (const i of [0, 1, 4_242, 50_000, MANY_KEYS - 1]) {
        const got = await unary(c.kv, c.kv.Range, { key: Buffer.from(manyKey(i)) });
        expect(got.kvs.map((kv) => [kv.key.toString(), kv.value.toString(), kv.version])).toEqual([[manyKey(i), manyValue(i), 1n]]);
      }
    });
    const after = await readPrefix(member, 'many/', { keysOnly: true });
    expect(after.kvs.map((kv) => [kv.key, kv.create_revision, kv.mod_revision])).toEqual(before.kvs.map((kv) => [kv.key, kv.create_revision, kv.mod_revision]));
  });
});
