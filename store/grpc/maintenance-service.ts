// etcdserverpb.Maintenance on a member: Status, Hash, HashKV, Alarm, Defragment, Snapshot, MoveLeader.
import { createHash } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type * as pb from '../../api/etcd/messages.js';
import type { MaintenanceMethods, ServiceImplementation } from '../../api/etcd/services.js';
import { crc32c } from '../mvcc/crc32c.js';
import { EtcdError } from '../server/errors.js';
import type { Member } from '../server/member.js';
import { snapshotResponses } from '../snapshot/index.js';
import { makeUnary, toServiceError } from './call-errors.js';

/** The etcd server version yawl answers as: the API and behaviour it implements, which clients check. */
export const ETCD_COMPAT_VERSION = '3.4.23';

const notLeader = () => new EtcdError(status.FAILED_PRECONDITION, 'etcdserver: not leader');
const badTransferee = () => new EtcdError(status.FAILED_PRECONDITION, 'etcdserver: bad leader transferee');
const transferTimeout = () => new EtcdError(status.UNAVAILABLE, 'etcdserver: request timed out, leader transfer took too long');

export function maintenanceService(member: Member, logger: Logger): ServiceImplementation<MaintenanceMethods> {
  const unary = makeUnary(logger, { hasLeader: () => member.leader !== 0, isLearner: () => member.isLearner });
  const alarmMembers = (): pb.AlarmMember[] => member.alarms().map((a) => ({ memberID: BigInt(a.memberId), alarm: a.alarm }));
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
        // etcd lists active alarms here, in its own words.
        errors: member.alarms().map((a) => `memberID:${BigInt(a.memberId)} alarm:${a.alarm} `),
        dbSizeInUse: size,
        isLearner: member.isLearner,
      };
    }, () => true),
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
    Alarm: unary('Alarm', async (req) => {
      if (req.action === 'GET') {
        // etcd answers alarm requests through Raft, GET included: a linearizable read point gives the same view.
        await member.linearizableBarrier();
        return { header: member.header(member.store.currentRevision), alarms: alarmMembers() };
      }
      const before = alarmMembers();
      await member.propose({ kind: 'alarm', req });
      if (req.action === 'ACTIVATE') return { header: member.header(member.store.currentRevision), alarms: [{ memberID: req.memberID, alarm: req.alarm }] };
      // Deactivation answers with the alarms it cleared.
      const cleared = before.filter((a) => a.memberID === req.memberID && (req.alarm === 'NONE' || a.alarm === req.alarm));
      return { header: member.header(member.store.currentRevision), alarms: cleared };
    }),
    Defragment: unary('Defragment', async () => {
      await member.flushState();
      await member.db.defragment();
      return { header: member.header(member.store.currentRevision) };
    }),
    Snapshot: (call) => {
      void (async () => {
        try {
          await member.flushState();
          const source = await member.db.exportSnapshot();
          for await (const resp of snapshotResponses(source, member.header(member.store.currentRevision))) {
            if (call.cancelled) return;
            if (!call.write(resp)) await new Promise((r) => call.once('drain', r));
          }
          call.end();
        } catch (e) {
          call.emit('error', toServiceError(e, logger, 'Snapshot'));
        }
      })();
    },
    MoveLeader: unary('MoveLeader', async (req) => {
      if (!member.isLeader) throw notLeader();
      const target = Number(req.targetID);
      if (!member.members().some((m) => Number(m.id) === target && !m.isLearner)) throw badTransferee();
      if (target === member.id) return {}; // already there, as etcd answers
      member.driver.withNode((n) => n.transferLeadership(target));
      const deadline = Date.now() + 5000 + 2 * member.cfg.electionTimeout;
      while (member.leader !== target) {
        if (Date.now() > deadline) throw transferTimeout();
        await new Promise((r) => setTimeout(r, member.cfg.heartbeatInterval));
      }
      return {};
    }),
  };
}
