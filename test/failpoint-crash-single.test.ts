// Failpoints in a real one-member `yawl store` (built dist/: run `npm run build` first). Each crash test arms a
// failpoint through the member's control endpoint mid-run, makes the member pass it, sees it die there (its
// `failpoint <name>: panic` line, SIGKILL, an unexpected exit), restarts it on the same data dir with no failpoint
// variables at all, and checks that every write acknowledged before the crash is there and that it serves again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printLogsOnFailure, startCluster, type Cluster, type Member } from './support/cluster.js';
import {
  expectCrashAt,
  failpointEndpoints,
  failpointLines,
  getFailpoints,
  readMap,
  setFailpoint,
  writeUntilFailure,
  type FailpointEndpoints,
} from './support/failpoints.js';
import { unaryWithin } from './support/grpc-clients.js';
import { withClients } from './support/ops.js';
import { YAWL_MAIN, yawlAvailable } from './support/targets.js';

const available = yawlAvailable();
if (!available) console.warn(`failpoint-crash-single.test.ts: SKIPPED: ${YAWL_MAIN} is missing or has no \`store\` command (npm run build)`);

describe.skipIf(!available)('a one-member cluster crashing at a failpoint', () => {
  let cluster: Cluster | undefined;
  let m: Member;
  let fp: FailpointEndpoints;
  /** Every write acknowledged so far, across all tests: each restart must still have all of them. */
  const acked = new Map<string, string>();

  beforeAll(async () => {
    fp = await failpointEndpoints(['n1']);
    cluster = await startCluster('yawl', 1, {
      // A snapshot (and log compaction) every 20 applied entries, so that the snapshot failpoints are reached.
      extraFlags: ['--snapshot-count', '20', '--experimental-snapshot-catchup-entries', '5'],
      memberEnv: (name) => fp.env(name),
    });
    m = cluster.members[0]!;
  });

  afterAll(async () => {
    await cluster?.stopAll();
  });

  printLogsOnFailure(() => [cluster]);

  const url = (): string => fp.url(m.name);

  function remember(more: Map<string, string>): void {
    for (const [k, v] of more) acked.set(k, v);
  }

  /** Restart with no YAWL_FAILPOINTS* at all; then every acknowledged write must be there. */
  async function restartCleanAndCheck(): Promise<void> {
    await m.restart({ env: {} });
    await expect(getFailpoints(url())).rejects.toThrow(); // no control endpoint this time
    await expectAllAcked();
  }

  async function expectAllAcked(): Promise<void> {
    const { kvs } = await readMap(m, 'k/');
    const missing = [...acked].filter(([k, v]) => kvs.get(k) !== v);
    expect(missing, 'acknowledged writes missing or changed after the restart').toEqual([]);
  }

  async function crashTest(name: string, trigger: () => Promise<void>): Promise<void> {
    // Back to a member with its control endpoint (and nothing armed).
    await m.restart();
    remember(await writeUntilFailure(m, `k/${name}/pre/`, 30));
    const exitsBefore = m.unexpectedExits;
    expect(await setFailpoint(url(), name, 'panic')).toBe(204);
    expect(await getFailpoints(url(), `/${name}`)).toBe('panic');
    await trigger();
    await expectCrashAt(m, name, exitsBefore, 20_000);
    await restartCleanAndCheck();
    // And it takes writes again.
    remember(await writeUntilFailure(m, `k/${name}/post/`, 5));
    expect([...acked.keys()].filter((k) => k.startsWith(`k/${name}/post/`))).toHaveLength(5);
  }

  it('raftBeforeSave=panic: no entry of the fatal Ready reaches the log', async () => {
    await crashTest('raftBeforeSave', async () => {
      const during = await writeUntilFailure(m, 'k/raftBeforeSave/during/', 1000);
      remember(during);
      // One member: an entry is acknowledged only once saved, and the first save after arming never happens.
      expect(during.size).toBe(0);
    });
    const { kvs } = await readMap(m, 'k/raftBeforeSave/during/');
    expect(kvs.size, 'a write that never reached the Raft log was applied after restart').toBe(0);
  });

  it('raftAfterSave=panic: entries on disk but never applied are replayed', async () => {
    await crashTest('raftAfterSave', async () => {
      remember(await writeUntilFailure(m, 'k/raftAfterSave/during/', 1000));
    });
    // The entries of the fatal Ready were saved (and a one-member cluster commits what it saves): they come back.
    const { kvs } = await readMap(m, 'k/raftAfterSave/during/');
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
      target = (await withClients(m, (c) => unaryWithin(2_000, c.maintenance, c.maintenance.Status, {}))).header.revision - 5n;
      // The member answers once the entry is applied in memory; the compact failpoints run at its state DB
      // batch's turn, later. So the answer races the crash: usually the call fails, but an acknowledged
      // compaction is no error, as long as it holds after the restart (checked below either way).
      const answer = await withClients(m, (c) => unaryWithin(10_000, c.kv, c.kv.Compact, { revision: target })).then(
        () => 'acknowledged',
        (error: Error) => `failed: ${error.message}`,
      );
      console.info(`${name}: Compact(${target}) ${answer}`);
    });
    // The compaction entry is in the Raft log either way: replayed or already in the state DB, it is in effect.
    const h = await withClients(m, (c) => unaryWithin(10_000, c.maintenance, c.maintenance.HashKV, { revision: 0n }));
    expect(h.compact_revision).toBe(target);
    await expect(
      withClients(m, (c) => unaryWithin(5_000, c.kv, c.kv.Range, { key: Buffer.from('k/'), revision: target - 1n })),
    ).rejects.toThrow(/compacted/);
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
      await expect(withClients(m, (c) => unaryWithin(10_000, c.maintenance, c.maintenance.Defragment, {}))).rejects.toThrow();
    });
  });

  it('YAWL_FAILPOINTS=raftBeforeSave=panic at start: dies before serving, restarts clean', async () => {
    const exitsBefore = m.unexpectedExits;
    await m.restart({ env: { YAWL_FAILPOINTS: 'raftBeforeSave=panic' }, waitUntilServing: false });
    // Its first Ready (its own election) saves a hard state.
    await expectCrashAt(m, 'raftBeforeSave', exitsBefore, 20_000);
    await restartCleanAndCheck();
  });

  it('a bad YAWL_FAILPOINTS stops the member at start, saying why', async () => {
    const exitsBefore = m.unexpectedExits;
    await m.restart({ env: { YAWL_FAILPOINTS: 'raftBeforeSave=explode' }, waitUntilServing: false });
    expect(await m.waitForExit(20_000)).toBe(true);
    expect(m.exitStatus?.code).toBe(1);
    expect(m.unexpectedExits).toBe(exitsBefore + 1);
    expect(m.runLog()).toContain('YAWL_FAILPOINTS: bad term "explode": unknown action "explode"');
    await m.restart({ env: { YAWL_FAILPOINTS: 'raftBeforeSaev=panic' }, waitUntilServing: false });
    expect(await m.waitForExit(20_000)).toBe(true);
    expect(m.exitStatus?.code).toBe(1);
    expect(m.unexpectedExits).toBe(exitsBefore + 2);
    expect(m.runLog()).toMatch(/YAWL_FAILPOINTS: unknown failpoint "raftBeforeSaev" \(known: /);
    await restartCleanAndCheck();
  });

  it('YAWL_FAILPOINTS=raftBeforeSave=sleep(50) is a slow disk; the endpoint turns it off', async () => {
    await m.restart({ env: fp.env(m.name, { YAWL_FAILPOINTS: 'raftBeforeSave=sleep(50)' }) });
    expect(await getFailpoints(url())).toContain('raftBeforeSave=sleep(50)\n');
    const timePuts = (n: number): Promise<number> =>
      withClients(m, async (c) => {
        const t0 = performance.now();
        for (let i = 0; i < n; i++) {
          const key = `k/slowdisk/${i}-${Math.round(t0)}`;
          await unaryWithin(5_000, c.kv, c.kv.Put, { key: Buffer.from(key), value: Buffer.from('x') });
          acked.set(key, 'x');
        }
        return (performance.now() - t0) / n;
      });
    // Every put waits for at least one Raft log save, and each save sleeps 50 ms first: a lower bound only,
    // which a busy machine cannot break.
    expect(await timePuts(5)).toBeGreaterThanOrEqual(50);
    const res = await fetch(`${url()}/raftBeforeSave`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await getFailpoints(url(), '/raftBeforeSave')).toBe('off');
    await timePuts(5);
    await expectAllAcked();
    expect(failpointLines(m)).toEqual([]);
  });
});
