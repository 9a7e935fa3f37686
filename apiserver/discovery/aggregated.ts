// Aggregated discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList): every group, version, resource and
// subresource in one answer to GET /api (the core group, named "") or GET /apis (the named groups), so
// kubectl needs two requests instead of one per group-version. kubectl 1.32 asks for it first in Accept:
//   application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
//   application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json
// and reads the format from the response Content-Type; client-go rejects entries without a responseKind.
import { RESOURCES, type ResourceInfo } from '../../api/k8s/resources.js';
import { servedGroups } from './legacy.js';

export type DiscoveryFormat = 'v2' | 'v2beta1' | 'legacy';

interface GVK {
  group: string;
  version: string;
  kind: string;
}

export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GVK;
  verbs: string[];
}

export interface APIResourceDiscovery {
  resource: string;
  responseKind: GVK;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APIGroupDiscovery {
  metadata: { name: string; creationTimestamp: null };
  versions: { version: string; resources: APIResourceDiscovery[]; freshness: 'Current' }[];
}

export interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  apiVersion: string;
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

/** The Content-Type of an aggregated answer in `format`. */
export function aggregatedContentType(format: Exclude<DiscoveryFormat, 'legacy'>): string {
  return `application/json;g=apidiscovery.k8s.io;v=${format};as=APIGroupDiscoveryList`;
}

/**
 * Which discovery format an Accept header asks for, honouring order (first acceptable wins; q-values are not
 * used by kubectl here). No aggregated entry, or a plain application/json / * / * first: legacy.
 */
export function negotiateDiscovery(accept: string | undefined): DiscoveryFormat {
  for (const part of (accept ?? '').split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p = new Map(params.map((kv) => kv.split('=').map((s) => s.trim()) as [string, string]));
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    if (!p.has('as') && !p.has('g')) return 'legacy';
    if (p.get('g') === 'apidiscovery.k8s.io' && p.get('as') === 'APIGroupDiscoveryList') {
      const v = p.get('v');
      if (v === 'v2' || v === 'v2beta1') return v;
    }
  }
  return 'legacy';
}

const sorted = <T>(xs: readonly T[]): T[] => [...xs].sort();

function resourceDiscovery(r: ResourceInfo): APIResourceDiscovery {
  const d: APIResourceDiscovery = {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: sorted(r.verbs),
  };
  if (r.shortNames.length > 0) d.shortNames = [...r.shortNames];
  if (r.categories.length > 0) d.categories = [...r.categories];
  if (r.subresources.length > 0) {
    d.subresources = r.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind },
      verbs: sorted(s.verbs),
    }));
  }
  return d;
}

/** The aggregated document for GET /api (scope 'api') or GET /apis (scope 'apis'). */
export function aggregatedDiscovery(scope: 'api' | 'apis', format: Exclude<DiscoveryFormat, 'legacy'> = 'v2', resources: readonly ResourceInfo[] = RESOURCES): APIGroupDiscoveryList {
  const groups = servedGroups(resources).filter((g) => (scope === 'api' ? g.group === '' : g.group !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${format}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((version) => ({
        version,
        resources: resources
          .filter((r) => r.group === g.group && r.version === version)
          .map(resourceDiscovery)
          .sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0)),
        freshness: 'Current' as const,
      })),
    })),
  };
}
