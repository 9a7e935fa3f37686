// etcdserverpb.Watch: one WatchStream of the hub per gRPC stream; gRPC's own backpressure (write() returning
// false, then 'drain') tells the hub to set a slow stream's watchers aside instead of buffering without bound.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type * as pb from '../../api/etcd/messages.js';
import type { ServiceImplementation, WatchMethods } from '../../api/etcd/services.js';
import type { Member } from '../server/member.js';
import { notForLearner, requiresLeader, toServiceError } from './call-errors.js';
import { EtcdError } from '../server/errors.js';

export function watchService(member: Member, logger: Logger): ServiceImplementation<WatchMethods> {
  return {
    Watch: (call) => {
      if (member.isLearner) {
        call.emit('error', toServiceError(notForLearner(), logger, 'Watch'));
        return;
      }
      if (requiresLeader(call.metadata) && member.leader === 0) {
        call.emit('error', toServiceError(EtcdError.noLeader(), logger, 'Watch'));
        return;
      }
      const stream = member.watches.openStream(
        { send: (resp) => (call.cancelled ? true : call.write(resp)) },
        () => call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'etcdserver: the store was replaced by a snapshot; resume the watch' }),
      );
      call.on('drain', () => stream.drained());
      call.on('data', (req: pb.WatchRequest) => {
        try {
          stream.handle(req);
        } catch (e) {
          logger.error({ err: e }, 'watch request failed');
          call.emit('error', toServiceError(e, logger, 'Watch'));
        }
      });
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        stream.close();
        member.watches.closed(stream);
      };
      call.on('end', () => {
        close();
        call.end();
      });
      call.on('cancelled', close);
      call.on('error', close);
      call.on('close', close);
    },
  };
}
