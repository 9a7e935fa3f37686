// Auto-compaction as etcd 3.4 does it (the leader's compactor proposes an ordinary Compact through Raft):
// - periodic: --auto-compaction-retention is a Go duration ("1s", "5m"; a bare integer means hours). With a
//   retention under an hour the compactor samples the store's revision every retention/10 and, once per
//   retention, compacts at the revision it sampled one retention ago. With "1s" a revision that has been
//   overwritten is compacted within about two seconds.
// - revision: --auto-compaction-retention N keeps the last N revisions, but etcd 3.4 runs that compactor only
//   every 5 minutes (v3compactor.revInterval); within seconds of a start nothing is compacted. The test that
//   waits for the first run takes over 5 minutes and only runs with YAWL_TEST_SLOW=1.
// A retention that does not parse stops the member at start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { unary } from '../api/etcd/grpc-test-kit.js';
import { printLogsOnFailure, sleep, startCluster, type Cluster } from './support/cluster.js';
import { outcome } from './support/grpc-clients.js';
import { freePorts } from './support/ports.js';
import { ctlFails, ctlOk, until, withClients } from './support/ops.js';
import { runCommand } from './support/snapshot-tools.js';
import { availableTargets, ETCD_BINARY, skipWhenNoTargets, YAWL_MAIN } from './support/targets.js';

const targets = availableTargets();
skipWhenNoTargets('auto-compaction.test.ts', targets);

const COMPACTED = { error: { code: 'OUT_OF_RANGE', details: 'etcdserver: mvcc: required revision has been compacted' } };
/** etcd 3.4's revision compactor period. */
const REVISION_COMPACTOR_INTERVAL_MS = 5 * 60_000;

async function putAll(cluster: Cluster, key: string, values: readonly string[]): Promise<bigint[]> {
  return withClients(cluster.members[0]!, async (c) => {
    const revisions: bigint[] = [];
    for (const value of values) revisions.push((await unary(c.kv, c.kv.Put, { key: Buffer.from(key), value: Buffer.from(value) })).header.revision);
    return revisions;
  });
}

describe.each(targets)('periodic auto-compaction with a 1s retention (%s)', (kind) => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster(kind, 3, { extraFlags: ['--auto-compaction-mode', 'periodic', '--auto-compaction-retention', '1s'] });
  });
  afterAll(async () => {
    await cluster?.stopAll();
  });
  printLogsOnFailure(() => [cluster]);

  test('old revisions are compacted within seconds, on every member; the latest stays', async () => {
    const revisions = await putAll(cluster, 'periodic/k', ['v1', 'v2', 'v3', 'v4', 'v5']);
    const [first, , , , last] = revisions as [bigint, bigint, bigint, bigint, bigint];
    const wrote = Date.now();

    const failure = await until(
      `revision ${first} to be compacted`,
      async () => {
        const result = await ctlFails(cluster.endpoints, ['get', 'periodic/k', '--rev', String(first)]).catch(() => undefined);
        return result;
      },
      10_000,
      { intervalMs: 100 },
    );
    console.log(`${kind}: revision ${first} compacted ${Date.now() - wrote} ms after it was written`);
    expect(failure).toEqual({ exitCode: 1, grpcCode: 'OutOfRange', message: 'etcdserver: mvcc: required revision has been compacted' });

    // With no more writes the compactor settles on the current revision: everything older goes, on every
    // member (the compaction went through Raft), and the current value and its revision stay readable.
    for (const member of cluster.members) {
      await until(
        `${member.name} to compact up to ${last}`,
        async () => {
          const hash = await withClients(member, (c) => unary(c.maintenance, c.maintenance.HashKV, { revision: 0n }));
          return hash.compact_revision === last ? hash : undefined;
        },
        10_000,
      );
      await withClients(member, async (c) => {
        expect(await outcome(unary(c.kv, c.kv.Range, { key: Buffer.from('periodic/k'), revision: last - 1n }))).toEqual(COMPACTED);
        const atLast = await unary(c.kv, c.kv.Range, { key: Buffer.from('periodic/k'), revision: last });
        expect(atLast.kvs.map((kv) => [kv.value.toString(), kv.mod_revision, kv.version])).toEqual([['v5', last, 5n]]);
      });
    }
    expect(await ctlOk(cluster.endpoints, ['get', 'periodic/k', '--print-value-only'])).toBe('v5\n');

    // Compacting by hand below what the compactor did is refused like any compaction of the past.
    expect(await ctlFails(cluster.endpoints, ['compaction', String(first)])).toEqual({
      exitCode: 1,
      grpcCode: 'OutOfRange',
      message: 'etcdserver: mvcc: required revision has been compacted',
    });
  });
});

