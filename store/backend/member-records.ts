// The cluster membership as applied from the log (etcd's members bucket).
import { KeyedRecords } from './keyed-records.js';
import type { PendingBatch } from './pending-batch.js';
import { decodeMember, encodeMember } from './state-codec.js';
import { memberKey } from './state-keys.js';
import type { Member, MemberId } from './state-types.js';

export class MemberRecords extends KeyedRecords<Member> {
  constructor(batch: PendingBatch) {
    super(batch, { encode: encodeMember, decode: decodeMember, keyOf: (member) => memberKey(member.id) });
  }

  /** Adds or updates the member with `member.id`; throws RangeError, changing nothing, for an id outside uint64. */
  put(member: Member): void {
    this.setRecord(memberKey(member.id), member);
  }

  /** Whether the member was there. 1 and 1n name the same member. */
  delete(id: MemberId): boolean {
    return this.deleteRecord(memberKey(id));
  }

  get(id: MemberId): Member | undefined {
    return this.getRecord(memberKey(id));
  }

  /** By id, ascending. */
  list(): Member[] {
    return this.records();
  }
}
