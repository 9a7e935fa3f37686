import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateDb } from '../backend/state-db.js';
import { KvStore } from '../mvcc/kv-store.js';
import { ConfigError } from '../raft/errors.js';
import { parseInitialCluster } from '../server/config.js';
import { clusterIdFor } from '../server/ids.js';
import { isEmptyLog } from '../storage/bootstrap.js';
import { RaftLogStore } from '../storage/raft-log-store.js';
import { SnapshotFormatError, SnapshotRestoreError } from './errors.js';
import { memberDataPaths, restoreSnapshot, type RestoreOptions } from './restore.js';
import { contents, exportBytes, writeEverything } from './snapshot-test-kit.js';

const INITIAL_CLUSTER = 'n1=http://127.0.0.1:12380,n2=http://127.0.0.1:22380,n3=http://127.0.0.1:32380';
const TOKEN = 'restored-cluster';

let dir: string;
let file: string;
let original: ReturnType<typeof contents>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yawl-restore-'));
  const db = await StateDb.open(join(dir, 'source'));
  await writeEverything(db);
  original = contents(db);
  await writeFile((file = join(dir, 'backup.db')), await exportBytes(db));
  await db.close();
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function options(name: string, peerPort: number, more: Partial<RestoreOptions> = {}): RestoreOptions {
  return {
    snapshotPath: file,
    name,
    dataDir: join(dir, `${name}.etcd`),
    initialCluster: INITIAL_CLUSTER,
    initialClusterToken: TOKEN,
    initialAdvertisePeerUrls: `http://127.0.0.1:${peerPort}`,
    ...more,
  };
}

