// Small helpers for tests that talk gRPC through our service definitions: promise-returning unary calls, a
// pull-style reader for streams, and clients that report every field the decoder would have dropped.
import * as grpc from '@grpc/grpc-js';
import { etcdProtoRoot } from './codec.js';
import type { ServiceClientConstructor, UnaryClientMethod } from './services.js';
import { unknownFields } from './wire-check.js';

export const CALL_TIMEOUT_MS = 10_000;

/** Calls a unary method with a deadline: `await unary(kv, kv.Put, { key, value })`. */
export function unary<Req, Res>(
  client: grpc.Client,
  method: UnaryClientMethod<Req, Res>,
  request: Req,
  metadata: grpc.Metadata = new grpc.Metadata(),
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, metadata, { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, response) => {
      if (error) reject(error);
      else resolve(response!);
    });
  });
}

export class StreamEndedError extends Error {
  constructor() {
    super('stream ended');
  }
}

/** Buffers a stream's messages so a test can await them one at a time, in order. */
export class StreamReader<T> {
  private readonly buffered: T[] = [];
  private readonly waiting: { resolve: (message: T) => void; reject: (error: Error) => void }[] = [];
  private failure: Error | null = null;

  // `any`: the request side of a duplex stream does not matter for reading.
  constructor(stream: grpc.ClientReadableStream<T> | grpc.ClientDuplexStream<any, T>) {
    stream.on('data', (message: T) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter.resolve(message);
      else this.buffered.push(message);
    });
    const fail = (error: Error): void => {
      this.failure ??= error;
      for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
    };
    stream.on('error', fail);
    stream.on('end', () => fail(new StreamEndedError()));
  }

  /** The next message; rejects with the stream's error, a StreamEndedError, or after timeoutMs. */
  next(timeoutMs = 5_000): Promise<T> {
    const message = this.buffered.shift();
    if (message !== undefined) return Promise.resolve(message);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (m: T) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(new Error(`no stream message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.push(waiter);
    });
  }

  /** Reads until `done` says enough has arrived; returns everything read. */
  async until(done: (received: T[]) => boolean, timeoutMs = 5_000): Promise<T[]> {
    const received: T[] = [];
    const deadline = Date.now() + timeoutMs;
    while (!done(received)) received.push(await this.next(Math.max(1, deadline - Date.now())));
    return received;
  }

  /** Reads everything up to the stream's normal end. */
  async drain(timeoutMs = 5_000): Promise<T[]> {
    const received: T[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        received.push(await this.next(Math.max(1, deadline - Date.now())));
      } catch (error) {
        if (error instanceof StreamEndedError) return received;
        throw error;
      }
    }
  }
}

/**
 * A client constructor like `ctor` whose response decoding first records, into `problems`, every field on the
 * wire that our schema does not know or types differently: the sign of a wrong field number in our .proto.
 */
export function fieldCheckingClient<M>(ctor: ServiceClientConstructor<M>, problems: string[]): ServiceClientConstructor<M> {
  const service = etcdProtoRoot.lookupService(ctor.serviceName);
  const checked: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(ctor.service as Record<string, grpc.MethodDefinition<unknown, unknown>>)) {
    const responseType = service.methods[name]!.resolvedResponseType!;
    checked[name] = {
      ...method,
      responseDeserialize: (bytes: Buffer) => {
        problems.push(...unknownFields(responseType, bytes).map((problem) => `${ctor.serviceName}/${name}: ${problem}`));
        return method.responseDeserialize(bytes);
      },
    };
  }
  return grpc.makeGenericClientConstructor(checked, ctor.serviceName) as unknown as ServiceClientConstructor<M>;
}
