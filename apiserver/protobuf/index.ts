// Decodes Kubernetes protobuf request bodies (Content-Type application/vnd.kubernetes.protobuf, what kubectl and
// client-go send for built-in types) into the JSON object Kubernetes' own JSON encoding would produce, so the rest of
// the apiserver only ever sees JSON.
//
// Wire format (k8s.io/apimachinery/pkg/runtime/serializer/protobuf): 4 magic bytes "k8s\0", then a runtime.Unknown
// {typeMeta{apiVersion, kind}, raw, contentEncoding, contentType} whose raw bytes are the object's own message, e.g.
// k8s.io.api.core.v1.Pod. The .proto files in api/k8s/proto carry upstream's messages plus two options that say how
// Go prints each field as JSON: (gogoproto.nullable) = false for non-pointer Go fields and (gogoproto.jsontag) where
// the json tag is not "<name>,omitempty" (see the header of any of those files).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { formatGoDuration, formatRfc3339 } from './go-format.js';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** The 4 bytes every Kubernetes protobuf body starts with. */
export const PROTOBUF_MAGIC: Buffer = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** A body that is not a Kubernetes protobuf object we can decode; the message says what is wrong. */
export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError';
}

const META_V1 = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** API group -> the group's segment in upstream proto package names (k8s.io.api.<segment>.<version>). */
const GROUP_PACKAGES: Record<string, string> = {
  '': 'core',
  apps: 'apps',
  autoscaling: 'autoscaling',
  batch: 'batch',
  policy: 'policy',
  'coordination.k8s.io': 'coordination',
  'rbac.authorization.k8s.io': 'rbac',
  'networking.k8s.io': 'networking',
  'discovery.k8s.io': 'discovery',
  'events.k8s.io': 'events',
  'scheduling.k8s.io': 'scheduling',
  'storage.k8s.io': 'storage',
  'node.k8s.io': 'node',
  'certificates.k8s.io': 'certificates',
  'authentication.k8s.io': 'authentication',
  'authorization.k8s.io': 'authorization',
  'admissionregistration.k8s.io': 'admissionregistration',
  'flowcontrol.apiserver.k8s.io': 'flowcontrol',
};

/** The .proto files sit in api/k8s/proto of the source tree, and under <package>/api/k8s/proto when built to dist/. */
export function k8sProtoDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../api/k8s/proto'), resolve(here, '../../../api/k8s/proto')];
  const found = candidates.find((dir) => existsSync(join(dir, 'core-v1.proto')));
  if (!found) throw new Error(`Kubernetes .proto files not found; looked in ${candidates.join(', ')}`);
  return found;
}

let root: protobuf.Root | undefined;

/** Every Kubernetes message we know, loaded on first use (about 150 ms). */
export function kubernetesProtoRoot(): protobuf.Root {
  if (!root) {
    const dir = k8sProtoDirectory();
    const files = readdirSync(dir)
      .filter((file) => file.endsWith('.proto'))
      .sort()
      .map((file) => join(dir, file));
    const loaded = new protobuf.Root();
    loaded.loadSync(files, { keepCase: true });
    loaded.resolveAll();
    root = loaded;
  }
  return root;
}

/** The message type for apiVersion + kind, e.g. ('apps/v1', 'Deployment') -> k8s.io.api.apps.v1.Deployment. */
export function kubernetesMessageType(apiVersion: string, kind: string): protobuf.Type {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(kind)) throw new ProtobufDecodeError(`invalid kind ${JSON.stringify(kind)}`);
  if (!/^v[0-9][a-z0-9]*$/.test(version)) throw new ProtobufDecodeError(`invalid apiVersion ${JSON.stringify(apiVersion)}`);
  const r = kubernetesProtoRoot();
  const candidates: string[] = [];
  if (group === 'meta.k8s.io') candidates.push(`${META_V1}.${kind}`);
  else {
    const segment = GROUP_PACKAGES[group];
    if (segment === undefined) throw new ProtobufDecodeError(`unknown API group ${JSON.stringify(group)} (apiVersion ${apiVersion})`);
    candidates.push(`k8s.io.api.${segment}.${version}.${kind}`);
    // Options and Status types (DeleteOptions, CreateOptions, Status, ...) are registered in every group version.
    if (version === 'v1') candidates.push(`${META_V1}.${kind}`);
  }
  for (const name of candidates) {
    const found = r.lookup(name);
    if (found instanceof protobuf.Type) return found;
  }
  throw new ProtobufDecodeError(`unknown kind ${kind} in apiVersion ${apiVersion}: no protobuf message ${candidates[0]}`);
}

function hasMagic(body: Uint8Array): boolean {
  return body.length >= 4 && PROTOBUF_MAGIC.equals(Buffer.from(body.buffer, body.byteOffset, 4));
}

interface UnknownEnvelope {
  typeMeta?: { apiVersion?: string; kind?: string };
  raw?: Uint8Array;
  contentEncoding?: string;
  contentType?: string;
}

