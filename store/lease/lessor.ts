import { NO_LEASE } from '../mvcc/key-value.js';
import { ErrLeaseExists, ErrLeaseExpired, ErrLeaseNotFound, ErrLeaseTTLTooLarge, ErrNotPrimary, LessorConfigError } from './errors.js';
import { ExpiryQueue } from './expiry-queue.js';
import { LeaseAttachments } from './lease-attachments.js';
import { DEFAULT_MIN_LEASE_TTL_SECONDS, EXPIRED_LEASE_RETRY_INTERVAL_MS, MAX_LEASE_TTL_SECONDS } from './limits.js';
import { spreadPiledUpExpiries } from './promote-spread.js';

/** Milliseconds from a monotonic source (performance.now() in production, a fake in tests). */
export interface LeaseClock {
  now(): number;
}

export interface LessorOptions {
  /** Read only by the leader-side methods (and by grant/restore on the leader, to start the new expiries). */
  readonly clock: LeaseClock;
  /** Shorter TTLs are raised to this. etcd: minLeaseTtlSeconds(heartbeat, election timeout), 2 by default. */
  readonly minTtlSeconds?: number;
  /** How long an expired lease handed out by expired() stays out of its answers; etcd: 3 s. */
  readonly expiredRetryIntervalMs?: number;
}

/** A lease as the replicated state knows it; `ttl` is the granted TTL in seconds, after raising to the minimum. */
export interface GrantedLease {
  readonly id: bigint;
  readonly ttl: number;
}

/** What is persisted per lease (etcd's lease bucket); attached keys are rebuilt from the kvs' lease fields. */
export type LeaseRecord = GrantedLease;

interface LeaseState {
  readonly id: bigint;
  readonly ttl: number;
  /** On the leader: when the lease expires, on the lessor's clock. Elsewhere FOREVER. */
  expiryMs: number;
}

/** Followers never expire leases: only the leader proposes revokes, and it keeps its own expiries. */
const FOREVER = Number.POSITIVE_INFINITY;

/**
 * etcd 3.4's lessor in two halves.
 *
 * Replicated: grant, revoke, attach, detach, restore. Every member applies them in Raft order; they decide
 * everything that ends up in the store and never depend on the clock, so all members agree.
 *
 * Leader-only: promote, demote, renew, remainingTtl, expired. Expiry is the leader's private business: it is
 * kept on the leader's clock only, and a lease ends for everyone when the leader's revoke is applied. A new
 * leader does not know how long the old one had left, so promote starts every lease afresh at its full TTL.
 * Nothing here runs on its own: the server calls expired() every EXPIRY_CHECK_INTERVAL_MS and proposes a
 * revoke for each id it returns.
 */
export class Lessor {
  private readonly clock: LeaseClock;
  private readonly minTtlSeconds: number;
  private readonly expiredRetryIntervalMs: number;
  private readonly leases = new Map<bigint, LeaseState>();
  private readonly attachments = new LeaseAttachments();
  /** Only filled on the leader: when to look at each lease next. */
  private readonly expiryQueue = new ExpiryQueue();
  private primary = false;

  constructor(options: LessorOptions) {
    this.clock = options.clock;
    this.minTtlSeconds = options.minTtlSeconds ?? DEFAULT_MIN_LEASE_TTL_SECONDS;
    this.expiredRetryIntervalMs = options.expiredRetryIntervalMs ?? EXPIRED_LEASE_RETRY_INTERVAL_MS;
    if (!Number.isSafeInteger(this.minTtlSeconds) || this.minTtlSeconds < 1) {
      throw new LessorConfigError(`minTtlSeconds must be a whole number >= 1, got ${this.minTtlSeconds}`);
    }
    if (!(this.expiredRetryIntervalMs > 0 && Number.isFinite(this.expiredRetryIntervalMs))) {
      throw new LessorConfigError(`expiredRetryIntervalMs must be > 0, got ${this.expiredRetryIntervalMs}`);
    }
  }

  // ---- replicated state ----

