// Failpoints in a real three-member `yawl store` cluster (built dist/: run `npm run build` first). A member dies
// at a failpoint armed mid-run (or, for a snapshot install, armed from YAWL_FAILPOINTS at its restart); it is
// restarted on the same data dir without any failpoint variable, and then every write acknowledged before (and
// while) it was down is on every member, and all three agree: same revision, same Maintenance.HashKV.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAgreement, planCluster, writeUntilFailure, type StoreProcess, type TestCluster } from './process-test-kit.js';

let cluster: TestCluster;
const acked = new Map<string, string>();

beforeAll(async () => {
  // Snapshot every 20 applied entries and keep only 5 behind it: a follower down for 100 writes needs a snapshot.
  cluster = await planCluster(3, ['--snapshot-count', '20', '--experimental-snapshot-catchup-entries', '5']);
  await cluster.startAll();
});

afterAll(async () => {
  await cluster?.stopAll();
});

afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') console.error(cluster.logTails());
});

function remember(more: Map<string, string>): Map<string, string> {
  for (const [k, v] of more) acked.set(k, v);
  return more;
}

async function expectCrashAt(m: StoreProcess, name: string): Promise<void> {
  const exit = await m.waitForExit(30_000);
  expect(exit, `${m.name} should have died at ${name}:\n${m.logTail()}`).toEqual({ code: null, signal: 'SIGKILL' });
  expect(m.stderr().split('\n').filter((l) => l.startsWith('failpoint '))).toEqual([`failpoint ${name}: panic`]);
  m.closeClients();
}

async function restartClean(m: StoreProcess): Promise<void> {
  m.spawn({}, false);
  await m.waitServing();
}

/** Every member runs and has its control endpoint (members restarted clean by an earlier test get it back). */
async function allControlled(): Promise<void> {
  for (const m of cluster.members) {
    if (m.running && m.controlled) continue;
    if (m.running) await m.stop();
    m.closeClients();
    m.spawn();
  }
  await Promise.all(cluster.members.map((m) => m.waitServing()));
}

async function followers(): Promise<{ leader: StoreProcess; followers: StoreProcess[] }> {
  const leader = await cluster.leader();
  return { leader, followers: cluster.members.filter((m) => m !== leader) };
}

/** All three agree, and every acknowledged write is on each of them. */
async function expectConsistent(): Promise<void> {
  const { revision } = await expectAgreement(cluster.members);
  for (const m of cluster.members) {
    const { kvs, revision: at } = await m.readPrefix('k/', true);
    expect(at).toBe(revision);
    const missing = [...acked].filter(([k, v]) => kvs.get(k) !== v).map(([k]) => k);
    expect(missing, `acknowledged writes missing on ${m.name}`).toEqual([]);
  }
}

describe('a three-member cluster with a member crashing at a failpoint', () => {
  it('a follower at raftBeforeSave=panic', async () => {
    await allControlled();
    const { leader, followers: [f] } = await followers();
    remember(await writeUntilFailure(leader, 'k/f-raftBeforeSave/pre/', 20));
    expect(await f!.setFailpoint('raftBeforeSave', 'panic')).toBe(204);
    // Two of three still make a quorum: every write goes through.
    expect(remember(await writeUntilFailure(leader, 'k/f-raftBeforeSave/during/', 30)).size).toBe(30);
    await expectCrashAt(f!, 'raftBeforeSave');
    await restartClean(f!);
    await expectConsistent();
  });

  it.each(['applyAfterCommit', 'raftAfterSave', 'applyBeforeCommit', 'raftBeforeSave'])('the leader at %s=panic', async (name) => {
    await allControlled();
    const { leader } = await followers();
    remember(await writeUntilFailure(leader, `k/l-${name}/pre/`, 20));
    expect(await leader.setFailpoint(name, 'panic')).toBe(204);
    remember(await writeUntilFailure(leader, `k/l-${name}/during/`, 1000));
    await expectCrashAt(leader, name);
    // The other two elect a leader and go on.
    const next = await cluster.leader(20_000);
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
    f!.closeClients();
    // 100 entries with --snapshot-count 20 and 5 catch-up entries: the leader's log no longer reaches back to f.
    expect(remember(await writeUntilFailure(leader, `k/${name}/while-down/`, 100)).size).toBe(100);
    f!.spawn({ YAWL_FAILPOINTS: `${name}=panic` }, false);
    await expectCrashAt(f!, name);
    await restartClean(f!);
    // Before the swap, the Raft log already records the snapshot: the restart must finish the install.
    const finished = f!.stdout().includes("finished installing the leader's snapshot that a crash interrupted");
    expect(finished).toBe(name === 'raftBeforeApplySnap');
    expect(remember(await writeUntilFailure(leader, `k/${name}/after/`, 10)).size).toBe(10);
    await expectConsistent();
  });

  it('raftBeforeLeaderSend and raftBeforeFollowerSend=sleep slow writes down, and come off again', async () => {
    await allControlled();
    const { leader, followers: fs } = await followers();
    const timePut = async (tag: string) => {
      const t0 = performance.now();
      for (let i = 0; i < 3; i++) {
        const key = `k/send/${tag}/${i}`;
        await leader.put(key, tag);
        acked.set(key, tag);
      }
      return (performance.now() - t0) / 3;
    };
    expect(await leader.setFailpoint('raftBeforeLeaderSend', 'sleep(150)')).toBe(204);
    expect(await timePut('leader-sleep')).toBeGreaterThanOrEqual(150);
    expect(await leader.setFailpoint('raftBeforeLeaderSend', 'off')).toBe(204);
    for (const f of fs) expect(await f.setFailpoint('raftBeforeFollowerSend', 'sleep(150)')).toBe(204);
    // A commit needs a follower's answer, which each follower now holds back.
    expect(await timePut('follower-sleep')).toBeGreaterThanOrEqual(150);
    for (const f of fs) expect(await f.setFailpoint('raftBeforeFollowerSend', 'off')).toBe(204);
    await timePut('none');
    await expectConsistent();
    for (const m of cluster.members) expect(m.stderr()).not.toMatch(/^failpoint /m);
  });
});
