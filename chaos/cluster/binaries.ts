// Where the two store implementations a cluster can run live: the real etcd binary, and our own build.
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ClusterKind = 'etcd' | 'yawl';

const here = fileURLToPath(new URL('.', import.meta.url));
/** This file runs from chaos/cluster (tests, via vitest) or from dist/chaos/cluster (the built CLI). */
export const REPO_ROOT = join(here, here.includes(`${sep}dist${sep}`) ? '../../..' : '../..');
export const YAWL_MAIN = join(REPO_ROOT, 'dist', 'cli', 'main.js');

/** YAWL_ETCD_BINARY picks an etcd build; otherwise Debian's etcd-server, else whatever `etcd` is on PATH. */
export function etcdBinary(): string {
  const chosen = process.env.YAWL_ETCD_BINARY;
  if (chosen) return chosen;
  return existsSync('/usr/bin/etcd') ? '/usr/bin/etcd' : 'etcd';
}
