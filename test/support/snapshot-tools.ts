// Offline snapshot tools for each kind: a snapshot file saved from an etcd cluster is a bbolt database, read and
// restored by `etcdctl snapshot status|restore`; one saved from a yawl cluster (through the same Maintenance.
// Snapshot stream, so `etcdctl snapshot save` works on both) is yawl's own format, read by `yawl store snapshot
// status|restore`, which take etcdctl's flags and print etcdctl's output.
import { spawn } from 'node:child_process';
import type { CtlResult } from './etcdctl.js';
import { reapOnExit } from './reaper.js';
import { ETCDCTL_BINARY, YAWL_MAIN, type ClusterKind } from './targets.js';

const DEFAULT_TIMEOUT_MS = 30_000;

/** Runs a command to completion (SIGKILL by pid after timeoutMs); never rejects for a non-zero exit. */
export function runCommand(command: string, args: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<CtlResult> {
  return new Promise((resolve, reject) => {
    // ETCDCTL_* and ETCD_* in the developer's shell would change what runs.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ETCD')));
    const child = spawn(command, args, { env: { ...env, ETCDCTL_API: '3' }, stdio: ['ignore', 'pipe', 'pipe'] });
    reapOnExit(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
      }
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** `etcdctl snapshot <args>` for etcd files, `node dist/cli/main.js store snapshot <args>` for yawl files. */
export function snapshotTool(kind: ClusterKind, args: readonly string[]): Promise<CtlResult> {
  return kind === 'etcd'
    ? runCommand(ETCDCTL_BINARY, ['snapshot', ...args])
    : runCommand(process.execPath, [YAWL_MAIN, 'store', 'snapshot', ...args]);
}

export interface RestoreTarget {
  readonly name: string;
  readonly initialCluster: string;
  readonly token: string;
  readonly peerUrl: string;
  readonly dataDir: string;
}

/** The restore command line is etcdctl's, flag for flag, for both kinds. */
export function restoreSnapshot(kind: ClusterKind, file: string, target: RestoreTarget): Promise<CtlResult> {
  return snapshotTool(kind, [
    'restore', file,
    '--name', target.name,
    '--initial-cluster', target.initialCluster,
    '--initial-cluster-token', target.token,
    '--initial-advertise-peer-urls', target.peerUrl,
    '--data-dir', target.dataDir,
  ]);
}

/** `snapshot status -w json`: etcdctl prints {"hash":..,"revision":..,"totalKey":..,"totalSize":..}. */
export interface SnapshotStatus {
  hash: number;
  revision: number;
  totalKey: number;
  totalSize: number;
}
