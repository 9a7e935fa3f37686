// etcdserverpb.Cluster on a member: MemberList. Adding, removing, updating and promoting members is the next
// issue's work and answers Unimplemented until then, so a client learns plainly that it is missing.
import type { Logger } from 'pino';
import type * as pb from '../../api/etcd/messages.js';
import type { ClusterMethods, ServiceImplementation } from '../../api/etcd/services.js';
import { EtcdError } from '../server/errors.js';
import type { Member } from '../server/member.js';
import { makeUnary } from './call-errors.js';

export function clusterService(member: Member, logger: Logger): ServiceImplementation<ClusterMethods> {
  const unary = makeUnary(logger, () => member.leader !== 0);
  const members = (): pb.Member[] =>
    member
      .members()
      .map((m) => ({ ID: BigInt(m.id), name: m.name, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs], isLearner: m.isLearner }))
      .sort((a, b) => (a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0));
  const notYet = (what: string) => unary<unknown, never>(what, async () => {
    throw EtcdError.notImplemented(what);
  });
  return {
    MemberList: unary('MemberList', async () => {
      await member.linearizableBarrier();
      // etcd 3.4 reports revision 0 in MemberList's header.
      return { header: member.header(0), members: members() };
    }),
    MemberAdd: notYet('MemberAdd'),
    MemberRemove: notYet('MemberRemove'),
    MemberUpdate: notYet('MemberUpdate'),
    MemberPromote: notYet('MemberPromote'),
  };
}