  /**
   * Applies a LeaseGrant. Id 0 is refused as not found (the server replaces 0 by a generated id before
   * proposing); too large is checked before "exists", as in etcd. Returns the lease with the TTL it got.
   */
  grant(id: bigint, ttlSeconds: number): GrantedLease {
    checkLeaseId(id);
    if (!Number.isInteger(ttlSeconds)) throw new RangeError(`lease TTL must be a whole number of seconds, got ${ttlSeconds}`);
    if (id === NO_LEASE) throw new ErrLeaseNotFound();
    if (ttlSeconds > MAX_LEASE_TTL_SECONDS) throw new ErrLeaseTTLTooLarge();
    if (this.leases.has(id)) throw new ErrLeaseExists();
    const lease: LeaseState = { id, ttl: Math.max(ttlSeconds, this.minTtlSeconds), expiryMs: FOREVER };
    this.leases.set(id, lease);
    if (this.primary) this.startExpiry(lease, this.clock.now(), 0);
    return granted(lease);
  }

  /**
   * Applies a LeaseRevoke: forgets the lease and returns its keys, sorted bytewise so that every member deletes
   * them in the same order, in ONE MVCC write txn (so the revoke is one revision, as in etcd). Detaching those
   * keys afterwards is harmless: detach of a gone lease is a no-op.
   */
  revoke(id: bigint): Uint8Array[] {
    if (!this.leases.delete(id)) throw new ErrLeaseNotFound();
    this.expiryQueue.delete(id);
    return this.attachments.dropLease(id);
  }

  /** A put with this lease was applied; a key on another lease moves over. */
  attach(id: bigint, key: Uint8Array): void {
    if (!this.leases.has(id)) throw new ErrLeaseNotFound();
    this.attachments.attach(id, key);
  }

  /**
   * A put moved the key off this lease, or a delete removed it. Returns whether the key was on it. Unlike etcd
   * (which returns an error that every caller only logs) an unknown lease is not an error: the keys of a revoked
   * lease are detached by the very deletes its revoke causes.
   */
  detach(id: bigint, key: Uint8Array): boolean {
    return this.attachments.detach(id, key);
  }

  exists(id: bigint): boolean {
    return this.leases.has(id);
  }

  get(id: bigint): GrantedLease | undefined {
    const lease = this.leases.get(id);
    return lease && granted(lease);
  }

  /** The keys on lease `id`, sorted bytewise; none for an unknown lease. */
  keys(id: bigint): Uint8Array[] {
    return this.attachments.keysOf(id);
  }

  /** The lease `key` is attached to, NO_LEASE if none. */
  leaseOf(key: Uint8Array): bigint {
    return this.attachments.leaseOf(key);
  }

  /** Every lease, soonest expiry first as etcd's LeaseLeases lists them (by id among equals, e.g. on followers). */
  list(): GrantedLease[] {
    return [...this.leases.values()].sort(byExpiryThenId).map(granted);
  }

  /** The leases to persist, by id. */
  snapshotRecords(): LeaseRecord[] {
    return [...this.leases.values()].sort(byId).map(granted);
  }

  /**
   * Replaces all leases by `records` (restart, or a snapshot from the leader), raising TTLs below the minimum as
   * etcd's recovery does. Attachments are cleared: the caller re-adds them with restoreAttachment for every kv
   * that has a lease. etcd leaves restored leases unexpiring even on a leader until the next promote; here a
   * leader starts them at full TTL so that no lease can outlive its TTL by accident.
   */
  restore(records: readonly LeaseRecord[]): void {
    this.leases.clear();
    this.attachments.clear();
    this.expiryQueue.clear();
    const now = this.primary ? this.clock.now() : 0;
    for (const record of records) {
      checkLeaseId(record.id);
      if (record.id === NO_LEASE || this.leases.has(record.id)) throw new Error(`lease records: bad or repeated id ${record.id}`);
      const lease: LeaseState = { id: record.id, ttl: Math.max(record.ttl, this.minTtlSeconds), expiryMs: FOREVER };
      this.leases.set(lease.id, lease);
      if (this.primary) this.startExpiry(lease, now, 0);
    }
  }

  /** Re-attaches a restored kv to its lease; false when that lease is gone (etcd logs this and carries on). */
  restoreAttachment(id: bigint, key: Uint8Array): boolean {
    if (!this.leases.has(id)) return false;
    this.attachments.attach(id, key);
    return true;
  }

