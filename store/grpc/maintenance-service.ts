// etcdserverpb.Maintenance on a member: Status, Hash, HashKV, Alarm (list). Defragment is a no-op answer (LevelDB
// compacts itself). Snapshot and MoveLeader are the next issue's and answer Unimplemented until then.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { MaintenanceMethods, ServiceImplementation } from '../../api/etcd/services.js';
import { crc32c } from '../mvcc/crc32c.js';
import { EtcdError } from '../server/errors.js';
import type { Member } from '../server/member.js';
import { makeUnary } from './call-errors.js';

/** The etcd server version yawl answers as: the API and behaviour it implements, which clients check. */
export const ETCD_COMPAT_VERSION = '3.4.23';

export function maintenanceService(member: Member, logger: Logger): ServiceImplementation<MaintenanceMethods> {
  const unary = makeUnary(logger, () => member.leader !== 0);
  const notYet = (what: string) => unary<unknown, never>(what, async () => {
    throw EtcdError.notImplemented(what);
  });
  return {
    Status: unary('Status', async () => {
      const size = BigInt(member.dbSize());
      return {
        header: member.header(member.store.currentRevision),
        version: ETCD_COMPAT_VERSION,
        dbSize: size,
        leader: BigInt(member.leader),
        raftIndex: BigInt(member.committedIndex),
        raftTerm: BigInt(member.term),
        raftAppliedIndex: BigInt(member.appliedIndex),
        errors: [],
        dbSizeInUse: size,
        isLearner: false,
      };
    }),
    HashKV: unary('HashKV', async (req) => {
      const r = EtcdError.fromMvcc(() => member.store.hashKV(Number(req.revision)));
      return { header: member.header(r.revision), hash: r.hash, compact_revision: BigInt(r.compactRevision) };
    }),
    Hash: unary('Hash', async () => {
      // etcd hashes its whole bbolt file; ours hashes the whole key history, which is what the file holds.
      const r = member.store.hashKV(0);
      const h = createHash('sha256').update(String(r.hash)).update(String(r.compactRevision)).digest();
      return { header: member.header(member.store.currentRevision), hash: crc32c(h) };
    }),
    Alarm: unary('Alarm', async () => ({ header: member.header(member.store.currentRevision), alarms: [] })),
    Defragment: unary('Defragment', async () => ({ header: member.header(member.store.currentRevision) })),
    Snapshot: (call) => {
      call.destroy(EtcdError.notImplemented('Snapshot'));
    },
    MoveLeader: notYet('MoveLeader'),
  };
}
