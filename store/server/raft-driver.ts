// The I/O around the pure Raft core: a timer ticks it, the transport steps it, and one loop turns each Ready
// into work in the order that keeps acknowledged writes safe: persist (one synced LevelDB batch), send, apply,
// advance; a leader sends before it persists (see loop). Input that arrives while a Ready is being persisted is
// stepped at once and lands in the next Ready.
import type { Logger } from 'pino';
import { failpoint, failpointsActive } from '../failpoints/registry.js';
import { RawNode } from '../raft/rawnode.js';
import type { Entry, HardState, Message, NodeId, Ready, ReadState, Snapshot, SoftState } from '../raft/types.js';
import type { PersistentLog } from '../storage/persistent-log.js';

export interface RaftDriverHooks {
  send(messages: Message[]): void;
  /** Apply a snapshot (if any) then committed entries, in order; resolves when applied. */
  apply(entries: Entry[], snapshot: Snapshot | undefined): Promise<void> | void;
  softState(ss: SoftState): void;
  readStates(rs: ReadState[]): void;
}

export class RaftDriver {
  private ticker: NodeJS.Timeout | undefined;
  private running = false;
  private scheduled = false;
  private stopped = false;
  /** Resolves when the loop has nothing more to do; awaited by stop(). */
  private loopDone: Promise<void> = Promise.resolve();
  private fatal: ((e: unknown) => void) | undefined;
  /** The hard state as last saved (or queued to be saved), to tell a new term or vote from a commit. */
  private hardState: HardState;

  constructor(
    readonly node: RawNode,
    private readonly log: PersistentLog,
    private readonly tickMs: number,
    private readonly hooks: RaftDriverHooks,
    private readonly logger: Logger,
  ) {
    this.hardState = log.initialState().hardState;
  }

  start(onFatal: (e: unknown) => void): void {
    this.fatal = onFatal;
    this.ticker = setInterval(() => {
      this.node.tick();
      this.kick();
    }, this.tickMs);
  }

  /** Step a message from a peer. */
  step(m: Message): void {
    if (this.stopped) return;
    this.node.step(m);
    this.kick();
  }

  /** Run `fn` against the node (propose, readIndex, transfer...) and process what it produced. */
  withNode<T>(fn: (node: RawNode) => T): T {
    const out = fn(this.node);
    this.kick();
    return out;
  }

  reportUnreachable(id: NodeId): void {
    this.node.reportUnreachable(id);
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    this.node.reportSnapshot(id, ok);
    this.kick();
  }

  /** Schedule the Ready loop; many inputs in one event-loop turn share one Ready (and one fsync). */
  kick(): void {
    if (this.scheduled || this.running || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.running) this.loopDone = this.loop();
    });
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (!this.stopped && this.node.hasReady()) {
        const rd = this.node.ready();
        if (rd.softState) this.hooks.softState(rd.softState);
        // A leader may replicate entries while it writes them itself (Raft thesis 10.2.1, as etcd does): its own
        // vote in the commit quorum is implied, but nothing is acknowledged and no commit index leaves before
        // this loop has saved them, because both happen only in a later Ready. A Ready that changes the term or
        // vote still saves first: a message must never speak for a term or vote the disk has not seen.
        const sendEarly = rd.messages.length > 0 && this.node.raft.state === 'leader' && !this.termOrVoteChanges(rd);
        if (sendEarly && !(await this.send(rd))) return;
        if (rd.hardState || rd.entries.length > 0 || rd.snapshot) {
          if (failpointsActive) await failpoint('raftBeforeSave');
          const saved = this.log.save({ hardState: rd.hardState, entries: rd.entries, snapshot: rd.snapshot });
          if (rd.mustSync || rd.snapshot) {
            // Nothing that depends on these entries or this vote may leave before they are on disk.
            await saved;
          } else {
            // Only the commit index changed: it can be learnt again after a crash, so nothing waits for it. The
            // log store still writes it in order before the next save is planned.
            saved.catch((e: unknown) => this.failed(e));
          }
          if (rd.hardState) this.hardState = rd.hardState;
          if (failpointsActive) await failpoint('raftAfterSave');
        }
        if (this.stopped) return;
        if (rd.messages.length > 0 && !sendEarly && !(await this.send(rd))) return;
        if (rd.committedEntries.length > 0 || rd.snapshot) await this.hooks.apply(rd.committedEntries, rd.snapshot);
        if (rd.readStates.length > 0) this.hooks.readStates(rd.readStates);
        this.node.advance(rd);
      }
    } catch (e) {
      this.failed(e);
    } finally {
      this.running = false;
    }
    if (!this.stopped && this.node.hasReady()) this.kick();
  }

  /** Send a Ready's messages; false when the member stopped meanwhile (a failpoint may sleep here). */
  private async send(rd: Ready): Promise<boolean> {
    if (failpointsActive) {
      await failpoint(this.node.raft.state === 'leader' ? 'raftBeforeLeaderSend' : 'raftBeforeFollowerSend');
      if (this.stopped) return false;
    }
    this.hooks.send(rd.messages);
    return true;
  }

  private termOrVoteChanges(rd: Ready): boolean {
    const hs = rd.hardState;
    return hs !== undefined && (hs.term !== this.hardState.term || hs.vote !== this.hardState.vote);
  }

  /** A failed fsync or apply leaves the member in an unknown state: stop rather than acknowledge anything. */
  private failed(e: unknown): void {
    if (this.stopped) return;
    this.logger.fatal({ err: e }, 'raft loop failed; stopping the member');
    this.stopped = true;
    this.fatal?.(e);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    await this.loopDone;
  }
}
