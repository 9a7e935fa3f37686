// A backstop for test runs that die before their afterAll: when this worker process exits, SIGKILL every child
// (store member, background etcdctl) that is still alive, so nothing outlives the run on a shared machine.
import type { ChildProcess } from 'node:child_process';

const livePids = new Set<number>();

process.on('exit', () => {
  for (const pid of livePids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Remembers `child` until it exits. */
export function reapOnExit(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  livePids.add(pid);
  child.once('exit', () => livePids.delete(pid));
}
