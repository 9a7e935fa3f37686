// Failpoints in a real three-member `yawl store` cluster (built dist/: run `npm run build` first). A member dies
// at a failpoint armed mid-run (or, for a snapshot install, armed from YAWL_FAILPOINTS at its restart); it is
// restarted on the same data dir without any failpoint variable, and then every write acknowledged before (and
// while) it was down is on every member, and all three agree: same revision, same Maintenance.HashKV.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printLogsOnFailure, startCluster, type Cluster, type Member } from './support/cluster.js';
import {
  expectAgreement,
  expectCrashAt,
  failpointEndpoints,
  failpointLines,
  readMap,
  setFailpoint,
  writeUntilFailure,
  type FailpointEndpoints,
} from './support/failpoints.js';
import { unaryWithin } from './support/grpc-clients.js';
import { withClients } from './support/ops.js';
import { YAWL_MAIN, yawlAvailable } from './support/targets.js';

const available = yawlAvailable();
if (!available) console.warn(`failpoint-crash-cluster.test.ts: SKIPPED: ${YAWL_MAIN} is missing or has no \`store\` command (npm run build)`);

describe.skipIf(!available)('a three-member cluster with a member crashing at a failpoint', () => {
  let cluster: Cluster | undefined;
  let fp: FailpointEndpoints;
  /** Members whose current run has its failpoint control endpoint (a clean restart has none). */
  const controlled = new Set<Member>();
  const acked = new Map<string, string>();

  beforeAll(async () => {
    fp = await failpointEndpoints(['n1', 'n2', 'n3']);
    cluster = await startCluster('yawl', 3, {
      // Snapshot every 20 applied entries and keep only 5 behind it: a follower down for 100 writes needs a snapshot.
      extraFlags: ['--snapshot-count', '20', '--experimental-snapshot-catchup-entries', '5'],
      memberEnv: (name) => fp.env(name),
    });
    for (const m of cluster.members) controlled.add(m);
  });

  afterAll(async () => {
    await cluster?.stopAll();
  });

  printLogsOnFailure(() => [cluster]);

  const members = (): readonly Member[] => cluster!.members;

  function remember(more: Map<string, string>): Map<string, string> {
    for (const [k, v] of more) acked.set(k, v);
    return more;
  }

  /** Restarts `m` on its data dir with no YAWL_FAILPOINTS* at all, and waits until it serves. */
  async function restartClean(m: Member): Promise<void> {
    controlled.delete(m);
    await m.restart({ env: {} });
  }

  /** Every member runs and has its control endpoint (members restarted clean by an earlier test get it back). */
  async function allControlled(): Promise<void> {
    for (const m of members()) {
      if (m.running && controlled.has(m)) continue;
      await m.restart();
      controlled.add(m);
    }
  }

  async function followers(): Promise<{ leader: Member; followers: Member[] }> {
    const leader = await cluster!.leader();
    return { leader, followers: members().filter((m) => m !== leader) };
  }

  /** All three agree, and every acknowledged write is on each of them. */
  async function expectConsistent(): Promise<void> {
    const { revision } = await expectAgreement(members());
    for (const m of members()) {
      const { kvs, revision: at } = await readMap(m, 'k/', true);
      expect(at).toBe(revision);
      const missing = [...acked].filter(([k, v]) => kvs.get(k) !== v).map(([k]) => k);
      expect(missing, `acknowledged writes missing on ${m.name}`).toEqual([]);
    }
  }

  it('a follower at raftBeforeSave=panic', async () => {
    await allControlled();
    const { leader, followers: [f] } = await followers();
    remember(await writeUntilFailure(leader, 'k/f-raftBeforeSave/pre/', 20));
    const exitsBefore = f!.unexpectedExits;
    expect(await setFailpoint(fp.url(f!.name), 'raftBeforeSave', 'panic')).toBe(204);
    // Two of three still make a quorum: every write goes through.
    expect(remember(await writeUntilFailure(leader, 'k/f-raftBeforeSave/during/', 30)).size).toBe(30);
    await expectCrashAt(f!, 'raftBeforeSave', exitsBefore);
    await restartClean(f!);
    await expectConsistent();
  });

  it.each(['applyAfterCommit', 'raftAfterSave', 'applyBeforeCommit', 'raftBeforeSave'])('the leader at %s=panic', async (name) => {
    await allControlled();
    const { leader } = await followers();
    remember(await writeUntilFailure(leader, `k/l-${name}/pre/`, 20));
    const exitsBefore = leader.unexpectedExits;
    expect(await setFailpoint(fp.url(leader.name), name, 'panic')).toBe(204);
    remember(await writeUntilFailure(leader, `k/l-${name}/during/`, 1000));
    await expectCrashAt(leader, name, exitsBefore);
    // The other two elect a leader and go on.
    const next = await cluster!.leader(20_000);
    expect(next).not.toBe(leader);
    expect(remember(await writeUntilFailure(next, `k/l-${name}/after/`, 20)).size).toBe(20);
    await restartClean(leader);
    await expectConsistent();
  });

  it.each(['raftBeforeApplySnap', 'raftAfterApplySnap'])('a follower that needs a snapshot, at %s=panic', async (name) => {
    await allControlled();
    const { leader, followers: [f] } = await followers();
    remember(await writeUntilFailure(leader, `k/${name}/pre/`, 10));
    await f!.stop();
    // 100 entries with --snapshot-count 20 and 5 catch-up entries: the leader's log no longer reaches back to f.
    expect(remember(await writeUntilFailure(leader, `k/${name}/while-down/`, 100)).size).toBe(100);
    const exitsBefore = f!.unexpectedExits;
    controlled.delete(f!);
    await f!.restart({ env: { YAWL_FAILPOINTS: `${name}=panic` }, waitUntilServing: false });
    await expectCrashAt(f!, name, exitsBefore);
    await restartClean(f!);
    // Before the swap, the Raft log already records the snapshot: the restart must finish the install.
    const finished = f!.runLog().includes("finished installing the leader's snapshot that a crash interrupted");
    expect(finished).toBe(name === 'raftBeforeApplySnap');
    expect(remember(await writeUntilFailure(leader, `k/${name}/after/`, 10)).size).toBe(10);
    await expectConsistent();
  });

  it('raftBeforeLeaderSend and raftBeforeFollowerSend=sleep slow writes down, and come off again', async () => {
    await allControlled();
    const { leader, followers: fs } = await followers();
    const timePut = (tag: string): Promise<number> =>
      withClients(leader, async (c) => {
        const t0 = performance.now();
        for (let i = 0; i < 3; i++) {
          const key = `k/send/${tag}/${i}`;
          await unaryWithin(5_000, c.kv, c.kv.Put, { key: Buffer.from(key), value: Buffer.from(tag) });
          acked.set(key, tag);
        }
        return (performance.now() - t0) / 3;
      });
    // Lower bounds only: each put waits out at least one armed sleep, however busy the machine.
    expect(await setFailpoint(fp.url(leader.name), 'raftBeforeLeaderSend', 'sleep(150)')).toBe(204);
    expect(await timePut('leader-sleep')).toBeGreaterThanOrEqual(150);
    expect(await setFailpoint(fp.url(leader.name), 'raftBeforeLeaderSend', 'off')).toBe(204);
    for (const f of fs) expect(await setFailpoint(fp.url(f.name), 'raftBeforeFollowerSend', 'sleep(150)')).toBe(204);
    // A commit needs a follower's answer, which each follower now holds back.
    expect(await timePut('follower-sleep')).toBeGreaterThanOrEqual(150);
    for (const f of fs) expect(await setFailpoint(fp.url(f.name), 'raftBeforeFollowerSend', 'off')).toBe(204);
    await timePut('none');
    await expectConsistent();
    for (const m of members()) expect(failpointLines(m)).toEqual([]);
  });
});
