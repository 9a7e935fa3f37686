// etcdserverpb.Watch: one WatchStream of the hub per gRPC stream; gRPC's own backpressure (write() returning
// false, then 'drain') tells the hub to set a slow stream's watchers aside instead of buffering without bound.
import type { Logger } from 'pino';
import type * as pb from '../../api/etcd/messages.js';
import type { ServiceImplementation, WatchMethods } from '../../api/etcd/services.js';
import type { Member } from '../server/member.js';

export function watchService(member: Member, logger: Logger): ServiceImplementation<WatchMethods> {
  return {
    Watch: (call) => {
      const stream = member.watches.openStream({
        send: (resp) => (call.cancelled ? true : call.write(resp)),
      });
      call.on('drain', () => stream.drained());
      call.on('data', (req: pb.WatchRequest) => {
        try {
          stream.handle(req);
        } catch (e) {
          logger.error({ err: e }, 'watch request failed');
          call.destroy(e as Error);
        }
      });
      const close = () => stream.close();
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
