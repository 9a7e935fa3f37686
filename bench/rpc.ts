// Calls as promises, and failures as the short messages the error distribution counts them by.
import * as grpc from '@grpc/grpc-js';
import type { UnaryClientMethod } from '../api/etcd/index.js';

/** A unary call; timeoutMs 0 = no deadline. */
export function unary<Req, Res>(client: grpc.Client, method: UnaryClientMethod<Req, Res>, request: Req, timeoutMs: number): Promise<Res> {
  return new Promise((resolve, reject) => {
    const options: Partial<grpc.CallOptions> = timeoutMs > 0 ? { deadline: Date.now() + timeoutMs } : {};
    method.call(client, request, new grpc.Metadata(), options, (error, response) => {
      if (error) reject(error);
      else resolve(response!);
    });
  });
}

function isServiceError(error: unknown): error is grpc.ServiceError {
  return error instanceof Error && typeof (error as Partial<grpc.ServiceError>).code === 'number' && 'details' in error;
}

/**
 * grpc-js puts per-call numbers in some details ("Deadline exceeded after 30.002s,LB pick: 0.000s,...") and an
 * empty "Resolution note: " at the end of others; without them, one kind of failure is one line of the report.
 */
export function normaliseDetails(details: string): string {
  return details
    .replace(/^(Deadline exceeded) after .*$/s, '$1')
    .replace(/\.?\s*Resolution note:\s*$/, '')
    .trim();
}

/** `UNAVAILABLE: No connection established`, `etcdserver: request timed out`, ...: one line per kind of failure. */
export function errorMessage(error: unknown): string {
  if (isServiceError(error)) {
    const code = grpc.status[error.code] ?? String(error.code);
    return `${code}: ${normaliseDetails(error.details)}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
