// etcdserverpb.Lease on a member. Grant and revoke go through Raft; keepalives and TTL queries are answered by
// the leader's lessor, forwarded there when this member follows.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type * as pb from '../../api/etcd/messages.js';
import type { LeaseMethods, ServiceImplementation } from '../../api/etcd/services.js';
import { ErrLeaseExpired, ErrLeaseNotFound, ErrNotPrimary } from '../lease/index.js';
import type { Member } from '../server/member.js';
import { EtcdError } from '../server/errors.js';
import { makeUnary, notForLearner, toServiceError } from './call-errors.js';
import { relayError, type LeaderProxy } from './leader-proxy.js';

const RETRY_MS = 100;

export function leaseService(member: Member, proxy: LeaderProxy, logger: Logger): ServiceImplementation<LeaseMethods> {
  const unary = makeUnary(logger, { hasLeader: () => member.leader !== 0, isLearner: () => member.isLearner });
  /** The TTL a keepalive answers with: the granted TTL, or 0 for a lease that does not exist (etcd's answer). */
  async function keepAliveOnce(id: bigint, deadline: number): Promise<bigint> {
    for (;;) {
      if (member.isLeader) {
        try {
          return BigInt(member.lessor.renew(id));
        } catch (e) {
          if (e instanceof ErrLeaseNotFound) return 0n;
          // Expired but not yet revoked: wait for the revoke (then: not found) or for a new leader.
          if (!(e instanceof ErrLeaseExpired) && !(e instanceof ErrNotPrimary)) throw e;
        }
      } else if (member.leaderClientUrl()) {
        return forwardKeepAlive(id);
      }
      if (Date.now() > deadline) throw EtcdError.timeout();
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }

  function forwardKeepAlive(id: bigint): Promise<bigint> {
    return new Promise((resolve, reject) => {
      const stream = proxy.leaseClient().LeaseKeepAlive({ deadline: Date.now() + 5000 });
      stream.once('data', (res: pb.LeaseKeepAliveResponse) => {
        resolve(res.TTL);
        stream.end();
      });
      stream.once('error', (e: grpc.ServiceError) => reject(relayError(e)));
      stream.write({ ID: id });
    });
  }

  async function timeToLive(req: pb.LeaseTimeToLiveRequest): Promise<Omit<pb.LeaseTimeToLiveResponse, 'header'>> {
    const deadline = Date.now() + 5000;
    for (;;) {
      if (member.isLeader) {
        const lease = member.lessor.get(req.ID);
        if (!lease) return { ID: req.ID, TTL: -1n, grantedTTL: 0n, keys: [] };
        try {
          const ttl = member.lessor.remainingTtl(req.ID);
          return { ID: req.ID, TTL: BigInt(ttl), grantedTTL: BigInt(lease.ttl), keys: req.keys ? member.lessor.keys(req.ID).map((k) => Buffer.from(k)) : [] };
        } catch (e) {
          if (!(e instanceof ErrNotPrimary)) throw e;
        }
      } else if (member.leaderClientUrl()) {
        return new Promise((resolve, reject) => {
          proxy.leaseClient().LeaseTimeToLive(req, { deadline: Date.now() + 5000 }, (err, res) => (err ? reject(relayError(err)) : resolve(res!)));
        });
      }
      if (Date.now() > deadline) throw EtcdError.noLeader();
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }

  return {
    LeaseGrant: unary('LeaseGrant', async (req) => {
      const res = await member.leaseGrant(req);
      return { header: member.header(member.store.currentRevision), ID: res.ID, TTL: res.TTL, error: '' };
    }),
    LeaseRevoke: unary('LeaseRevoke', async (req) => {
      await member.leaseRevoke(req.ID);
      return { header: member.header(member.store.currentRevision) };
    }),
    LeaseTimeToLive: unary('LeaseTimeToLive', async (req) => {
      const res = await timeToLive(req);
      return { ...res, header: member.header(member.store.currentRevision) };
    }),
    LeaseLeases: unary('LeaseLeases', async () => {
      await member.linearizableBarrier();
      return { header: member.header(member.store.currentRevision), leases: member.lessor.list().map((l) => ({ ID: l.id })) };
    }),
    LeaseKeepAlive: (call) => {
      if (member.isLearner) {
        call.emit('error', toServiceError(notForLearner(), logger, 'LeaseKeepAlive'));
        return;
      }
      // Answers go out in request order, one keepalive at a time per stream, as etcd's stream does.
      let chain = Promise.resolve();
      call.on('data', (req: pb.LeaseKeepAliveRequest) => {
        chain = chain.then(async () => {
          try {
            const ttl = await keepAliveOnce(req.ID, Date.now() + 5000 + 2 * member.cfg.electionTimeout);
            if (!call.cancelled) call.write({ header: member.header(member.store.currentRevision), ID: req.ID, TTL: ttl });
          } catch (e) {
            if (!call.cancelled) call.emit('error', toServiceError(e, logger, 'LeaseKeepAlive'));
          }
        });
      });
      call.on('end', () => void chain.then(() => call.end()));
      call.on('error', () => undefined);
    },
  };
}
