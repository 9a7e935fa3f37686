// Finds what a decoder would silently drop: fields on the wire that our schema does not know, or that arrive
// with a wire type our schema does not expect. protobufjs skips both without a word, so a wrong field number
// in a .proto would otherwise show up only as a mysteriously empty field. Used by tests against real etcd and
// useful for differential tests of our own server.
import protobuf from 'protobufjs';
import type { Type } from 'protobufjs';

const VARINT = 0;
const LENGTH_DELIMITED = 2;

/** Wire types a field may legally arrive with (repeated scalars may be packed into one length-delimited run). */
function expectedWireTypes(field: protobuf.Field): number[] {
  if (field.resolvedType instanceof protobuf.Type) return [LENGTH_DELIMITED];
  const basicWireTypes: Record<string, number | undefined> = protobuf.types.basic;
  const scalar = field.resolvedType instanceof protobuf.Enum ? VARINT : basicWireTypes[field.type];
  if (scalar === undefined || scalar === LENGTH_DELIMITED) return [LENGTH_DELIMITED];
  return field.repeated ? [scalar, LENGTH_DELIMITED] : [scalar];
}

/** Describes every unknown or mistyped field in `bytes` read as `type`, recursing into nested messages. */
export function unknownFields(type: Type, bytes: Uint8Array, path: string = type.name): string[] {
  const problems: string[] = [];
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const fieldNumber = tag >>> 3;
    const wireType = tag & 7;
    const field = type.fieldsById[fieldNumber];
    if (!field) {
      problems.push(`${path}: unknown field ${fieldNumber} (wire type ${wireType})`);
      reader.skipType(wireType);
      continue;
    }
    field.resolve();
    if (!expectedWireTypes(field).includes(wireType)) {
      problems.push(`${path}.${field.name}: wire type ${wireType} does not fit ${field.type}`);
      reader.skipType(wireType);
      continue;
    }
    if (field.resolvedType instanceof protobuf.Type) {
      problems.push(...unknownFields(field.resolvedType, reader.bytes(), `${path}.${field.name}`));
    } else {
      reader.skipType(wireType);
    }
  }
  return problems;
}
