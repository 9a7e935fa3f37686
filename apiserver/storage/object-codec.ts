// Objects are stored as JSON without metadata.resourceVersion: the version is the key's mod_revision, added back on
// every read, so a stored value never disagrees with the revision that wrote it.
import type { KeyValue } from '../../client/etcd/index.js';

export type StoredObject = Record<string, unknown>;

function metadataOf(obj: StoredObject): Record<string, unknown> {
  const metadata = obj.metadata;
  return metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {};
}

export function encodeObject(obj: StoredObject): Buffer {
  const { resourceVersion: _dropped, ...metadata } = metadataOf(obj);
  return Buffer.from(JSON.stringify({ ...obj, metadata }), 'utf8');
}

export function withResourceVersion<T extends StoredObject>(obj: T, revision: number): T {
  return { ...obj, metadata: { ...metadataOf(obj), resourceVersion: String(revision) } };
}

export function decodeValue(value: Buffer, revision: number): StoredObject {
  const obj = JSON.parse(value.toString('utf8')) as StoredObject;
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('stored value is not a JSON object');
  const metadata = metadataOf(obj);
  metadata.resourceVersion = String(revision);
  obj.metadata = metadata;
  return obj;
}

export function decodeKeyValue(kv: KeyValue): StoredObject {
  return decodeValue(kv.value, kv.modRevision);
}

export function resourceVersionOf(obj: StoredObject): string | undefined {
  const rv = metadataOf(obj).resourceVersion;
  return typeof rv === 'string' ? rv : undefined;
}

export function uidOf(obj: StoredObject): string | undefined {
  const uid = metadataOf(obj).uid;
  return typeof uid === 'string' ? uid : undefined;
}

/** "" → undefined, "123" → 123; anything else is a client error the caller reports. */
export function parseResourceVersion(rv: string | undefined): number | undefined {
  if (rv === undefined || rv === '') return undefined;
  if (!/^\d+$/.test(rv)) return Number.NaN;
  const n = Number(rv);
  return Number.isSafeInteger(n) ? n : Number.NaN;
}
