// etcdserverpb.Cluster on a member: MemberList, MemberAdd, MemberRemove, MemberUpdate, MemberPromote. Promotion
// needs the leader's view of the learner's progress, so a follower forwards it to the leader, as etcd does.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type * as pb from '../../api/etcd/messages.js';
import { ClusterClient, type ClusterMethods, type ServiceImplementation } from '../../api/etcd/services.js';
import { EtcdError } from '../server/errors.js';
import type { Member } from '../server/member.js';
import { makeUnary } from './call-errors.js';
import { relayError } from './leader-proxy.js';

export function clusterService(member: Member, logger: Logger): ServiceImplementation<ClusterMethods> {
  const unary = makeUnary(logger, { hasLeader: () => member.leader !== 0, isLearner: () => member.isLearner });
  const ms = member.membership;
  return {
    MemberList: unary('MemberList', async () => {
      // Served from this member's applied membership, without a read barrier (as etcd 3.4): it must answer
      // even while a freshly added member is not running yet and the cluster has no quorum. etcd 3.4 reports revision 0 in the headers of the membership RPCs.
      return { header: member.header(0), members: ms.list() };
    }),
    MemberAdd: unary('MemberAdd', async (req) => {
      const added = await ms.add(req);
      return { header: member.header(0), member: added, members: ms.list() };
    }),
    MemberRemove: unary('MemberRemove', async (req) => {
      await ms.remove(req.ID);
      return { header: member.header(0), members: ms.list() };
    }),
    MemberUpdate: unary('MemberUpdate', async (req) => {
      await ms.update(req);
      return { header: member.header(0), members: ms.list() };
    }),
    MemberPromote: unary('MemberPromote', async (req) => {
      if (!member.isLeader) return forwardPromote(member, req);
      await ms.promote(req.ID);
      return { header: member.header(0), members: ms.list() };
    }),
  };
}

function forwardPromote(member: Member, req: pb.MemberPromoteRequest): Promise<pb.MemberPromoteResponse> {
  const url = member.leaderClientUrl();
  if (!url) return Promise.reject(EtcdError.noLeader());
  const client = new ClusterClient(new URL(url).host, grpc.credentials.createInsecure());
  return new Promise<pb.MemberPromoteResponse>((resolve, reject) => {
    client.MemberPromote(req, { deadline: Date.now() + 10_000 }, (err, res) => (err ? reject(relayError(err)) : resolve({ ...res!, header: member.header(0) })));
  }).finally(() => client.close());
}