describe.each(targets)('revision auto-compaction with a retention of 10 (%s)', (kind) => {
  let cluster: Cluster;
  let started: number;

  beforeAll(async () => {
    started = Date.now();
    cluster = await startCluster(kind, 3, { extraFlags: ['--auto-compaction-mode', 'revision', '--auto-compaction-retention', '10'] });
  });
  afterAll(async () => {
    await cluster?.stopAll();
  });
  printLogsOnFailure(() => [cluster]);

  test('the revision compactor does not run in the first seconds (etcd 3.4 runs it every 5 minutes)', async () => {
    const revisions = await putAll(cluster, 'revision/k', Array.from({ length: 30 }, (_, i) => `v${i + 1}`));
    await sleep(3_000);
    for (const member of cluster.members) {
      await withClients(member, async (c) => {
        const oldest = await unary(c.kv, c.kv.Range, { key: Buffer.from('revision/k'), revision: revisions[0]! });
        expect(oldest.kvs.map((kv) => kv.value.toString())).toEqual(['v1']);
        // HashKV reports compact_revision -1 for a store that was never compacted.
        expect((await unary(c.maintenance, c.maintenance.HashKV, { revision: 0n })).compact_revision).toBe(-1n);
      });
    }
  });

  test.skipIf(!process.env.YAWL_TEST_SLOW)(
    'after its 5-minute period it compacts to the current revision minus 10 (YAWL_TEST_SLOW=1)',
    async () => {
      const current = (await withClients(cluster.members[0]!, (c) => unary(c.kv, c.kv.Range, { key: Buffer.from('revision/k') }))).header.revision;
      const wait = REVISION_COMPACTOR_INTERVAL_MS - (Date.now() - started);
      await sleep(Math.max(0, wait));
      for (const member of cluster.members) {
        const hash = await until(
          `${member.name} to compact`,
          async () => {
            const h = await withClients(member, (c) => unary(c.maintenance, c.maintenance.HashKV, { revision: 0n }));
            return h.compact_revision !== -1n ? h : undefined;
          },
          60_000,
          { intervalMs: 1_000 },
        );
        expect(hash.compact_revision).toBe(current - 10n);
        await withClients(member, async (c) => {
          expect(await outcome(unary(c.kv, c.kv.Range, { key: Buffer.from('revision/k'), revision: current - 11n }))).toEqual(COMPACTED);
          const kept = await unary(c.kv, c.kv.Range, { key: Buffer.from('revision/k'), revision: current - 10n });
          expect(kept.kvs).toHaveLength(1);
        });
      }
    },
    REVISION_COMPACTOR_INTERVAL_MS + 120_000,
  );
});

describe.each(targets)('a retention that does not parse (%s)', (kind) => {
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `yawl-test-retention-${kind}-`));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('--auto-compaction-retention 1x: the member refuses to start', async () => {
    const [client, peer] = (await freePorts(2)) as [number, number];
    const flags = [
      '--name', 'bad',
      '--data-dir', join(dir!, 'data'),
      '--listen-client-urls', `http://127.0.0.1:${client}`,
      '--advertise-client-urls', `http://127.0.0.1:${client}`,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `bad=http://127.0.0.1:${peer}`,
      '--auto-compaction-mode', 'periodic',
      '--auto-compaction-retention', '1x',
    ];
    // Should it start after all, the timeout SIGKILLs it and the exit code below fails the test.
    const result = kind === 'etcd' ? await runCommand(ETCD_BINARY, flags, 10_000) : await runCommand(process.execPath, [YAWL_MAIN, 'store', ...flags], 10_000);
    expect(result.timedOut).toBe(false);
    expect(result.code).toBe(1);
    const output = result.stdout + result.stderr;
    if (kind === 'etcd') expect(output).toContain('etcdmain: error parsing CompactionRetention: time: unknown unit "x" in duration "1x"');
    else expect(output).toContain('1x');
  });
});
