// Checks our hand-written .proto files against the schema compiled into the real etcd binary. Go protobuf code
// registers each .proto as a gzipped FileDescriptorProto, so /usr/bin/etcd carries etcd's own field numbers,
// types, oneofs, enums and RPCs; comparing against them covers every message, including those (auth, cluster
// changes, lock, election) that wire.test.ts exercises only in part.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import protobuf from 'protobufjs';
import 'protobufjs/ext/descriptor.js';
import { describe, expect, test } from 'vitest';
import { etcdProtoRoot } from './index.js';
import { REAL_ETCD_BINARY } from './real-etcd.js';

// The files etcd compiles in that our protos stand for (etcd's paths; health comes from grpc-go).
const ETCD_FILES = ['kv.proto', 'auth.proto', 'rpc.proto', 'v3lock.proto', 'v3election.proto', 'grpc/health/v1/health.proto'];

/** Every gzipped FileDescriptorProto in a Go binary, by file name. */
function embeddedFileDescriptors(binary: Buffer): Map<string, Buffer> {
  const gzipMagic = Buffer.from([0x1f, 0x8b, 0x08]);
  const files = new Map<string, Buffer>();
  for (let at = binary.indexOf(gzipMagic); at >= 0; at = binary.indexOf(gzipMagic, at + 1)) {
    let inflated: Buffer;
    try {
      // Sync flush: the stream's end is unknown, so inflate what is there and ignore trailing bytes.
      inflated = gunzipSync(binary.subarray(at, at + 256 * 1024), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      continue;
    }
    // A FileDescriptorProto starts with field 1 (name), a length-delimited string ending in .proto.
    if (inflated[0] !== 0x0a) continue;
    const name = inflated.subarray(2, 2 + inflated[1]!).toString('latin1');
    if (name.endsWith('.proto')) files.set(name, inflated);
  }
  return files;
}

function rootFromDescriptors(files: Buffer[]): protobuf.Root {
  // A FileDescriptorSet is just its files as repeated field 1.
  const set = protobuf.Writer.create();
  for (const file of files) set.uint32(0x0a).bytes(file);
  const root = protobuf.Root.fromDescriptor(set.finish(), { keepCase: true });
  root.resolveAll();
  return root;
}

type Reflected = protobuf.Type | protobuf.Enum | protobuf.Service;

function reflectedByName(ns: protobuf.NamespaceBase, into = new Map<string, Reflected>()): Map<string, Reflected> {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type || nested instanceof protobuf.Enum || nested instanceof protobuf.Service) {
      into.set(nested.fullName, nested);
    }
    if (nested instanceof protobuf.Namespace) reflectedByName(nested, into);
  }
  return into;
}

/** One line per field / enum value / method, so a mismatch shows up as a readable diff. */
function describeReflected(item: Reflected): string[] {
  if (item instanceof protobuf.Type) {
    return item.fieldsArray.map((field) => {
      const type = field.resolvedType ? field.resolvedType.fullName : field.type;
      const oneof = field.partOf ? ` oneof ${field.partOf.name}` : '';
      return `${item.fullName}.${field.name} = ${field.id}: ${field.repeated ? 'repeated ' : ''}${type}${oneof}`;
    });
  }
  if (item instanceof protobuf.Enum) {
    return Object.entries(item.values).map(([name, value]) => `${item.fullName}.${name} = ${value}`);
  }
  return item.methodsArray.map((method) => {
    method.resolve();
    const stream = (on: boolean | undefined): string => (on ? 'stream ' : '');
    return `${item.fullName}.${method.name}(${stream(method.requestStream)}${method.resolvedRequestType!.fullName}) returns (${stream(method.responseStream)}${method.resolvedResponseType!.fullName})`;
  });
}

function schemaLines(root: protobuf.Root): string[] {
  return [...reflectedByName(root).values()].flatMap(describeReflected).sort();
}

const available = existsSync(REAL_ETCD_BINARY);
const skipReason = `SKIPPED: ${REAL_ETCD_BINARY} is missing (apt-get install etcd-server)`;
if (!available) console.warn(`descriptor.test.ts ${skipReason}`);

describe.skipIf(!available)(`our .proto files against the schema inside ${REAL_ETCD_BINARY}${available ? '' : ` — ${skipReason}`}`, () => {
  const embedded = available ? embeddedFileDescriptors(readFileSync(REAL_ETCD_BINARY)) : new Map<string, Buffer>();

  test('the binary carries every file we mirror', () => {
    expect(ETCD_FILES.filter((name) => !embedded.has(name))).toEqual([]);
  });

  test('every message, field number, type, oneof, enum value and RPC matches', () => {
    const etcds = rootFromDescriptors(ETCD_FILES.map((name) => embedded.get(name)!));
    const ours = schemaLines(etcdProtoRoot);
    const theirs = schemaLines(etcds);
    expect(theirs.length).toBeGreaterThan(300);
    expect(ours).toEqual(theirs);
  });
});
