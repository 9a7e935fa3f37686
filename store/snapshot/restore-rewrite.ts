// What a restore changes in the state it copies: the backup's cluster is gone, and its data becomes the first
// state of a new cluster. Membership, cluster id and token are the new cluster's, written as Member.start writes
// them for a brand new member; alarms belonged to the old members; the consistent index is the bootstrap
// snapshot's (index 1, term 1), the first entry of the new Raft log. MVCC records, the compact revision and
// leases are kept byte for byte.
import { encodeConsistentIndex, encodeMember, encodeMetaValue } from '../backend/state-codec.js';
import { CONSISTENT_INDEX_KEY, memberKey, metaKey } from '../backend/state-keys.js';
import type { InitialMember } from '../server/config.js';
import { BOOTSTRAP_INDEX, BOOTSTRAP_TERM } from '../storage/bootstrap.js';
import type { SnapshotRecord } from './encode.js';
import type { RecordRewrite } from './import.js';

/** Meta values that name the cluster rather than describe the data. */
const CLUSTER_META = new Set(['clusterId', 'clusterToken']);

export function newClusterRewrite(members: readonly InitialMember[], clusterId: bigint, clusterToken: string): RecordRewrite {
  return {
    record(key, value, record) {
      switch (record.kind) {
        case 'member':
        case 'alarm':
        case 'consistent-index':
          return undefined;
        case 'meta':
          return CLUSTER_META.has(record.name) ? undefined : [key, value];
        default:
          return [key, value];
      }
    },
    finish(): SnapshotRecord[] {
      return [
        ...members.map((m): SnapshotRecord => [memberKey(m.id), encodeMember({ id: m.id, name: m.name, peerURLs: m.peerUrls, clientURLs: [], isLearner: false })]),
        [metaKey('clusterId'), encodeMetaValue(clusterId)],
        [metaKey('clusterToken'), encodeMetaValue(clusterToken)],
        [CONSISTENT_INDEX_KEY, encodeConsistentIndex({ index: BOOTSTRAP_INDEX, term: BOOTSTRAP_TERM })],
      ];
    },
  };
}