/**
 * Decodes a Kubernetes protobuf body into the JSON object Kubernetes would print for it: kind and apiVersion from
 * the envelope first, then the object's fields under their json names.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): Record<string, unknown> {
  if (!hasMagic(body)) {
    throw new ProtobufDecodeError('bad magic: a Kubernetes protobuf body starts with the 4 bytes "k8s\\0"');
  }
  const r = kubernetesProtoRoot();
  const unknownType = r.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  let envelope: UnknownEnvelope;
  try {
    envelope = unknownType.decode(body.subarray(4)) as unknown as UnknownEnvelope;
  } catch (error) {
    throw new ProtobufDecodeError(`malformed runtime.Unknown envelope: ${(error as Error).message}`);
  }
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  if (!apiVersion || !kind) {
    throw new ProtobufDecodeError(`the envelope names no ${!apiVersion ? 'apiVersion' : 'kind'} (typeMeta is required)`);
  }
  if (envelope.contentEncoding) {
    throw new ProtobufDecodeError(`unsupported contentEncoding ${JSON.stringify(envelope.contentEncoding)}`);
  }
  const raw = envelope.raw ?? new Uint8Array(0);
  const contentType = envelope.contentType ?? '';
  if (contentType && contentType !== PROTOBUF_CONTENT_TYPE) {
    if (contentType !== 'application/json') throw new ProtobufDecodeError(`unsupported contentType ${JSON.stringify(contentType)}`);
    const parsed = parseJson(raw, `${kind} raw JSON`);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ProtobufDecodeError(`${kind} raw JSON is not an object`);
    return { kind, apiVersion, ...(parsed as Record<string, unknown>) };
  }
  const type = kubernetesMessageType(apiVersion, kind);
  let message: protobuf.Message;
  try {
    message = type.decode(raw);
  } catch (error) {
    throw new ProtobufDecodeError(`malformed ${kind} (${type.fullName.slice(1)}): ${(error as Error).message}`);
  }
  const fields = messageToJson(type, message);
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new ProtobufDecodeError(`${kind} does not decode to an object`);
  }
  return { kind, apiVersion, ...(fields as Record<string, unknown>) };
}

/**
 * Builds a Kubernetes protobuf body (magic + runtime.Unknown) from a plain object in protobufjs's shape (proto field
 * names, Quantity as {string}, Time as {seconds}, bytes as Buffers). For tests and tools.
 */
export function encodeKubernetesProtobuf(apiVersion: string, kind: string, message: Record<string, unknown>): Buffer {
  const type = kubernetesMessageType(apiVersion, kind);
  const problem = type.verify(message);
  if (problem) throw new Error(`invalid ${kind}: ${problem}`);
  const raw = type.encode(type.fromObject(message)).finish();
  const unknownType = kubernetesProtoRoot().lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  const envelope = unknownType.encode(unknownType.fromObject({ typeMeta: { apiVersion, kind }, raw })).finish();
  return Buffer.concat([PROTOBUF_MAGIC, envelope]);
}

// ---- protobuf message -> Go JSON ----

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function parseJson(bytes: Uint8Array, what: string): Json {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as Json;
  } catch (error) {
    throw new ProtobufDecodeError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof value === 'object' && 'low' in value) return Number((value as { toString(): string }).toString());
  return Number(value ?? 0);
}

function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (value && typeof value === 'object' && 'low' in value) return BigInt((value as { toString(): string }).toString());
  return 0n;
}

function own(message: object, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(message, name);
}

type Special = (message: Record<string, unknown>) => Json;

function timeToJson(fractionDigits: 0 | 6): Special {
  return (m) => {
    const seconds = toNumber(m.seconds);
    const nanos = toNumber(m.nanos);
    // Go prints the zero time.Time as null.
    if (seconds === 0 && nanos === 0) return null;
    try {
      return formatRfc3339(seconds, nanos, fractionDigits);
    } catch (error) {
      throw new ProtobufDecodeError((error as Error).message);
    }
  };
}

function rawToJson(bytes: unknown, what: string): Json {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) return null;
  // An embedded object may itself be protobuf-encoded (runtime.RawExtension inside a protobuf body).
  if (hasMagic(bytes)) return decodeKubernetesProtobuf(bytes) as Json;
  return parseJson(bytes, what);
}

