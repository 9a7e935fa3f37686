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

/** unaryHandler bound to one member's logger and leader check, for a service's handlers. */
export function makeUnary(logger: Logger, hasLeader: () => boolean) {
  return <Req, Res>(method: string, fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>): grpc.handleUnaryCall<Req, Res> => unaryHandler(logger, method, fn, hasLeader);
}
