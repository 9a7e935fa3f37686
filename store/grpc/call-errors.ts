// Turns a failure into the gRPC status a client of etcd would get: EtcdErrors carry their own code and message;
// anything else is a bug and reaches the client as Unknown (and the log).
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { EtcdError } from '../server/errors.js';

export function toServiceError(e: unknown, logger: Logger, method: string): Partial<grpc.StatusObject> {
  if (e instanceof EtcdError) return { code: e.code, details: e.message };
  logger.error({ err: e, method }, 'request failed unexpectedly');
  return { code: grpc.status.UNKNOWN, details: (e as Error)?.message ?? String(e) };
}

/** Clients that need a leader (etcdctl watch, client-go) say so with metadata `hasleader: true`. */
export function requiresLeader(metadata: grpc.Metadata): boolean {
  return metadata.get('hasleader').some((v) => String(v) === 'true');
}

/** Wrap an async unary handler: resolve → callback(null, response); reject → status error. */
export function unaryHandler<Req, Res>(
  logger: Logger,
  method: string,
  fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>,
  hasLeader: () => boolean = () => true,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    if (requiresLeader(call.metadata) && !hasLeader()) {
      callback(toServiceError(EtcdError.noLeader(), logger, method) as grpc.ServiceError);
      return;
    }
    fn(call.request, call).then(
      (res) => callback(null, res),
      (e) => callback(toServiceError(e, logger, method) as grpc.ServiceError),
    );
  };
}

export const notForLearner = () => new EtcdError(grpc.status.UNAVAILABLE, 'etcdserver: rpc not supported for learner');

/** What a service's handlers need to know about their member. */
export interface HandlerContext {
  hasLeader(): boolean;
  isLearner(): boolean;
}

/**
 * unaryHandler bound to one member, for a service's handlers. As etcd, a learner answers only Status and
 * serializable reads: `learnerOk` says which requests those are.
 */
export function makeUnary(logger: Logger, ctx: HandlerContext) {
  return <Req, Res>(method: string, fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>, learnerOk: (req: Req) => boolean = () => false): grpc.handleUnaryCall<Req, Res> =>
    unaryHandler(
      logger,
      method,
      async (req, call) => {
        if (ctx.isLearner() && !learnerOk(req)) throw notForLearner();
        return fn(req, call);
      },
      ctx.hasLeader,
    );
}
