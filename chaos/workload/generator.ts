// What each client asks next: a seeded mix of register reads and writes, compare-and-set, deletes, multi-key
// transactions, leases with an attached key, and (client 0 only) compaction. Pure: the same seed, client and
// observed results give the same requests, so a run's workload is reproducible from its seed.
import { SeededRand } from '../../store/raft/rand.js';
import { KEY_PREFIX, type Request, type Response } from '../history/types.js';

export interface WorkloadShape {
  /** How many single-key registers (reg/0 ... reg/N-1). */
  registers: number;
  /** How many keys the multi-key transactions share (txn/0 ...). */
  txnKeys: number;
  /** Lease TTL in seconds: long enough that a lease outlives any fault window, so only revokes delete keys. */
  leaseTtl: number;
  /** Compaction keeps this many revisions behind the newest one seen. */
  compactionLag: number;
  /** Client 0 compacts at most this often. */
  compactionEveryMs: number;
}

export const DEFAULT_SHAPE: WorkloadShape = { registers: 8, txnKeys: 4, leaseTtl: 600, compactionLag: 200, compactionEveryMs: 2_000 };

/** Operation weights, out of their sum. */
const MIX = [
  ['get', 30],
  ['put', 18],
  ['cas', 16],
  ['delete', 5],
  ['txn', 10],
  ['range', 8],
  ['lease', 8],
] as const;
const MIX_TOTAL = MIX.reduce((sum, [, weight]) => sum + weight, 0);

export class RequestGenerator {
  private readonly rand: SeededRand;
  private sequence = 0;
  /** The value this client last saw for each key (null: absent), for compare-and-set guesses. */
  private readonly seen = new Map<string, string | null>();
  private lease: { id: string; attached: boolean } | null = null;
  private highestRevision = 0;
  private lastCompactionAt = -Infinity;

  constructor(
    readonly client: number,
    seed: number,
    private readonly shape: WorkloadShape = DEFAULT_SHAPE,
  ) {
    this.rand = new SeededRand((seed ^ Math.imul(client + 1, 0x9e3779b1)) >>> 0);
  }

  /** A value no other write in the run has: the checkers identify writes by value. */
  private uniqueValue(): string {
    this.sequence += 1;
    return `c${this.client}-${this.sequence}`;
  }

  private registerKey(): string {
    return `${KEY_PREFIX.register}${this.rand.intn(this.shape.registers)}`;
  }

  private txnKey(index: number): string {
    return `${KEY_PREFIX.txn}${index}`;
  }

  /** The lease key belongs to this client alone, so a revoke touches exactly one key. */
  private leaseKey(): string {
    return `${KEY_PREFIX.lease}${this.client}`;
  }

  next(nowMs: number): Request {
    if (this.client === 0 && nowMs - this.lastCompactionAt >= this.shape.compactionEveryMs) {
      const revision = this.highestRevision - this.shape.compactionLag;
      if (revision > 1) {
        this.lastCompactionAt = nowMs;
        return { type: 'compact', revision };
      }
    }
    let roll = this.rand.intn(MIX_TOTAL);
    const kind = MIX.find(([, weight]) => (roll -= weight) < 0)![0];
    switch (kind) {
      case 'get':
        return { type: 'get', key: this.registerKey() };
      case 'put':
        return { type: 'put', key: this.registerKey(), value: this.uniqueValue() };
      case 'cas': {
        const key = this.registerKey();
        return { type: 'cas', key, expect: this.seen.get(key) ?? null, value: this.uniqueValue() };
      }
      case 'delete':
        return { type: 'delete', key: this.registerKey() };
      case 'range':
        return { type: 'range', prefix: KEY_PREFIX.txn };
      case 'txn': {
        const first = this.rand.intn(this.shape.txnKeys);
        const second = (first + 1 + this.rand.intn(this.shape.txnKeys - 1)) % this.shape.txnKeys;
        const keys = [this.txnKey(first), this.txnKey(second)];
        return {
          type: 'txn',
          prefix: KEY_PREFIX.txn,
          compares: keys.map((key) => ({ key, expect: this.seen.get(key) ?? null })),
          puts: keys.map((key) => ({ key, value: this.uniqueValue() })),
        };
      }
      case 'lease':
        return this.nextLeaseStep();
    }
  }

  /** grant, then put the client's lease key with it, then revoke: a cycle, restarted after any failure. */
  private nextLeaseStep(): Request {
    if (this.lease === null) return { type: 'leaseGrant', ttl: this.shape.leaseTtl };
    if (!this.lease.attached) return { type: 'put', key: this.leaseKey(), value: this.uniqueValue(), lease: this.lease.id };
    return { type: 'leaseRevoke', lease: this.lease.id };
  }

  /** Learns from a reply (or a failure: response undefined) what to ask next. */
  observe(request: Request, response: Response | undefined): void {
    if (response) this.highestRevision = Math.max(this.highestRevision, response.revision);
    switch (request.type) {
      case 'leaseGrant':
        this.lease = response?.type === 'leaseGrant' ? { id: response.lease, attached: false } : null;
        return;
      case 'leaseRevoke':
        this.lease = null;
        return;
      case 'put':
        // Attached, or perhaps attached (the put failed): either way the next step revokes the lease, so no key
        // is left on a lease nobody will revoke.
        if (request.lease !== undefined && this.lease) this.lease.attached = true;
        if (response) this.seen.set(request.key, request.value);
        return;
      default:
        break;
    }
    if (!response) return;
    if (response.type === 'get' && request.type === 'get') this.seen.set(request.key, response.kv?.value ?? null);
    if (response.type === 'delete' && request.type === 'delete') this.seen.set(request.key, null);
    if (response.type === 'cas' && request.type === 'cas') {
      this.seen.set(request.key, response.succeeded ? request.value : (response.kv?.value ?? null));
    }
    if (response.type === 'range' || (response.type === 'txn' && !response.succeeded)) {
      const kvs = response.kvs;
      for (let i = 0; i < this.shape.txnKeys; i++) this.seen.set(this.txnKey(i), kvs.find((kv) => kv.key === this.txnKey(i))?.value ?? null);
    }
    if (response.type === 'txn' && response.succeeded && request.type === 'txn') {
      for (const put of request.puts) this.seen.set(put.key, put.value);
    }
  }
}
