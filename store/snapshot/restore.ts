// `yawl store snapshot restore`: the data directory of a member of a NEW cluster, built from a backup, as
// `etcdctl snapshot restore` builds one for etcd. Start `yawl store` on it with the same --name,
// --initial-cluster, --initial-cluster-token and --initial-advertise-peer-urls: its Raft log is not empty, so
// the member restarts from it (a restarting member ignores --initial-cluster-state) and serves the backup's
// keys at their revisions.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ETCD_DEFAULTS, type InitialMember, validateStoreConfig } from '../server/config.js';
import { clusterIdFor } from '../server/ids.js';
import { bootstrapNewMember } from '../storage/bootstrap.js';
import { RaftLogStore } from '../storage/raft-log-store.js';
import { SnapshotRestoreError } from './errors.js';
import { importStateSnapshot } from './import.js';
import { newClusterRewrite } from './restore-rewrite.js';
import { checkSnapshotFile, readSnapshotFile } from './status.js';

export interface RestoreOptions {
  readonly snapshotPath: string;
  readonly name: string;
  /** Default `<name>.etcd`, as etcd's. */
  readonly dataDir?: string;
  /** etcd's form: name=peerURL,... */
  readonly initialCluster: string;
  readonly initialClusterToken: string;
  /** Comma-separated; must be this member's URLs in --initial-cluster. */
  readonly initialAdvertisePeerUrls: string;
  /** Restore even if the digest does not match (structure and records are still checked). */
  readonly skipHashCheck?: boolean;
}

export interface RestoreResult {
  readonly dataDir: string;
  readonly memberId: number;
  readonly clusterId: bigint;
  readonly members: readonly InitialMember[];
  readonly revision: number;
  readonly records: number;
}

/** Where a member keeps its Raft log and its state DB under its data dir (as Member.start opens them). */
export function memberDataPaths(dataDir: string): { readonly wal: string; readonly stateDb: string } {
  return { wal: join(dataDir, 'member', 'wal'), stateDb: join(dataDir, 'member', 'snap', 'db') };
}

/**
 * Throws ConfigError for flags `yawl store` would refuse, SnapshotFileError for a backup it cannot read,
 * SnapshotRestoreError for a data dir that exists and is not empty, SnapshotFormatError for a bad backup. On
 * any failure, what it created is removed again.
 */
export async function restoreSnapshot(options: RestoreOptions): Promise<RestoreResult> {
  // The member's own validation: ids, cluster id and URL rules are exactly the ones `yawl store` will use.
  const cfg = validateStoreConfig({
    ...ETCD_DEFAULTS,
    name: options.name,
    dataDir: options.dataDir,
    initialCluster: options.initialCluster,
    initialClusterToken: options.initialClusterToken,
    initialAdvertisePeerUrls: options.initialAdvertisePeerUrls,
  });
  const dataDir = cfg.dataDir;
  await checkSnapshotFile(options.snapshotPath);
  const created = await claimDataDir(dataDir);
  try {
    const ids = cfg.initialCluster.map((m) => m.id);
    const clusterId = clusterIdFor(ids);
    const paths = memberDataPaths(dataDir);
    const imported = await importStateSnapshot(readSnapshotFile(options.snapshotPath), paths.stateDb, {
      verifyDigest: options.skipHashCheck !== true,
      rewrite: newClusterRewrite(cfg.initialCluster, clusterId, cfg.initialClusterToken),
    });
    // The log last: until it holds the bootstrap snapshot the directory is not a member's data.
    const log = await RaftLogStore.open(paths.wal);
    try {
      await bootstrapNewMember(log, { voters: ids, learners: [] });
    } finally {
      await log.close();
    }
    return { dataDir, memberId: cfg.memberId, clusterId, members: cfg.initialCluster, revision: imported.revision, records: imported.records };
  } catch (e) {
    await undoDataDir(dataDir, created);
    throw e;
  }
}

/** Refuses a data dir with anything in it; returns whether this restore created it. */
async function claimDataDir(dataDir: string): Promise<boolean> {
  if (existsSync(dataDir)) {
    const isEmptyDir = (await stat(dataDir)).isDirectory() && (await readdir(dataDir)).length === 0;
    // etcdctl 3.4's words; unlike 3.4 (and like 3.5) an empty directory is taken, a mount point for instance.
    if (!isEmptyDir) throw new SnapshotRestoreError(`data-dir ${JSON.stringify(dataDir)} exists`);
    return false;
  }
  await mkdir(dataDir, { recursive: true });
  return true;
}

async function undoDataDir(dataDir: string, created: boolean): Promise<void> {
  if (created) {
    await rm(dataDir, { recursive: true, force: true });
    return;
  }
  // It was empty before: empty it again.
  for (const name of await readdir(dataDir)) await rm(join(dataDir, name), { recursive: true, force: true });
}
