// Which store implementations a test file can run against: the real etcd 3.4 when its binary is installed, and
// `yawl store` once it is built and answers `--help`. Files describe.each over availableTargets() so that the
// same expectations, checked first against etcd, are then held against yawl.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'vitest';
import { REAL_ETCDCTL_BINARY, REAL_ETCD_BINARY } from '../../api/etcd/real-etcd.js';
import { YAWL_MAIN, type ClusterKind } from '../../chaos/cluster/binaries.js';

export { REPO_ROOT, YAWL_MAIN, type ClusterKind } from '../../chaos/cluster/binaries.js';
export const ETCD_BINARY = REAL_ETCD_BINARY;
export const ETCDCTL_BINARY = REAL_ETCDCTL_BINARY;

export function etcdAvailable(): boolean {
  return existsSync(ETCD_BINARY) && existsSync(ETCDCTL_BINARY);
}

let yawlChecked: boolean | undefined;
/**
 * Built, and `store --help` succeeds describing the store's own flags. The exit code alone proves nothing:
 * commander handles --help before it notices that `store` is not a command, and exits 0 with the top-level help.
 */
export function yawlAvailable(): boolean {
  if (yawlChecked === undefined) {
    const help = existsSync(YAWL_MAIN)
      ? spawnSync(process.execPath, [YAWL_MAIN, 'store', '--help'], { encoding: 'utf8', timeout: 20_000 })
      : undefined;
    yawlChecked = help !== undefined && help.status === 0 && help.stdout.includes('--initial-cluster');
  }
  return yawlChecked;
}

/**
 * etcdctl drives every cluster, so nothing runs without it; etcd itself first, since it defines "right".
 * YAWL_TEST_TARGETS=etcd (or yawl) narrows the list, e.g. to vet a change to the expectations against etcd alone.
 */
export function availableTargets(): ClusterKind[] {
  if (!existsSync(ETCDCTL_BINARY)) return [];
  const wanted = process.env.YAWL_TEST_TARGETS?.split(',');
  const targets: ClusterKind[] = [];
  if (existsSync(ETCD_BINARY)) targets.push('etcd');
  if (yawlAvailable()) targets.push('yawl');
  return wanted ? targets.filter((kind) => wanted.includes(kind)) : targets;
}

/** Says once, loudly, which targets a file skips and why, so a green run cannot hide an untested yawl. */
export function reportSkippedTargets(file: string): void {
  if (!existsSync(ETCDCTL_BINARY)) console.warn(`${file}: SKIPPED: ${ETCDCTL_BINARY} is missing (apt-get install etcd-client)`);
  if (!existsSync(ETCD_BINARY)) console.warn(`${file}: etcd target SKIPPED: ${ETCD_BINARY} is missing (apt-get install etcd-server)`);
  if (!yawlAvailable()) {
    console.warn(`${file}: yawl target SKIPPED: ${YAWL_MAIN} is missing or has no \`store\` command (npm run build)`);
  }
}

/**
 * describe.each([]) fails a file with "no tests"; when no target is available, register one visibly skipped
 * test instead, titled with the reason.
 */
export function skipWhenNoTargets(file: string, targets: readonly ClusterKind[]): void {
  reportSkippedTargets(file);
  if (targets.length === 0) test.skip(`${file}: SKIPPED, no target available (needs ${ETCDCTL_BINARY})`, () => {});
}
