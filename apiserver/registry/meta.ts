// Object metadata the server owns: uid, creationTimestamp, generation, generateName, and what a client may not
// change on update. Small pure helpers the registry and strategies share.
import { randomBytes, randomUUID } from 'node:crypto';
import type { KubeObject, ObjectMeta } from './object-store.js';

/** RFC 3339 at second precision, as metav1.Time serializes. */
export function timestamp(at: Date = new Date()): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function newUid(): string {
  return randomUUID();
}

// The alphabet Kubernetes' generateName draws from: no vowels (no words), no 0/1/3 (no look-alikes).
const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function generatedName(prefix: string): string {
  const bytes = randomBytes(5);
  let suffix = '';
  for (const b of bytes) suffix += GENERATE_ALPHABET[b % GENERATE_ALPHABET.length];
  // Names are at most 63 characters in the common case; Kubernetes trims the prefix to leave room.
  return `${prefix.slice(0, 58)}${suffix}`;
}

export function meta(obj: { metadata?: unknown }): ObjectMeta {
  return (obj.metadata ?? {}) as ObjectMeta;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Everything but metadata and status: a change here bumps metadata.generation. */
export function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
