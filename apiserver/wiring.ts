// Adapters from the pure libraries (api/k8s, apiserver/patch, selectors, tables, discovery, openapi) to the
// interfaces the registry and the HTTP edge take.
import { apiVersionOf, RESOURCES, type ResourceInfo } from '../api/k8s/resources.js';
import type { NonResourceResponse } from './http/server.js';
import { applyDefaults } from './defaults-min.js';
import { mergeSchemaFor } from './merge-keys.js';
import { unknownTopLevelFields, validate } from './validation-min.js';
import { openApiV3 } from './openapi-min.js';
export { tableFor } from './tables-min.js';
import { applyPatch } from './patch/index.js';
import type { KubeObject } from './registry/object-store.js';
import type { TypeSystem } from './registry/registry.js';

export function typeSystem(): TypeSystem {
  return {
    applyDefaults,
    validate,
    unknownFields: unknownTopLevelFields,
    applyPatch: (contentType, original, patch) => applyPatch(contentType, original, patch, mergeSchemaFor(String(original.apiVersion), String(original.kind))),
  };
}

export function predicateFor(_info: ResourceInfo, labelSelector: string | null, fieldSelector: string | null): ((obj: KubeObject) => boolean) | undefined {
  const labels = (labelSelector ?? '').split(',').filter((s) => s !== '').map((s) => s.split('='));
  const fields = (fieldSelector ?? '').split(',').filter((s) => s !== '').map((s) => s.split('='));
  if (labels.length === 0 && fields.length === 0) return undefined;
  return (obj) =>
    labels.every(([k, v]) => obj.metadata.labels?.[k!] === v) &&
    fields.every(([k, v]) => (k === 'metadata.name' ? obj.metadata.name : k === 'metadata.namespace' ? obj.metadata.namespace : undefined) === v);
}

export function nonResourceHandler(path: string): NonResourceResponse | undefined {
  if (path.startsWith('/openapi/v3')) return openApiV3(path);
  if (path === '/version') return { status: 200, body: { major: '1', minor: '32', gitVersion: 'v1.32.0-yawl', platform: `${process.platform}/${process.arch}` } };
  if (path === '/api') return { status: 200, body: { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }] } };
  const groups = [...new Set(RESOURCES.filter((r) => r.group !== '').map((r) => apiVersionOf(r)))];
  if (path === '/apis') {
    return {
      status: 200,
      body: { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((gv) => ({ name: gv.split('/')[0], versions: [{ groupVersion: gv, version: 'v1' }], preferredVersion: { groupVersion: gv, version: 'v1' } })) },
    };
  }
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  const group = m[1] ? '' : m[2]!;
  const version = m[1] ?? m[3]!;
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) return undefined;
  return {
    status: 200,
    body: {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group === '' ? version : `${group}/${version}`,
      resources: resources.flatMap((r) => [
        { name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, ...(r.shortNames.length ? { shortNames: r.shortNames } : {}), ...(r.categories.length ? { categories: r.categories } : {}) },
        ...r.subresources.map((s) => ({ name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: s.verbs })),
      ]),
    },
  };
}
