// etcd 3.4's lease limits and pacing (lease/lessor.go, etcdserver/server.go), in the units the lessor uses.

/** Larger TTLs are refused with ErrLeaseTTLTooLarge (about 285 years). */
export const MAX_LEASE_TTL_SECONDS = 9_000_000_000;

/** What `minLeaseTtlSeconds` gives for etcd's default 100 ms heartbeat and 1000 ms election timeout. */
export const DEFAULT_MIN_LEASE_TTL_SECONDS = 2;

/**
 * How long the leader waits before offering an expired lease for revocation again. A revoke goes through Raft
 * and may be lost with a leader change or a dropped proposal; offering it again sooner would only flood the
 * log with duplicate revokes of a lease that is still on its way out.
 */
export const EXPIRED_LEASE_RETRY_INTERVAL_MS = 3_000;

/** How often etcd's leader looks for expired leases (the lessor's runLoop). */
export const EXPIRY_CHECK_INTERVAL_MS = 500;

/** etcd revokes at most this many expired leases per second, so a pile-up cannot swamp the log. */
export const LEASE_REVOKE_RATE_PER_SECOND = 1_000;

/** The `limit` for one `expired()` call every EXPIRY_CHECK_INTERVAL_MS, keeping to the revoke rate. */
export const EXPIRED_LEASES_PER_CHECK = (LEASE_REVOKE_RATE_PER_SECOND * EXPIRY_CHECK_INTERVAL_MS) / 1_000;

/**
 * etcd's minimum TTL: a lease must outlive a leader election, or a leader change alone could expire it.
 * etcd computes ceil(((3 * electionTicks) / 2) * heartbeat) in seconds, with integer divisions for the ticks:
 * 100 ms / 1000 ms gives 15 ticks = 1.5 s, so 2 s.
 */
export function minLeaseTtlSeconds(heartbeatMs: number, electionTimeoutMs: number): number {
  const electionTicks = Math.trunc(electionTimeoutMs / heartbeatMs);
  const minTtlMs = Math.trunc((3 * electionTicks) / 2) * heartbeatMs;
  return Math.ceil(minTtlMs / 1_000);
}
