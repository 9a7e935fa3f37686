/**
 * Expected failures of the lessor, one class per etcd lease error. `message` is exactly the text a real etcd 3.4
 * sends as the gRPC status details, and `grpcCode` / `grpcStatus` the status it sends (checked against
 * /usr/bin/etcd in lease-errors.real-etcd.test.ts), so the gRPC edge can answer `{ code: e.grpcStatus, details:
 * e.message }` without a mapping table. Match on the class or `grpcCode`, never on the text.
 *
 * etcd's lease package itself says "lease not found"; the server's rpctypes turn that into the
 * "etcdserver: ..." texts below. We keep only the client-visible form.
 */

/** The gRPC status codes the lessor's errors travel as; the numbers are gRPC's (grpc-js `status`). */
export const GRPC_STATUS = {
  UNKNOWN: 2,
  NOT_FOUND: 5,
  FAILED_PRECONDITION: 9,
  OUT_OF_RANGE: 11,
} as const;

export type GrpcCodeName = keyof typeof GRPC_STATUS;

export abstract class LeaseError extends Error {
  abstract readonly grpcCode: GrpcCodeName;

  get grpcStatus(): number {
    return GRPC_STATUS[this.grpcCode];
  }
}

/**
 * Revoke, renew, attach or keepalive of an id the lessor does not hold; also a grant of id 0 (the server picks
 * an id before proposing, so 0 reaching the lessor means "no lease"). LeaseTimeToLive does NOT surface it:
 * etcd answers TTL -1 instead, and LeaseKeepAlive answers TTL 0.
 */
export class ErrLeaseNotFound extends LeaseError {
  readonly grpcCode = 'NOT_FOUND';
  constructor() {
    super('etcdserver: requested lease not found');
    this.name = 'ErrLeaseNotFound';
  }
}

export class ErrLeaseExists extends LeaseError {
  readonly grpcCode = 'FAILED_PRECONDITION';
  constructor() {
    super('etcdserver: lease already exists');
    this.name = 'ErrLeaseExists';
  }
}

/** Checked before "exists": granting a taken id with a too large TTL reports this one, as etcd does. */
export class ErrLeaseTTLTooLarge extends LeaseError {
  readonly grpcCode = 'OUT_OF_RANGE';
  constructor() {
    super('etcdserver: too large lease TTL');
    this.name = 'ErrLeaseTTLTooLarge';
  }
}

/**
 * Renew or remaining-TTL asked of a member that is not the leader. Never meant for a client: etcd forwards the
 * request to the leader (and answers "etcdserver: request timed out" if that fails). Were it to leak, etcd's
 * togRPCError fallback would send Unknown with this text, so that is what it carries.
 */
export class ErrNotPrimary extends LeaseError {
  readonly grpcCode = 'UNKNOWN';
  constructor() {
    super('not a primary lessor');
    this.name = 'ErrNotPrimary';
  }
}

/**
 * Renew of a lease that has expired on this leader but whose revoke has not been applied yet. etcd's Renew
 * blocks here until the revoke is applied (then: lease not found) or the member is demoted (then: not primary,
 * and the renew is retried on the new leader, where the lease may well live on). The lessor has no way to
 * block, so it says so and the caller waits for one of those two events and retries. Not an etcd error: it
 * never reaches a client; UNKNOWN only keeps the shape of the family.
 */
export class ErrLeaseExpired extends LeaseError {
  readonly grpcCode = 'UNKNOWN';
  constructor() {
    super('lease expired, revoke pending');
    this.name = 'ErrLeaseExpired';
  }
}

/** Bad lessor options: a programming or configuration mistake, thrown at construction. */
export class LessorConfigError extends Error {
  constructor(message: string) {
    super(`lessor config: ${message}`);
    this.name = 'LessorConfigError';
  }
}
