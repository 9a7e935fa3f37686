// etcdserverpb.KV on a member: Range, Put, DeleteRange, Txn, Compact.
import type { Logger } from 'pino';
import type { KVMethods, ServiceImplementation } from '../../api/etcd/services.js';
import type { Member } from '../server/member.js';
import { makeUnary } from './call-errors.js';

export function kvService(member: Member, logger: Logger): ServiceImplementation<KVMethods> {
  const unary = makeUnary(logger, { hasLeader: () => member.leader !== 0, isLearner: () => member.isLearner });
  return {
    Range: unary('Range', async (req) => {
      const res = await member.range(req);
      return { ...res, header: member.header(res.header.revision) };
    }, (req) => req.serializable),
    Put: unary('Put', async (req) => {
      const res = (await member.put(req)) as { header: { revision: bigint } };
      return { ...res, header: member.header(res.header.revision) };
    }),
    DeleteRange: unary('DeleteRange', async (req) => {
      const res = (await member.deleteRange(req)) as { header: { revision: bigint } };
      return { ...res, header: member.header(res.header.revision) };
    }),
    Txn: unary('Txn', async (req) => {
      const res = await member.txn(req);
      return { ...res, header: member.header(res.header.revision) };
    }),
    Compact: unary('Compact', async (req) => {
      const rev = await member.compact(req);
      return { header: member.header(rev) };
    }),
  };
}
