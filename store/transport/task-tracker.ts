/**
 * Work the transport started that outlives a socket: a snapshot being read from the member's openSnapshot
 * iterable, a member's receiveSnapshot writing one to disk. stop() closes the sockets, which makes each of these
 * end promptly (the writer stops and closes the member's iterable; the reader's next chunk throws), and then
 * waits for them here, so that once stop() resolves the member may close its state database: nothing of ours
 * reads from it or writes through it any more.
 */
export class TaskTracker {
  private readonly running = new Set<Promise<void>>();

  /** Failures are the task's own business (it reports them); here only its end matters. */
  track(task: Promise<unknown>): void {
    const settled = task.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves once every tracked task has settled, including any started while waiting. */
  async settleAll(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