describe('restoreSnapshot', () => {
  it('builds a new member data dir: the new cluster’s membership and ids, every key and revision of the backup', async () => {
    const restored = await restoreSnapshot(options('n2', 22380));
    const members = parseInitialCluster(INITIAL_CLUSTER, TOKEN);
    const ids = members.map((m) => m.id);
    expect(restored).toMatchObject({ memberId: members[1]!.id, clusterId: clusterIdFor(ids), revision: 5, records: 17 });

    const paths = memberDataPaths(restored.dataDir);
    const db = await StateDb.open(paths.stateDb);
    try {
      const state = contents(db);
      // Kept byte for byte.
      expect(state.records).toEqual(original.records);
      expect(state.compactRevision).toBe(2);
      expect(state.leases).toEqual(original.leases);
      expect(state.meta.find(([name]) => name === 'raw')).toEqual(['raw', Buffer.from([0, 1, 2])]);
      // Replaced: the new cluster's members, ids and token; the old alarms are gone; the bootstrap index.
      expect(state.members).toEqual(members.map((m) => ({ id: m.id, name: m.name, peerURLs: m.peerUrls, clientURLs: [], isLearner: false })).sort((a, b) => a.id - b.id));
      expect(db.meta.get('clusterId')).toBe(clusterIdFor(ids));
      expect(db.meta.get('clusterToken')).toBe(TOKEN);
      expect(state.alarms).toEqual([]);
      expect(state.consistent).toEqual({ index: 1, term: 1 });
      // The MVCC store a member builds over it serves the backup's keys at their revisions.
      const store = new KvStore({ backend: db.mvcc });
      expect(store.currentRevision).toBe(5);
      expect(store.compactRevision).toBe(2);
      const all = store.range(Buffer.from([0]), Buffer.from([0]));
      expect(all.kvs.map((kv) => [Buffer.from(kv.key).toString(), kv.createRevision, kv.modRevision, kv.version])).toEqual([
        ['b', 3, 5, 2],
        ['c', 3, 3, 1],
      ]);
    } finally {
      await db.close();
    }

    const log = await RaftLogStore.open(paths.wal);
    try {
      expect(isEmptyLog(log)).toBe(false); // so `yawl store` restarts from it rather than bootstrapping anew
      expect(log.snapshot().metadata).toEqual({ index: 1, term: 1, confState: { voters: ids, learners: [] } });
      expect(log.initialState().hardState).toEqual({ term: 1, vote: 0, commit: 1 });
      expect(log.lastIndex()).toBe(1);
    } finally {
      await log.close();
    }
  });

  it('gives every member of the new cluster the same state, differing only in who it is', async () => {
    const a = await restoreSnapshot(options('n1', 12380));
    const b = await restoreSnapshot(options('n3', 32380));
    expect(a.clusterId).toBe(b.clusterId);
    expect(a.memberId).not.toBe(b.memberId);
    const read = async (dataDir: string) => {
      const db = await StateDb.open(memberDataPaths(dataDir).stateDb);
      try {
        return contents(db);
      } finally {
        await db.close();
      }
    };
    expect(await read(a.dataDir)).toEqual(await read(b.dataDir));
  });

  it('restores into an existing empty directory, and refuses one with anything in it', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await restoreSnapshot(options('n1', 12380, { dataDir: empty }));
    expect(await readdir(empty)).toEqual(['member']);
    await expect(restoreSnapshot(options('n1', 12380, { dataDir: empty }))).rejects.toBeInstanceOf(SnapshotRestoreError);
    await expect(restoreSnapshot(options('n1', 12380, { dataDir: empty }))).rejects.toThrow(`data-dir ${JSON.stringify(empty)} exists`);
  });

  it('refuses flags `yawl store` would refuse, before touching anything', async () => {
    await expect(restoreSnapshot(options('n9', 12380))).rejects.toBeInstanceOf(ConfigError);
    await expect(restoreSnapshot(options('n1', 22380))).rejects.toThrow(/missing from --initial-advertise-peer-urls/);
    expect(existsSync(join(dir, 'n9.etcd'))).toBe(false);
    expect(existsSync(join(dir, 'n1.etcd'))).toBe(false);
  });

  it('refuses a corrupt backup and leaves no data dir behind; --skip-hash-check takes a bad digest only', async () => {
    const bytes = await import('node:fs/promises').then((fs) => fs.readFile(file));
    const badDigest = Buffer.from(bytes);
    badDigest[badDigest.length - 1] = badDigest[badDigest.length - 1]! ^ 1;
    await writeFile(file, badDigest);
    await expect(restoreSnapshot(options('n1', 12380))).rejects.toMatchObject({ problem: 'checksum-mismatch' });
    expect(existsSync(join(dir, 'n1.etcd'))).toBe(false);

    const empty = join(dir, 'kept-empty');
    await mkdir(empty);
    await expect(restoreSnapshot(options('n1', 12380, { dataDir: empty }))).rejects.toBeInstanceOf(SnapshotFormatError);
    expect(await readdir(empty)).toEqual([]);

    await restoreSnapshot(options('n1', 12380, { skipHashCheck: true }));
    expect(existsSync(memberDataPaths(join(dir, 'n1.etcd')).wal)).toBe(true);

    const cut = bytes.subarray(0, bytes.length - 100);
    await writeFile(file, cut);
    await expect(restoreSnapshot(options('n2', 22380, { skipHashCheck: true }))).rejects.toMatchObject({ problem: 'truncated' });
    expect(existsSync(join(dir, 'n2.etcd'))).toBe(false);
  });

  it('refuses a backup it cannot read before creating anything', async () => {
    await expect(restoreSnapshot(options('n1', 12380, { snapshotPath: join(dir, 'missing.db') }))).rejects.toThrow(`stat ${join(dir, 'missing.db')}: no such file or directory`);
    expect(existsSync(join(dir, 'n1.etcd'))).toBe(false);
  });

  it('defaults the data dir to <name>.etcd, as etcd does', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const restored = await restoreSnapshot({ ...options('n1', 12380), dataDir: undefined });
      expect(restored.dataDir).toBe('n1.etcd');
      expect(existsSync(join(dir, 'n1.etcd', 'member', 'wal'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });
});
