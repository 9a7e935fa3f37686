// The leases granted and not yet revoked, for the lessor to restore from.
import { KeyedRecords } from './keyed-records.js';
import type { PendingBatch } from './pending-batch.js';
import { decodeLease, encodeLease } from './state-codec.js';
import { leaseKey } from './state-keys.js';
import type { Lease } from './state-types.js';

export class LeaseRecords extends KeyedRecords<Lease> {
  constructor(batch: PendingBatch) {
    super(batch, { encode: encodeLease, decode: decodeLease, keyOf: (lease) => leaseKey(lease.id) });
  }

  /** Grants or renews `lease.id`; throws RangeError, changing nothing, for an id outside int64 or a bad TTL. */
  put(lease: Lease): void {
    if (!Number.isSafeInteger(lease.ttl)) throw new RangeError(`lease ttl ${lease.ttl} is not a safe integer`);
    this.setRecord(leaseKey(lease.id), lease);
  }

  /** Whether the lease was there. */
  delete(id: bigint): boolean {
    return this.deleteRecord(leaseKey(id));
  }

  get(id: bigint): Lease | undefined {
    return this.getRecord(leaseKey(id));
  }

  /** Ordered by id as etcd orders its lease bucket: non-negative ids ascending, then negative ones. */
  list(): Lease[] {
    return this.records();
  }
}
