// GET /openapi/v3 (the index) and /openapi/v3/<gv> (one OpenAPI 3.0 document per served group-version:
// "api/v1", "apis/apps/v1", ...). The index links each document with ?hash=<SHA-512, upper-case hex>; as in
// kube-openapi, a request with the current hash is immutable (cached for a year), a stale hash is redirected
// (301) to the current URL, and one without a hash must be revalidated.
//
// A kind whose field schema is known is tagged with x-kubernetes-group-version-kind, so `kubectl apply`
// computes strategic merge patches from this document. A kind without one gets an untagged open schema: kubectl
// then falls back to its compiled-in types instead of warning that the schema lacks every field.
import { createHash } from 'node:crypto';
import { RESOURCES, apiVersionOf, type ResourceInfo } from '../../api/k8s/resources.js';
import type { ObjectSchema } from '../../api/k8s/schema/types.js';
import { DELETE_OPTIONS_SCHEMA, PATCH_SCHEMA, STATUS_SCHEMA, resourcePaths, schemaName } from './paths.js';
import { kindSchema, type OpenApiSchema } from './schema.js';

export type SchemaLookup = (apiVersion: string, kind: string) => ObjectSchema | undefined;

export interface OpenApiDocument {
  readonly hash: string;
  readonly body: Record<string, unknown>;
}

export interface OpenApiResponse {
  readonly status: 200 | 301 | 404;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

const OPEN: OpenApiSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

const META_SCHEMAS: Record<string, OpenApiSchema> = {
  [PATCH_SCHEMA]: { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.', type: 'object' },
  [STATUS_SCHEMA]: {
    description: 'Status is a return value for calls that don\'t return other objects.',
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object', properties: { resourceVersion: { type: 'string' }, continue: { type: 'string' } } },
      status: { type: 'string' },
      message: { type: 'string' },
      reason: { type: 'string' },
      details: OPEN,
      code: { type: 'integer', format: 'int32' },
    },
    'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
  },
  [DELETE_OPTIONS_SCHEMA]: {
    description: 'DeleteOptions may be provided when deleting an API object.',
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      dryRun: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'atomic' },
      gracePeriodSeconds: { type: 'integer', format: 'int64' },
      orphanDependents: { type: 'boolean' },
      preconditions: { type: 'object', properties: { resourceVersion: { type: 'string' }, uid: { type: 'string' } } },
      propagationPolicy: { type: 'string' },
    },
  },
};

/** "api/v1" or "apis/apps/v1": the index key and URL suffix of a group-version. */
export function gvPath(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  return r.group === '' ? `api/${r.version}` : `apis/${r.group}/${r.version}`;
}

function listSchema(r: ResourceInfo, tagged: boolean): OpenApiSchema {
  const s: OpenApiSchema = {
    description: `${r.listKind} is a list of ${r.kind} objects.`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object', properties: { resourceVersion: { type: 'string' }, continue: { type: 'string' }, remainingItemCount: { type: 'integer', format: 'int64' } } },
      items: { type: 'array', items: { $ref: `#/components/schemas/${schemaName(r)}` } },
    },
  };
  if (tagged) s['x-kubernetes-group-version-kind'] = [{ group: r.group, kind: r.listKind, version: r.version }];
  return s;
}

function buildDocument(resources: readonly ResourceInfo[], schemaFor: SchemaLookup, title: string, version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, OpenApiSchema> = { ...META_SCHEMAS };
  for (const r of resources) {
    const rp = resourcePaths(r);
    Object.assign(paths, rp.paths);
    for (const gvk of rp.kinds) {
      const name = schemaName(gvk);
      if (schemas[name]) continue;
      const fields = schemaFor(gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`, gvk.kind);
      schemas[name] = fields ? kindSchema(fields, gvk) : { description: `${gvk.kind} (schema not published)`, ...OPEN };
    }
    schemas[`${schemaName(r)}List`] = listSchema(r, schemaFor(apiVersionOf(r), r.kind) !== undefined);
  }
  return { openapi: '3.0.0', info: { title, version }, paths, components: { schemas } };
}

/** SHA-512 of the serialized document, upper-case hex, as kube-openapi computes the ?hash= value. */
export function documentHash(body: unknown): string {
  return createHash('sha512').update(JSON.stringify(body)).digest('hex').toUpperCase();
}

export class OpenApiV3 {
  private readonly documents = new Map<string, OpenApiDocument>();

  constructor(schemaFor: SchemaLookup, resources: readonly ResourceInfo[] = RESOURCES, opts: { title?: string; version?: string } = {}) {
    const byGv = new Map<string, ResourceInfo[]>();
    for (const r of resources) byGv.set(gvPath(r), [...(byGv.get(gvPath(r)) ?? []), r]);
    for (const [gv, rs] of byGv) {
      const body = buildDocument(rs, schemaFor, opts.title ?? 'Kubernetes', opts.version ?? 'v1.32.0+yawl');
      this.documents.set(gv, { hash: documentHash(body), body });
    }
  }

  /** The /openapi/v3 index: {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}}}. */
  index(): { paths: Record<string, { serverRelativeURL: string }> } {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [gv, d] of this.documents) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${d.hash}` };
    return { paths };
  }

  document(gv: string): OpenApiDocument | undefined {
    return this.documents.get(gv);
  }

  /** Answers GET <path>?hash=<hash> for /openapi/v3 and below; undefined for other paths. */
  serve(path: string, hash?: string | null): OpenApiResponse | undefined {
    const trimmed = path.replace(/\/+$/, '');
    if (trimmed === '/openapi/v3') return { status: 200, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' }, body: this.index() };
    if (!trimmed.startsWith('/openapi/v3/')) return undefined;
    const d = this.documents.get(trimmed.slice('/openapi/v3/'.length));
    if (!d) return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: '404 page not found' };
    if (hash && hash !== d.hash) return { status: 301, headers: { Location: `${trimmed}?hash=${d.hash}` } };
    const cache = hash ? 'public, immutable, max-age=31536000' : 'no-cache, private';
    return { status: 200, headers: { 'Content-Type': 'application/json', 'Cache-Control': cache, ETag: `"${d.hash}"` }, body: d.body };
  }
}
