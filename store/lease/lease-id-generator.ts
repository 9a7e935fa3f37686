/**
 * Picks ids for LeaseGrant requests that leave ID 0 ("choose one for me"), the way etcd 3.4 does
 * (pkg/idutil.Generator, used by EtcdServer.LeaseGrant). An id is 64 bits:
 *
 *   | 2 bytes               | 5 bytes                        | 1 byte  |
 *   | member id (low 16 bits)| ms timestamp at start (low 40) | counter |
 *
 * next() adds one to the low 6 bytes, so the counter carries into the timestamp on purpose: that stretches the
 * window to 2^48 ids, and ids stay unique across a restart because a member hands out far fewer than 256 ids
 * per millisecond. etcd then clears the sign bit (lease ids are int64 and are meant to be positive) and skips 0,
 * which means "no lease"; so only 15 bits of the member id count, and members whose ids differ only in bit 15
 * of the low 16 could in theory pick the same id (the grant would then fail with "lease already exists"). The id is picked by the member that receives the request and travels in the proposal,
 * so applying a grant stays deterministic.
 *
 * Checked against a real etcd 3.4.23 whose member id ended in 0x457e: it granted 0x457e_a20115f226_05, with
 * 0xa20115f226 the low 40 bits of its start time in ms. (etcd shares one generator between request ids and
 * lease ids, so its lease ids skip; ours are consecutive.)
 */
const SUFFIX_BITS = 48n;
const TIMESTAMP_BITS = 40n;
const COUNTER_BITS = 8n;
const SUFFIX_MASK = (1n << SUFFIX_BITS) - 1n;
const TIMESTAMP_MASK = (1n << TIMESTAMP_BITS) - 1n;
const POSITIVE_INT64_MASK = (1n << 63n) - 1n;

export class LeaseIdGenerator {
  private readonly prefix: bigint;
  private suffix: bigint;

  /** `memberId` is the member's uint64 id; `nowMs` the wall clock at start (Date.now()), read once. */
  constructor(memberId: bigint, nowMs: number) {
    if (!Number.isSafeInteger(nowMs) || nowMs < 0) throw new RangeError(`LeaseIdGenerator: bad start time ${nowMs}`);
    this.prefix = BigInt.asUintN(16, memberId) << SUFFIX_BITS;
    this.suffix = (BigInt(nowMs) & TIMESTAMP_MASK) << COUNTER_BITS;
  }

  /** A positive int64 this generator has not returned before (for the next 2^48 calls). */
  next(): bigint {
    for (;;) {
      this.suffix = (this.suffix + 1n) & SUFFIX_MASK;
      const id = (this.prefix | this.suffix) & POSITIVE_INT64_MASK;
      if (id !== 0n) return id;
    }
  }
}
