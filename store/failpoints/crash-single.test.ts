// Failpoints in a real one-member `yawl store` (built dist/: run `npm run build` first). Each crash test arms a
// failpoint through the member's control endpoint mid-run, makes the member pass it, sees it die there (its
// stderr line, SIGKILL), restarts it on the same data dir with no failpoint variables at all, and checks that
// every write acknowledged before the crash is there and that it serves again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCluster, unaryCall, writeUntilFailure, type StoreProcess, type TestCluster } from './process-test-kit.js';

let cluster: TestCluster;
let m: StoreProcess;
/** Every write acknowledged so far, across all tests: each restart must still have all of them. */
const acked = new Map<string, string>();

beforeAll(async () => {
  // A snapshot (and log compaction) every 20 applied entries, so that the snapshot failpoints are reached.
  cluster = await planCluster(1, ['--snapshot-count', '20', '--experimental-snapshot-catchup-entries', '5']);
  m = cluster.members[0]!;
  await cluster.startAll();
});

afterAll(async () => {
  await cluster?.stopAll();
});

function remember(more: Map<string, string>): void {
  for (const [k, v] of more) acked.set(k, v);
}

/** The member died on `name`: exactly one failpoint line on stderr, and death by SIGKILL. */
async function expectCrashAt(name: string): Promise<void> {
  const exit = await m.waitForExit(20_000);
  expect(exit, `the member should have died at ${name}:\n${m.logTail()}`).toEqual({ code: null, signal: 'SIGKILL' });
  expect(m.stderr().split('\n').filter((l) => l.startsWith('failpoint '))).toEqual([`failpoint ${name}: panic`]);
  m.closeClients();
}

/** Restart with no YAWL_FAILPOINTS* at all; then every acknowledged write must be there. */
async function restartCleanAndCheck(): Promise<void> {
  m.spawn({}, false);
  await m.waitServing();
  await expect(m.getFailpoints()).rejects.toThrow(); // no control endpoint this time
  await expectAllAcked();
}

async function expectAllAcked(): Promise<void> {
  const { kvs } = await m.readPrefix('k/');
  const missing = [...acked].filter(([k, v]) => kvs.get(k) !== v);
  expect(missing, 'acknowledged writes missing or changed after the restart').toEqual([]);
}

/** Back to a member with a control endpoint (and nothing armed), for the next test. */
async function restartWithControl(): Promise<void> {
  if (m.running) await m.stop();
  m.closeClients();
  m.spawn();
  await m.waitServing();
}

async function crashTest(name: string, trigger: () => Promise<void>): Promise<void> {
  await restartWithControl();
  remember(await writeUntilFailure(m, `k/${name}/pre/`, 30));
  expect(await m.setFailpoint(name, 'panic')).toBe(204);
  expect(await m.getFailpoints(`/${name}`)).toBe('panic');
  await trigger();
  await expectCrashAt(name);
  await restartCleanAndCheck();
  // And it takes writes again.
  remember(await writeUntilFailure(m, `k/${name}/post/`, 5));
  expect([...acked.keys()].filter((k) => k.startsWith(`k/${name}/post/`))).toHaveLength(5);
}

