// The small records a member keeps beside its MVCC store, in the shapes the apply loop hands over.

/** A granted lease (etcd's leasepb.Lease): its int64 id and the TTL in seconds it was granted with. */
export interface Lease {
  readonly id: bigint;
  readonly ttl: number;
}

/** etcd member ids are uint64; a number is accepted where it is exact, and read back as it was written. */
export type MemberId = bigint | number;

/** One cluster member as etcd's membership keeps it. */
export interface Member {
  readonly id: MemberId;
  readonly name: string;
  readonly peerURLs: readonly string[];
  readonly clientURLs: readonly string[];
  readonly isLearner: boolean;
}

/** etcd 3.4's alarm types, by their protobuf names (AlarmType NONE is "no alarm", never stored). */
export type AlarmType = 'NOSPACE' | 'CORRUPT';

export const ALARM_TYPES: readonly AlarmType[] = ['NOSPACE', 'CORRUPT'];

export interface Alarm {
  readonly memberId: MemberId;
  readonly alarm: AlarmType;
}

/** What the free-form meta map holds: scalars and bytes, each read back with the type it was written with. */
export type MetaValue = string | number | bigint | boolean | Uint8Array;