  // ---- leader-only expiry ----

  get isPrimary(): boolean {
    return this.primary;
  }

  /**
   * This member is leader and has applied everything from earlier terms. Every lease starts afresh at
   * now + extend + TTL: the new leader cannot know what the old one had left, and clients whose keepalives went
   * to the old leader need time to find this one. etcd passes one election timeout as `extendMs`, when it
   * applies the empty entry that opens the leader's term.
   */
  promote(extendMs = 0): void {
    if (!(extendMs >= 0 && Number.isFinite(extendMs))) throw new RangeError(`promote: bad extension ${extendMs}`);
    this.primary = true;
    const now = this.clock.now();
    for (const lease of this.leases.values()) lease.expiryMs = now + extendMs + lease.ttl * 1_000;
    spreadPiledUpExpiries([...this.leases.values()], now, extendMs);
    this.expiryQueue.clear();
    for (const lease of this.leases.values()) this.expiryQueue.set(lease.id, lease.expiryMs);
  }

  /** This member is no longer leader: its leases stop expiring until it is promoted again. */
  demote(): void {
    this.primary = false;
    for (const lease of this.leases.values()) lease.expiryMs = FOREVER;
    this.expiryQueue.clear();
  }

  /**
   * A keepalive: the lease lives for its full TTL from now. Returns the granted TTL, which is what etcd's
   * LeaseKeepAliveResponse carries. ErrLeaseExpired: wait until the revoke is applied or this member is demoted,
   * then ask again (see the class).
   */
  renew(id: bigint): number {
    const lease = this.leaderLease(id);
    const now = this.clock.now();
    if (lease.expiryMs <= now) throw new ErrLeaseExpired();
    this.startExpiry(lease, now, 0);
    return lease.ttl;
  }

  /**
   * Whole seconds left, as LeaseTimeToLive reports them: Go's int64(Remaining().Seconds()), truncated toward
   * zero, so a lease granted with TTL 10 reports 9 at once, and a lease past expiry but not yet revoked reports
   * 0 or a negative number. (For an unknown lease etcd answers TTL -1 and grantedTTL 0 rather than an error.)
   */
  remainingTtl(id: bigint): number {
    const lease = this.leaderLease(id);
    return Math.trunc((lease.expiryMs - this.clock.now()) / 1_000) + 0; // + 0 turns -0 into 0
  }

  /**
   * Up to `limit` leases past their expiry, earliest first, for the server to revoke through Raft. An id
   * returned here is held back for expiredRetryIntervalMs: its revoke is on its way, and asking again is only
   * for when that revoke got lost. Empty on followers.
   */
  expired(limit: number): bigint[] {
    const due: bigint[] = [];
    if (!this.primary) return due;
    const now = this.clock.now();
    while (due.length < limit) {
      const next = this.expiryQueue.peek();
      if (next === undefined || next.time > now) break;
      this.expiryQueue.set(next.id, now + this.expiredRetryIntervalMs);
      due.push(next.id);
    }
    return due;
  }

  private leaderLease(id: bigint): LeaseState {
    if (!this.primary) throw new ErrNotPrimary();
    const lease = this.leases.get(id);
    if (!lease) throw new ErrLeaseNotFound();
    return lease;
  }

  private startExpiry(lease: LeaseState, now: number, extendMs: number): void {
    lease.expiryMs = now + extendMs + lease.ttl * 1_000;
    this.expiryQueue.set(lease.id, lease.expiryMs);
  }
}

function granted(lease: LeaseState): GrantedLease {
  return { id: lease.id, ttl: lease.ttl };
}

function byId(a: LeaseState, b: LeaseState): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function byExpiryThenId(a: LeaseState, b: LeaseState): number {
  // Infinity - Infinity is NaN, so compare rather than subtract.
  return a.expiryMs < b.expiryMs ? -1 : a.expiryMs > b.expiryMs ? 1 : byId(a, b);
}

/** Lease ids are int64 on the wire; anything else is a bug in the caller, not a client error. */
function checkLeaseId(id: bigint): void {
  if (BigInt.asIntN(64, id) !== id) throw new RangeError(`lease id ${id} is not an int64`);
}
