// Which failed requests may still have changed the store. A linearizability checker must treat every write that
// failed for an unknown reason as "may or may not have happened", which is expensive; a failure we can prove
// harmless lets it drop the operation. We only call a failure definite when its cause is certain.
import * as grpc from '@grpc/grpc-js';
import { isServiceError } from '../cluster/clients.js';
import type { Failure, Request } from '../history/types.js';

/** Codes etcd returns only after deciding, before proposing, that the request cannot be applied. */
const REJECTED_BEFORE_PROPOSAL = new Set<number>([
  grpc.status.INVALID_ARGUMENT,
  grpc.status.FAILED_PRECONDITION,
  grpc.status.NOT_FOUND,
  grpc.status.OUT_OF_RANGE,
  grpc.status.ALREADY_EXISTS,
  grpc.status.PERMISSION_DENIED,
  grpc.status.UNAUTHENTICATED,
  grpc.status.RESOURCE_EXHAUSTED,
]);

/**
 * grpc-js fails a call without sending it when the channel has no connection (the member is down): these details
 * say so. Anything else that is UNAVAILABLE (a connection reset mid-call) may have reached the member.
 */
const NEVER_SENT = [/No connection established/i, /ECONNREFUSED/, /Connection refused/i, /name resolution/i];

export function classifyFailure(request: Request, error: unknown): Failure {
  if (!isServiceError(error)) {
    return { code: 'CLIENT', message: error instanceof Error ? error.message : String(error), definite: true };
  }
  const code = grpc.status[error.code] ?? String(error.code);
  const message = error.details || error.message;
  const readOnly = request.type === 'get' || request.type === 'range';
  const definite =
    readOnly ||
    REJECTED_BEFORE_PROPOSAL.has(error.code) ||
    (error.code === grpc.status.UNAVAILABLE && NEVER_SENT.some((pattern) => pattern.test(message)));
  return { code, message, definite };
}
