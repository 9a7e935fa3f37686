// etcdserverpb.KV on a member: Range, Put, DeleteRange, Txn, Compact.
import type { Logger } from 'pino';
import type { KVMethods, ServiceImplementation } from '../../api/etcd/services.js';
import type { Member } from '../server/member.js';
import { unaryHandler } from './call-errors.js';

export function kvService(member: Member, logger: Logger): ServiceImplementation<KVMethods> {
  return {
    Range: unaryHandler(logger, 'Range', async (req) => {
      const res = await member.range(req);
      return { ...res, header: member.header(res.header.revision) };
    }),
    Put: unaryHandler(logger, 'Put', async (req) => {
      const res = (await member.put(req)) as { header: { revision: bigint } };
      return { ...res, header: member.header(res.header.revision) };
    }),
    DeleteRange: unaryHandler(logger, 'DeleteRange', async (req) => {
      const res = (await member.deleteRange(req)) as { header: { revision: bigint } };
      return { ...res, header: member.header(res.header.revision) };
    }),
    Txn: unaryHandler(logger, 'Txn', async (req) => {
      const res = await member.txn(req);
      return { ...res, header: member.header(res.header.revision) };
    }),
    Compact: unaryHandler(logger, 'Compact', async (req) => {
      const rev = await member.compact(req);
      return { header: member.header(rev) };
    }),
  };
}
