// Backup and restore as an operator does it: `etcdctl snapshot save` from one member of a running cluster,
// `snapshot status` on the file, then `snapshot restore` once per member of a brand-new 3-member cluster (new
// names, peer URLs, token), which then starts on those data dirs. etcd files go through etcdctl; yawl files
// through `yawl store snapshot status|restore` with etcdctl's flags. The restored cluster must hold the same
// store: every key with its value, create and mod revision, version and lease; the same current revision, the
// same history above the compaction point (and the same compaction), the same leases, the same HashKV.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { unary } from '../api/etcd/grpc-test-kit.js';
import { printLogsOnFailure, startCluster, type Cluster, type ClusterPlan } from './support/cluster.js';
import { outcome } from './support/grpc-clients.js';
import { ctlFailure, ctlJson, ctlOk, readPrefix, withClients, type StoredKey } from './support/ops.js';
import { restoreSnapshot, snapshotTool, type SnapshotStatus } from './support/snapshot-tools.js';
import { availableTargets, skipWhenNoTargets } from './support/targets.js';

const targets = availableTargets();
skipWhenNoTargets('backup-restore.test.ts', targets);

const LEASE_TTL = 600n;
const COMPACTED_AT = 4n;
const BINARY_VALUE = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

interface MemberJson {
  ID: bigint;
  name?: string;
  peerURLs: string[];
  clientURLs?: string[];
}

