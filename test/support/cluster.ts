// The launcher lives in chaos/cluster, shared with `yawl chaos`; tests add a hook that prints the members' log
// tails when a test fails: the first thing anyone needs when a cluster misbehaves, gone once the temp dir is.
import { afterEach } from 'vitest';
import type { Cluster } from '../../chaos/cluster/launcher.js';

export * from '../../chaos/cluster/launcher.js';

export function printLogsOnFailure(clusters: () => readonly (Cluster | undefined)[]): void {
  afterEach((context) => {
    if (context.task.result?.state !== 'fail') return;
    for (const cluster of clusters()) if (cluster) console.error(cluster.logTails());
  });
}
