// Loads the etcd .proto files once and turns protobufjs types into encode/decode pairs. Server, client and tests
// all decode through here, so every side sees the same shapes (described in messages.ts).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { Init } from './messages.js';

export const PROTO_FILES = ['kv.proto', 'auth.proto', 'rpc.proto', 'v3lock.proto', 'v3election.proto', 'health.proto'] as const;

/**
 * How decoded messages look. longs: BigInt because lease and member ids use all 64 bits and a JS number would
 * silently round them; bigint (unlike a string) also makes TypeScript refuse `rev + 1` mixed with numbers.
 * defaults: proto3 omits zero values on the wire, and callers should read `kv.version === 0n`, not undefined.
 * oneofs: adds the oneof's name as a field saying which member is set (RequestOp.request = 'request_put').
 * bytes stay Buffers (protobufjs's default under Node), never base64 strings.
 */
export const DECODE_OPTIONS: protobuf.IConversionOptions = {
  longs: BigInt,
  enums: String,
  defaults: true,
  arrays: true,
  oneofs: true,
};

/** The .proto files sit beside this module in the source tree, and under <package>/api/etcd when built to dist/. */
export function protoDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [here, resolve(here, '../../../api/etcd')];
  const found = candidates.find((dir) => existsSync(join(dir, 'rpc.proto')));
  if (!found) throw new Error(`etcd .proto files not found; looked in ${candidates.join(', ')}`);
  return found;
}

function loadRoot(): protobuf.Root {
  const dir = protoDirectory();
  const root = new protobuf.Root();
  // keepCase: field names stay as etcd spells them, which is also what proto-JSON and etcdctl -w json show.
  root.loadSync(
    PROTO_FILES.map((file) => join(dir, file)),
    { keepCase: true },
  );
  root.resolveAll();
  return root;
}

/** The one protobufjs Root holding every etcd type, e.g. `etcdProtoRoot.lookupType('etcdserverpb.PutRequest')`. */
export const etcdProtoRoot: protobuf.Root = loadRoot();

export interface MessageCodec<T> {
  readonly type: protobuf.Type;
  /** Encodes a message; a string where bytes are expected is a type error, as protobufjs would read it as base64. */
  encode(message: Init<T>): Buffer;
  decode(bytes: Uint8Array): T;
}

export function codecForType<T>(type: protobuf.Type): MessageCodec<T> {
  return {
    type,
    encode(message: Init<T>): Buffer {
      const bytes = type.encode(type.fromObject(message as Record<string, unknown>)).finish();
      // grpc-js insists on a Buffer; under Node protobufjs already returns one, so this rarely copies.
      return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    decode(bytes: Uint8Array): T {
      return type.toObject(type.decode(bytes), DECODE_OPTIONS) as T;
    },
  };
}

/** Codec for a message by its full name, e.g. `messageCodec<KeyValue>('mvccpb.KeyValue')`. */
export function messageCodec<T>(fullName: string): MessageCodec<T> {
  return codecForType<T>(etcdProtoRoot.lookupType(fullName));
}