describe('a one-member cluster crashing at a failpoint', () => {
  it('raftBeforeSave=panic: no entry of the fatal Ready reaches the log', async () => {
    await crashTest('raftBeforeSave', async () => {
      const during = await writeUntilFailure(m, 'k/raftBeforeSave/during/', 1000);
      remember(during);
      // One member: an entry is acknowledged only once saved, and the first save after arming never happens.
      expect(during.size).toBe(0);
    });
    const { kvs } = await m.readPrefix('k/raftBeforeSave/during/');
    expect(kvs.size, 'a write that never reached the Raft log was applied after restart').toBe(0);
  });

  it('raftAfterSave=panic: entries on disk but never applied are replayed', async () => {
    await crashTest('raftAfterSave', async () => {
      remember(await writeUntilFailure(m, 'k/raftAfterSave/during/', 1000));
    });
    // The entries of the fatal Ready were saved (and a one-member cluster commits what it saves): they come back.
    const { kvs } = await m.readPrefix('k/raftAfterSave/during/');
    expect(kvs.size).toBeGreaterThan(0);
  });

  it('applyBeforeCommit=panic', async () => {
    await crashTest('applyBeforeCommit', async () => {
      remember(await writeUntilFailure(m, 'k/applyBeforeCommit/during/', 1000));
    });
  });

  it('applyAfterCommit=panic', async () => {
    await crashTest('applyAfterCommit', async () => {
      remember(await writeUntilFailure(m, 'k/applyAfterCommit/during/', 1000));
    });
  });

  it.each(['compactBeforeCommit', 'compactAfterCommit'])('%s=panic: the compaction holds after the restart', async (name) => {
    let target = 0n;
    await crashTest(name, async () => {
      // Plain writes pass the compact failpoints: only an apply round that compacted reaches them.
      remember(await writeUntilFailure(m, `k/${name}/during/`, 10));
      expect(m.running).toBe(true);
      target = (await m.status()).header.revision - 5n;
      const c = m.client();
      await expect(unaryCall(c.kv, c.kv.Compact, { revision: target }, 10_000)).rejects.toThrow();
    });
    // The compaction entry is in the Raft log either way: replayed or already in the state DB, it is in effect.
    const h = await m.hashKV(0n);
    expect(h.compact_revision).toBe(target);
    const c = m.client();
    await expect(unaryCall(c.kv, c.kv.Range, { key: Buffer.from('k/'), revision: target - 1n })).rejects.toThrow(/compacted/);
  });

  it('raftBeforeSaveSnap, raftAfterSaveSnap, raftAfterCompactLog=panic: snapshot-count snapshots', async () => {
    for (const name of ['raftBeforeSaveSnap', 'raftAfterSaveSnap', 'raftAfterCompactLog']) {
      await crashTest(name, async () => {
        // --snapshot-count 20: the member snapshots within 20 more entries.
        remember(await writeUntilFailure(m, `k/${name}/during/`, 200));
      });
    }
  });

  it('defragDuringCompact=panic: killed while the state DB is being compacted', async () => {
    await crashTest('defragDuringCompact', async () => {
      remember(await writeUntilFailure(m, 'k/defrag/during/', 100));
      const c = m.client();
      await expect(unaryCall(c.maintenance, c.maintenance.Defragment, {}, 10_000)).rejects.toThrow();
    });
  });

  it('YAWL_FAILPOINTS=raftBeforeSave=panic at start: dies before serving, restarts clean', async () => {
    if (m.running) await m.stop();
    m.closeClients();
    m.spawn({ YAWL_FAILPOINTS: 'raftBeforeSave=panic' }, false);
    // Its first Ready (its own election) saves a hard state.
    await expectCrashAt('raftBeforeSave');
    await restartCleanAndCheck();
  });

  it('a bad YAWL_FAILPOINTS stops the member at start, saying why', async () => {
    if (m.running) await m.stop();
    m.closeClients();
    m.spawn({ YAWL_FAILPOINTS: 'raftBeforeSave=explode' }, false);
    const exit = await m.waitForExit(20_000);
    expect(exit?.code).toBe(1);
    expect(m.stderr()).toContain('YAWL_FAILPOINTS: bad term "explode": unknown action "explode"');
    m.spawn({ YAWL_FAILPOINTS: 'raftBeforeSaev=panic' }, false);
    expect((await m.waitForExit(20_000))?.code).toBe(1);
    expect(m.stderr()).toMatch(/YAWL_FAILPOINTS: unknown failpoint "raftBeforeSaev" \(known: /);
    await restartCleanAndCheck();
  });

  it('YAWL_FAILPOINTS=raftBeforeSave=sleep(50) is a slow disk; the endpoint turns it off', async () => {
    if (m.running) await m.stop();
    m.closeClients();
    m.spawn({ YAWL_FAILPOINTS: 'raftBeforeSave=sleep(50)' });
    await m.waitServing();
    expect(await m.getFailpoints()).toContain('raftBeforeSave=sleep(50)\n');
    const timePuts = async (n: number) => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const key = `k/slowdisk/${i}-${Math.round(t0)}`;
        await m.put(key, 'x');
        acked.set(key, 'x');
      }
      return (performance.now() - t0) / n;
    };
    // Every put waits for at least one Raft log save.
    expect(await timePuts(5)).toBeGreaterThanOrEqual(50);
    const res = await fetch(`${m.failpointUrl}/raftBeforeSave`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await m.getFailpoints('/raftBeforeSave')).toBe('off');
    await timePuts(5);
    await expectAllAcked();
    expect(m.stderr()).not.toMatch(/^failpoint /m);
  });
});
