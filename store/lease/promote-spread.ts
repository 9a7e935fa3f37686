import { LEASE_REVOKE_RATE_PER_SECOND } from './limits.js';

/** What spreading needs of a lease: its granted TTL and its expiry, which it may push back. */
export interface SpreadableLease {
  readonly id: bigint;
  readonly ttl: number;
  expiryMs: number;
}

/**
 * etcd's Promote: a new leader gives every lease its full TTL again, so leases whose expiries were spread out on
 * the old leader can all land in the same second. Revokes are rate limited, so such a pile-up would delay the
 * revocation of unrelated leases behind it. With at least LEASE_REVOKE_RATE_PER_SECOND leases, etcd walks them in
 * expiry order and, in any one-second window holding more than 3/4 of the revoke rate, pushes the surplus back
 * so that at most that many expire per second. Pushed-back leases live a little longer, which is always safe.
 *
 * Mutates `expiryMs` of the leases it moves; all must already hold `now + extend + ttl`.
 */
export function spreadPiledUpExpiries(leases: readonly SpreadableLease[], nowMs: number, extendMs: number): void {
  if (leases.length < LEASE_REVOKE_RATE_PER_SECOND) return;
  const byExpiry = [...leases].sort((a, b) => a.expiryMs - b.expiryMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // Fewer than the full revoke rate, so that revokes of a pile-up leave room for leases expiring on their own.
  const targetExpiresPerSecond = Math.trunc((3 * LEASE_REVOKE_RATE_PER_SECOND) / 4);
  let baseWindow = byExpiry[0]!.expiryMs - nowMs;
  let nextWindow = baseWindow + 1_000;
  let expires = 0;
  for (const lease of byExpiry) {
    const remaining = lease.expiryMs - nowMs;
    if (remaining > nextWindow) {
      baseWindow = remaining;
      nextWindow = baseWindow + 1_000;
      expires = 1;
      continue;
    }
    expires++;
    if (expires <= targetExpiresPerSecond) continue;
    // A lease already `remaining - baseWindow` ahead of the window needs only the rest of the delay.
    const delayMs = Math.trunc(1_000 * (expires / targetExpiresPerSecond) - (remaining - baseWindow));
    nextWindow = baseWindow + delayMs;
    lease.expiryMs = nowMs + delayMs + extendMs + lease.ttl * 1_000;
  }
}
