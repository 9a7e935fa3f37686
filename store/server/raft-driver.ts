// The I/O around the pure Raft core: a timer ticks it, the transport steps it, and one loop turns each Ready
// into work in the order that keeps acknowledged writes safe: persist (one synced LevelDB batch), send, apply,
// advance. Input that arrives while a Ready is being persisted is stepped at once and lands in the next Ready.
import type { Logger } from 'pino';
import { failpoint, failpointsActive } from '../failpoints/registry.js';
import { RawNode } from '../raft/rawnode.js';
import type { Entry, Message, NodeId, ReadState, Snapshot, SoftState } from '../raft/types.js';
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

  constructor(
    readonly node: RawNode,
    private readonly log: PersistentLog,
    private readonly tickMs: number,
    private readonly hooks: RaftDriverHooks,
    private readonly logger: Logger,
  ) {}

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
        if (rd.hardState || rd.entries.length > 0 || rd.snapshot) {
          if (failpointsActive) await failpoint('raftBeforeSave');
          // Nothing that depends on these entries or this vote may leave before they are on disk.
          await this.log.save({ hardState: rd.hardState, entries: rd.entries, snapshot: rd.snapshot });
          if (failpointsActive) await failpoint('raftAfterSave');
        }
        if (this.stopped) return;
        if (rd.messages.length > 0) {
          if (failpointsActive) {
            await failpoint(this.node.raft.state === 'leader' ? 'raftBeforeLeaderSend' : 'raftBeforeFollowerSend');
            if (this.stopped) return;
          }
          this.hooks.send(rd.messages);
        }
        if (rd.committedEntries.length > 0 || rd.snapshot) await this.hooks.apply(rd.committedEntries, rd.snapshot);
        if (rd.readStates.length > 0) this.hooks.readStates(rd.readStates);
        this.node.advance(rd);
      }
    } catch (e) {
      // A failed fsync or apply leaves the member in an unknown state: stop rather than acknowledge anything.
      this.logger.fatal({ err: e }, 'raft loop failed; stopping the member');
      this.stopped = true;
      this.fatal?.(e);
    } finally {
      this.running = false;
    }
    if (!this.stopped && this.node.hasReady()) this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    await this.loopDone;
  }
}
