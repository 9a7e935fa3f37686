// ReadIndex requests waiting for a heartbeat round to confirm that the leader is still the leader. Each request
// remembers the commit index at arrival; once a quorum answers a heartbeat carrying the request's context, that
// request and every one queued before it can be served at their recorded index.
import type { NodeId, ReadIndexRequest } from './types.js';

export interface PendingRead {
  index: number;
  req: ReadIndexRequest;
  acks: Set<NodeId>;
}

export function ctxKey(ctx: Uint8Array): string {
  let s = '';
  for (const b of ctx) s += b.toString(16).padStart(2, '0');
  return s;
}

export class ReadIndexQueue {
  private readonly pending = new Map<string, PendingRead>();
  private queue: string[] = [];

  add(index: number, req: ReadIndexRequest): void {
    const key = ctxKey(req.context);
    if (this.pending.has(key)) return; // a retried request is already waiting
    this.pending.set(key, { index, req, acks: new Set() });
    this.queue.push(key);
  }

  /** Record a heartbeat answer; returns the acks so far for that context, or undefined if it is unknown. */
  recvAck(from: NodeId, ctx: Uint8Array): Set<NodeId> | undefined {
    const p = this.pending.get(ctxKey(ctx));
    if (!p) return undefined;
    p.acks.add(from);
    return p.acks;
  }

  /** Release the request with this context and every request queued before it. */
  advance(ctx: Uint8Array): PendingRead[] {
    const key = ctxKey(ctx);
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const released = this.queue.slice(0, at + 1).map((k) => this.pending.get(k)!);
    for (const k of this.queue.slice(0, at + 1)) this.pending.delete(k);
    this.queue = this.queue.slice(at + 1);
    return released;
  }

  lastPendingContext(): Uint8Array | undefined {
    const k = this.queue[this.queue.length - 1];
    return k === undefined ? undefined : this.pending.get(k)!.req.context;
  }

  size(): number {
    return this.queue.length;
  }

  clear(): void {
    this.pending.clear();
    this.queue = [];
  }
}