/** Types whose Go JSON form is not an object of their fields, keyed by full protobuf name. */
const SPECIAL: Record<string, Special> = {
  '.k8s.io.apimachinery.pkg.api.resource.Quantity': (m) => (typeof m.string === 'string' && m.string !== '' ? m.string : '0'),
  '.k8s.io.apimachinery.pkg.util.intstr.IntOrString': (m) =>
    toNumber(m.type) === 1 ? String(m.strVal ?? '') : toNumber(m.intVal),
  [`.${META_V1}.Time`]: timeToJson(0),
  [`.${META_V1}.MicroTime`]: timeToJson(6),
  [`.${META_V1}.Duration`]: (m) => formatGoDuration(toBigInt(m.duration)),
  [`.${META_V1}.FieldsV1`]: (m) => rawToJson(m.Raw, 'FieldsV1'),
  [`.${META_V1}.Verbs`]: (m) => ((m.items as string[] | undefined) ?? []).slice(),
  '.k8s.io.apimachinery.pkg.runtime.RawExtension': (m) => rawToJson(m.raw, 'RawExtension'),
};

/** Go types that are []string and travel as a message {repeated string items = 1} (e.g. UserInfo.extra values). */
function isStringListWrapper(type: protobuf.Type): boolean {
  return type.name === 'ExtraValue' && type.fieldsArray.length === 1 && type.fieldsArray[0]?.name === 'items';
}

/** A plain, repeated or map field (a MapField's type and resolvedType describe its values). */
type AnyField = protobuf.Field | protobuf.MapField;

interface JsonTag {
  name: string;
  omitEmpty: boolean;
  inline: boolean;
  skip: boolean;
  nonNullable: boolean;
}

const tagCache = new WeakMap<protobuf.Field, JsonTag>();

function jsonTag(field: protobuf.Field): JsonTag {
  let tag = tagCache.get(field);
  if (!tag) {
    const options = (field.options ?? {}) as Record<string, unknown>;
    const text = typeof options['(gogoproto.jsontag)'] === 'string' ? (options['(gogoproto.jsontag)'] as string) : `${field.name},omitempty`;
    const [name = '', ...flags] = text.split(',');
    tag = {
      name: name || field.name,
      omitEmpty: flags.includes('omitempty'),
      inline: flags.includes('inline'),
      skip: name === '-',
      nonNullable: options['(gogoproto.nullable)'] === false,
    };
    tagCache.set(field, tag);
  }
  return tag;
}

function scalarToJson(field: AnyField, value: unknown): Json {
  switch (field.type) {
    case 'bytes':
      return Buffer.from(value as Uint8Array).toString('base64');
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return toNumber(value);
    default:
      return value as Json;
  }
}

function isZeroScalar(field: AnyField, value: unknown): boolean {
  if (field.type === 'string') return value === '';
  if (field.type === 'bool') return value === false;
  if (field.type === 'bytes') return (value as Uint8Array).length === 0;
  return toNumber(value) === 0;
}

function zeroScalar(field: AnyField): Json {
  if (field.type === 'string') return '';
  if (field.type === 'bool') return false;
  if (field.type === 'bytes') return null;
  return 0;
}

function valueToJson(field: AnyField, value: unknown): Json {
  const type = field.resolvedType;
  if (type instanceof protobuf.Type) return messageToJson(type, value as protobuf.Message);
  return scalarToJson(field, value);
}

function mapToJson(field: protobuf.MapField, value: Record<string, unknown>): Json {
  const out: Record<string, Json> = {};
  for (const [key, entry] of Object.entries(value)) out[key] = valueToJson(field, entry);
  return out;
}

/** One decoded message as Go's encoding/json would print the Go struct it decodes into. */
export function messageToJson(type: protobuf.Type, message: protobuf.Message | Record<string, unknown>): Json {
  const m = message as Record<string, unknown>;
  const special = SPECIAL[type.fullName];
  if (special) return special(m);
  if (isStringListWrapper(type)) return ((m.items as string[] | undefined) ?? []).slice();
  const out: Record<string, Json> = {};
  for (const field of type.fieldsArray) {
    const tag = jsonTag(field);
    if (tag.skip) continue;
    const present = own(m, field.name);
    const value = m[field.name];
    if (field instanceof protobuf.MapField) {
      if (present && value && Object.keys(value as object).length > 0) out[tag.name] = mapToJson(field, value as Record<string, unknown>);
      continue;
    }
    if (field.repeated) {
      if (present && Array.isArray(value) && value.length > 0) out[tag.name] = value.map((item) => valueToJson(field, item));
      continue;
    }
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) {
      // A non-pointer Go struct is always printed (omitempty does not apply to structs); a pointer only when set.
      if (!present && !tag.nonNullable) continue;
      const converted = messageToJson(resolved, present ? (value as protobuf.Message) : resolved.create());
      if (tag.inline && converted !== null && typeof converted === 'object' && !Array.isArray(converted)) Object.assign(out, converted);
      else out[tag.name] = converted;
      continue;
    }
    if (present) {
      // A pointer keeps its zero value (replicas: 0 is not "unset"); a plain Go field with omitempty drops it.
      if (tag.nonNullable && tag.omitEmpty && isZeroScalar(field, value)) continue;
      out[tag.name] = scalarToJson(field, value);
    } else if (tag.nonNullable && !tag.omitEmpty) {
      out[tag.name] = zeroScalar(field);
    }
  }
  return out;
}
