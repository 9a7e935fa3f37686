// Adapters from the pure libraries (api/k8s, apiserver/patch, selectors, tables, discovery, openapi) to the
// interfaces the registry and the HTTP edge take.
import type { ResourceInfo } from '../api/k8s/resources.js';
import { apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery/index.js';
import { toTable } from './tables/index.js';
import type { NonResourceResponse } from './http/server.js';
import { applyDefaults } from '../api/k8s/defaults.js';
import { schemaFor } from '../api/k8s/schema/index.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError } from '../api/k8s/selectors/index.js';
import { findUnknownFields } from '../api/k8s/unknown-fields.js';
import { validateCreate, validateUpdate } from '../api/k8s/validation/index.js';
import { errors } from './http/status.js';
import { mergeSchemaFor } from './merge-keys.js';
import { openApiV3 } from './openapi-min.js';
import { applyPatch } from './patch/index.js';
import type { KubeObject } from './registry/object-store.js';
import type { TypeSystem } from './registry/registry.js';

export function typeSystem(): TypeSystem {
  return {
    applyDefaults: (obj) => applyDefaults(String(obj.apiVersion), String(obj.kind), obj as never),
    validate: (info, obj, old) => (old ? validateUpdate(info, obj as never, old as never) : validateCreate(info, obj as never)).map((e) => ({ type: e.type, field: e.field, message: e.message })),
    unknownFields: (obj) => {
      const schema = schemaFor(String(obj.apiVersion), String(obj.kind));
      // Every served kind has a schema; an object of another kind never reaches a registry.
      return schema ? findUnknownFields(schema, obj) : [];
    },
    applyPatch: (contentType, original, patch) => applyPatch(contentType, original, patch, mergeSchemaFor(String(original.apiVersion), String(original.kind))),
  };
}

export function predicateFor(info: ResourceInfo, labelSelector: string | null, fieldSelector: string | null): ((obj: KubeObject) => boolean) | undefined {
  if (!labelSelector && !fieldSelector) return undefined;
  try {
    const labels = labelSelector ? parseLabelSelector(labelSelector) : undefined;
    const fields = fieldSelector ? parseFieldSelector(info.resource, fieldSelector) : undefined;
    return (obj) => (!labels || matchesLabels(labels, obj.metadata.labels)) && (!fields || matchesFields(info.resource, fields, obj));
  } catch (e) {
    if (e instanceof SelectorError) throw errors.badRequest(e.message);
    throw e;
  }
}

export function tableFor(info: ResourceInfo, objects: KubeObject[], listMeta: Record<string, unknown>, includeObject: 'None' | 'Metadata' | 'Object'): Record<string, unknown> {
  return toTable(info.resource, objects, { now: Date.now(), listMeta: listMeta as never, includeObject }) as unknown as Record<string, unknown>;
}

/** /version, legacy discovery (plain application/json, which kubectl accepts) and OpenAPI v3. */
export function nonResourceHandler(path: string): NonResourceResponse | undefined {
  if (path.startsWith('/openapi/v3')) return openApiV3(path);
  if (path === '/version') return { status: 200, body: versionInfo() };
  if (path === '/api') return { status: 200, body: apiVersions('') };
  if (path === '/apis') return { status: 200, body: apiGroupList() };
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  const list = apiResourceList(m[1] ? '' : m[2]!, m[1] ?? m[3]!);
  return list ? { status: 200, body: list } : undefined;
}