describe.each(targets)('snapshot save, status and restore into a new cluster (%s)', (kind) => {
  let source: Cluster | undefined;
  let restored: Cluster | undefined;
  let dir: string;
  let file: string;
  let plan: ClusterPlan | undefined;

  // What the source held when the snapshot was taken.
  let revision: bigint;
  let all: StoredKey[];
  let atSix: StoredKey[];
  let leaseId: bigint;
  let sourceHash: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `yawl-test-backup-${kind}-`));
    file = join(dir, 'backup.db');
    source = await startCluster(kind, 3);
    const n1 = source.members[0]!;
    await withClients(n1, async (c) => {
      const put = (key: string, value: string | Buffer, lease = 0n) =>
        unary(c.kv, c.kv.Put, { key: Buffer.from(key), value: typeof value === 'string' ? Buffer.from(value) : value, lease });
      await put('br/a', 'a1'); // 2
      await put('br/b', 'b1'); // 3
      await put('br/a', 'a2'); // 4
      await unary(c.kv, c.kv.DeleteRange, { key: Buffer.from('br/b') }); // 5
      await unary(c.kv, c.kv.Txn, {
        success: [{ request_put: { key: Buffer.from('br/c'), value: Buffer.from('c1') } }, { request_put: { key: Buffer.from('br/d'), value: Buffer.from('d1') } }],
      }); // 6
      leaseId = (await unary(c.lease, c.lease.LeaseGrant, { TTL: LEASE_TTL })).ID;
      await put('br/leased', 'on a lease', leaseId); // 7
      await put('br/a', 'a3'); // 8
      await unary(c.kv, c.kv.Compact, { revision: COMPACTED_AT, physical: true });
      await put('br/binary', BINARY_VALUE); // 9
    });
    const now = await readPrefix(n1, '');
    revision = now.revision;
    expect(revision).toBe(9n);
    all = now.kvs;
    atSix = (await readPrefix(n1, '', { revision: 6n })).kvs;
    sourceHash = (await withClients(n1, (c) => unary(c.maintenance, c.maintenance.HashKV, { revision }))).hash;
  });
  afterAll(async () => {
    await restored?.stopAll();
    await source?.stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  printLogsOnFailure(() => [source, restored]);

  test('etcdctl snapshot save from one member of the running cluster', async () => {
    // A snapshot comes from exactly one member; a follower will do.
    const save = await ctlOk([source!.members[1]!.endpoint], ['snapshot', 'save', file]);
    expect(save).toBe(`Snapshot saved at ${file}\n`);
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}.part`)).toBe(false);
  });

  test('snapshot status reports the revision and the key count', async () => {
    const json = await snapshotTool(kind, ['status', file, '-w', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const status = JSON.parse(json.stdout) as SnapshotStatus;
    expect(status.revision).toBe(Number(revision));
    if (kind === 'etcd') {
      // Every key of every bbolt bucket: 8 MVCC revisions (2..9, less the ones compaction dropped: none here, as
      // each revision up to 4 is still its key's latest at 4 or later), meta (consistent_index,
      // scheduledCompactRev, finishedCompactRev), 3 members, 1 lease, auth (authRevision), cluster (clusterVersion).
      expect(status.totalKey).toBe(8 + 3 + 3 + 1 + 1 + 1);
    } else {
      expect(status.totalKey).toBeGreaterThanOrEqual(all.length);
    }
    expect(status.totalSize).toBeGreaterThan(0);
    // The simple format: hash in hex, revision, total keys, humanised size.
    const simple = await snapshotTool(kind, ['status', file]);
    expect(simple.code, simple.stderr).toBe(0);
    expect(simple.stdout).toMatch(new RegExp(`^${status.hash.toString(16)}, ${status.revision}, ${status.totalKey}, [0-9.]+ [kMG]?B\\n$`));
    // A file that is not a snapshot.
    const missing = await snapshotTool(kind, ['status', join(dir, 'nothing-here.db')]);
    expect(missing.code).toBe(1);
    expect(ctlFailure(missing).message).toBe(`stat ${join(dir, 'nothing-here.db')}: no such file or directory`);
  });

  test('restore per member into a new cluster: same keys, revisions, versions, leases, history and hash', async () => {
    restored = await startCluster(kind, 3, {
      beforeStart: async (p) => {
        plan = p;
        for (const member of p.members) {
          const result = await restoreSnapshot(kind, file, { ...member, initialCluster: p.initialCluster, token: p.token });
          expect(result.code, `restore for ${member.name}:\n${result.stderr}`).toBe(0);
          expect(result.stdout).toBe('');
          expect(existsSync(member.dataDir)).toBe(true);
        }
      },
    });
    expect(restored.clusterId).not.toBe(source!.clusterId);

    for (const member of restored.members) {
      const read = await readPrefix(member, '');
      expect(read.revision, `revision on ${member.name}`).toBe(revision);
      expect(read.kvs, `keys on ${member.name}`).toEqual(all);
      // History above the compaction point is there, below it is compacted, as on the source.
      expect((await readPrefix(member, '', { revision: 6n })).kvs).toEqual(atSix);
      await withClients(member, async (c) => {
        expect(await outcome(unary(c.kv, c.kv.Range, { key: Buffer.from('br/a'), revision: COMPACTED_AT - 1n }))).toEqual({
          error: { code: 'OUT_OF_RANGE', details: 'etcdserver: mvcc: required revision has been compacted' },
        });
        const hash = await unary(c.maintenance, c.maintenance.HashKV, { revision });
        expect(hash.hash, `HashKV at ${revision} on ${member.name}`).toBe(sourceHash);
        expect(hash.compact_revision).toBe(COMPACTED_AT);
      });
    }
    const binary = all.find((kv) => kv.key === 'br/binary');
    expect(binary).toMatchObject({ create_revision: 9, mod_revision: 9, version: 1 });
    expect(all.find((kv) => kv.key === 'br/a')).toMatchObject({ value: 'a3', create_revision: 2, mod_revision: 8, version: 3 });

    // The lease came along, with its key and its granted TTL.
    await withClients(restored.members[2]!, async (c) => {
      const ttl = await unary(c.lease, c.lease.LeaseTimeToLive, { ID: leaseId, keys: true });
      expect(ttl.grantedTTL).toBe(LEASE_TTL);
      expect(ttl.TTL).toBeGreaterThan(0n);
      expect(ttl.keys.map((k) => k.toString())).toEqual(['br/leased']);
      const leases = await unary(c.lease, c.lease.LeaseLeases, {});
      expect(leases.leases.map((l) => l.ID)).toEqual([leaseId]);
    });

    // The membership is the new one, from --initial-cluster.
    const list = await ctlJson<{ members: MemberJson[] }>([restored.members[0]!.endpoint], ['member', 'list']);
    expect(list.members.map((m) => [m.name, m.peerURLs, m.clientURLs]).sort()).toEqual(
      restored.members.map((m) => [m.name, [m.peerUrl], [m.clientUrl]]).sort(),
    );

    // And it carries on from the restored revision.
    const put = await ctlJson<{ header: { revision: number } }>([restored.members[1]!.endpoint], ['put', 'br/after-restore', 'new']);
    expect(put.header.revision).toBe(Number(revision) + 1);
  });

  test('restore refuses a data dir that exists', async () => {
    expect(plan).toBeDefined();
    const member = plan!.members[0]!;
    const again = await restoreSnapshot(kind, file, { ...member, initialCluster: plan!.initialCluster, token: plan!.token });
    expect(again.code).toBe(1);
    expect(ctlFailure(again).message).toBe(`data-dir "${member.dataDir}" exists`);
  });
});
