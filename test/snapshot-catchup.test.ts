// A follower that was down while the leader compacted its Raft log past it catches up by snapshot. etcd 3.4
// snapshots every --snapshot-count applied entries and then keeps the last 5000 entries before the snapshot
// (SnapshotCatchUpEntries; 3.4 has no flag for it, --experimental-snapshot-catchup-entries came in 3.5), so
// with --snapshot-count 100 the entries a stopped follower needs are gone once a little over 5100 more have
// been committed. Restarted, it receives the leader's snapshot plus the entries after it, and must end up with
// the same keyspace: same HashKV at the same revision, same keys and revisions.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { unary } from '../api/etcd/grpc-test-kit.js';
import { printLogsOnFailure, startCluster, type Cluster, type Member } from './support/cluster.js';
import { expectSameHashKV, putMany, readPrefix, until, withClients } from './support/ops.js';
import { availableTargets, skipWhenNoTargets } from './support/targets.js';

const targets = availableTargets();
skipWhenNoTargets('snapshot-catchup.test.ts', targets);

const SNAPSHOT_COUNT = 100;
/** etcd 3.4's fixed SnapshotCatchUpEntries. */
const CATCH_UP_ENTRIES = 5_000;
/** Enough entries that the leader has snapshotted and compacted its log well past the stopped follower. */
const WRITES_WHILE_DOWN = CATCH_UP_ENTRIES + 3 * SNAPSHOT_COUNT;

const key = (i: number): string => `catchup/${String(i).padStart(5, '0')}`;

describe.each(targets)('a follower behind a compacted log catches up by snapshot (%s)', (kind) => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster(kind, 3, { extraFlags: ['--snapshot-count', String(SNAPSHOT_COUNT)] });
  });
  afterAll(async () => {
    await cluster?.stopAll();
  });
  printLogsOnFailure(() => [cluster]);

  test(`stop a follower, commit ${WRITES_WHILE_DOWN} entries, restart it: it installs a snapshot and agrees`, async () => {
    const leader = await cluster.leader();
    const [follower, other] = cluster.members.filter((m) => m !== leader) as [Member, Member];

    await putMany(leader, 50, (i) => `early/${i}`, (i) => `e${i}`);
    const early = await readPrefix(leader, 'early/');
    await until('the follower to apply the early writes', async () => ((await readPrefix(follower, 'early/', { serializable: true })).count === 50n ? true : undefined), 10_000);
    await follower.stop();
    const stoppedAt = await withClients(leader, (c) => unary(c.maintenance, c.maintenance.Status, {}));

    const started = Date.now();
    // Every put is one Raft entry; 64 in flight keep the leader's batches full.
    await putMany(leader, WRITES_WHILE_DOWN, key, (i) => `value-${i}`);
    // A few keys written more than once and deleted, so the snapshot carries history, not just one version each.
    await putMany(leader, 20, (i) => key(i), (i) => `rewritten-${i}`, 4);
    await withClients(leader, (c) => unary(c.kv, c.kv.DeleteRange, { key: Buffer.from(key(20)), range_end: Buffer.from(key(30)) }));
    const loadMs = Date.now() - started;
    console.log(`${kind}: ${WRITES_WHILE_DOWN + 21} entries committed on two of three members in ${loadMs} ms`);

    const afterLoad = await withClients(leader, (c) => unary(c.maintenance, c.maintenance.Status, {}));
    expect(afterLoad.raftIndex - stoppedAt.raftIndex).toBeGreaterThan(BigInt(CATCH_UP_ENTRIES + SNAPSHOT_COUNT));

    const restartStarted = Date.now();
    await follower.restart();
    const target = (await readPrefix(leader, 'catchup/', { keysOnly: true })).revision;
    await until(
      'the restarted follower to reach the leader revision',
      async () => ((await readPrefix(follower, 'catchup/', { serializable: true, keysOnly: true })).revision >= target ? true : undefined),
      30_000,
    );
    console.log(`${kind}: restarted follower caught up in ${Date.now() - restartStarted} ms`);

    // Same keyspace, history included: the hash of every revision up to `target` agrees on all three.
    await expectSameHashKV([leader, follower, other], target);
    const [onLeader, onFollower] = await Promise.all([readPrefix(leader, 'catchup/'), readPrefix(follower, 'catchup/')]);
    expect(onFollower.count).toBe(BigInt(WRITES_WHILE_DOWN - 10));
    expect(onFollower.kvs).toEqual(onLeader.kvs);
    expect(onFollower.kvs[0]).toMatchObject({ key: key(0), value: 'rewritten-0', version: 2 });
    expect((await readPrefix(follower, 'early/')).kvs).toEqual(early.kvs);

    // Its log says it was a snapshot, not a replay of entries: etcd 3.4 (capnslog) logs these lines, and the
    // snapshot's index lies beyond what the follower had when it stopped.
    const followerLog = follower.logTail(2_000);
    if (kind === 'etcd') {
      expect(followerLog).toMatch(/successfully received and saved database snapshot \[index: \d+, from: [0-9a-f]+/);
      const applied = /finished applying incoming snapshot at index (\d+)/.exec(followerLog);
      expect(applied, 'the follower applied a snapshot').not.toBeNull();
      expect(BigInt(applied![1]!)).toBeGreaterThan(stoppedAt.raftIndex + BigInt(CATCH_UP_ENTRIES));
      expect(leader.logTail(2_000)).toMatch(new RegExp(`database snapshot \\[index: \\d+, to: ${follower.id.toString(16)}\\] sent out successfully`));
    } else if (/installed snapshot/.test(followerLog)) {
      // yawl's own wording; its absence is not a failure (the HashKV agreement above is what matters).
      expect(followerLog).toMatch(/installed snapshot/);
    }

    // And it serves as a full member again: a write through it lands everywhere.
    await withClients(follower, (c) => unary(c.kv, c.kv.Put, { key: Buffer.from('catchup/zz-last'), value: Buffer.from('last') }));
    const last = await readPrefix(other, 'catchup/zz-last');
    expect(last.kvs.map((kv) => kv.value)).toEqual(['last']);
  });
});
