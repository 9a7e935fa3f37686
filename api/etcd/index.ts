// The one source of etcd v3 wire formats for Yawl: server, client and tests load the protos through here.
// Decoded messages: field names as in the .proto, int64/uint64 as bigint, bytes as Buffer, enums as names,
// defaults filled in (see codec.ts and messages.ts). Requests and replies are built as `Init<T>`.
export * from './messages.js';
export { DECODE_OPTIONS, PROTO_FILES, codecForType, etcdProtoRoot, messageCodec, protoDirectory } from './codec.js';
export type { MessageCodec } from './codec.js';
export * from './services.js';
export { unknownFields } from './wire-check.js';
