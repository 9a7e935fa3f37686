// Reading a request body: at most 3 MiB (Kubernetes' limit), JSON or YAML by Content-Type, one document, an
// object. Anything else is a clear 4xx Status and nothing is written.
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { decodeKubernetesProtobuf, PROTOBUF_CONTENT_TYPE, ProtobufDecodeError } from '../protobuf/index.js';
import { errors } from './status.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw errors.tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw errors.tooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The media type without parameters, lowercased ("application/json; charset=utf-8" → "application/json"). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

const JSON_TYPES = new Set(['application/json', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', '']);
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'application/apply-patch+yaml']);

/** Parses a body as its Content-Type says; a malformed one is a 400 that says where it broke. */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (type === PROTOBUF_CONTENT_TYPE) {
    // kubectl's typed commands (create namespace, create configmap, ...) send Kubernetes protobuf.
    try {
      return decodeKubernetesProtobuf(raw);
    } catch (e) {
      if (e instanceof ProtobufDecodeError) throw errors.badRequest(`error decoding protobuf: ${e.message}`);
      throw e;
    }
  }
  const text = raw.toString('utf8');
  if (text.trim() === '') throw errors.badRequest('the request body is empty: an object is required');
  if (JSON_TYPES.has(type)) {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw errors.badRequest(`error decoding JSON: ${(e as Error).message}`);
    }
  }
  if (YAML_TYPES.has(type)) {
    try {
      return parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
    } catch (e) {
      throw errors.badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw errors.unsupportedMediaType(type);
}

/** The body must be one JSON object (not an array, string or null). */
export function requireObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errors.badRequest(`the request body must be a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return value as Record<string, unknown>;
}
