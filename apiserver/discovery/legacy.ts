// Legacy discovery (plain application/json), built from api/k8s/resources.ts:
//   /api              APIVersions      {"versions":["v1"],"serverAddressByClientCIDRs":[...]}
//   /apis             APIGroupList     one group per served group (core excluded)
//   /api/v1, /apis/g/v APIResourceList resources and "parent/sub" subresource entries, sorted by name
//
// Groups only spoken by subresources (autoscaling/v1 Scale, policy/v1 Eviction) are not listed: we serve no
// resources there, so /apis/autoscaling/v1 would be an empty list. kubectl finds those kinds from the parent's
// entries instead: `kubectl scale` reads group/version/kind of "deployments/scale", `kubectl drain` of
// "pods/eviction".
import { createHash } from 'node:crypto';
import { RESOURCES, type ResourceInfo } from '../../api/k8s/resources.js';

export interface ServerAddressByClientCIDR {
  clientCIDR: string;
  serverAddress: string;
}

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

export interface APIResourceList {
  kind: 'APIResourceList';
  apiVersion?: 'v1';
  groupVersion: string;
  resources: APIResource[];
}

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface APIGroup {
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

/** storageversionhash.StorageVersionHash: base64 of the first 8 bytes of sha256("group/version/kind"). */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

const sorted = <T>(xs: readonly T[]): T[] => [...xs].sort();

function groupVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Group names in the order /apis lists them (as first seen in resources.ts). */
export function servedGroups(resources: readonly ResourceInfo[] = RESOURCES): { group: string; versions: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const r of resources) {
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
  }
  return [...groups].map(([group, versions]) => ({ group, versions }));
}

/** GET /api. */
export function apiVersions(serverAddress: string, resources: readonly ResourceInfo[] = RESOURCES) {
  const core = servedGroups(resources).find((g) => g.group === '');
  return {
    kind: 'APIVersions' as const,
    versions: core?.versions ?? [],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** GET /apis. The first version listed is preferred. */
export function apiGroupList(resources: readonly ResourceInfo[] = RESOURCES) {
  const groups: APIGroup[] = servedGroups(resources)
    .filter((g) => g.group !== '')
    .map((g) => {
      const versions = g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v }));
      return { name: g.group, versions, preferredVersion: versions[0]! };
    });
  return { kind: 'APIGroupList' as const, apiVersion: 'v1' as const, groups };
}

function resourceEntries(r: ResourceInfo): APIResource[] {
  const main: APIResource = { name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: sorted(r.verbs) };
  if (r.shortNames.length > 0) main.shortNames = [...r.shortNames];
  if (r.categories.length > 0) main.categories = [...r.categories];
  main.storageVersionHash = storageVersionHash(r.group, r.version, r.kind);
  const subs = r.subresources.map((s): APIResource => {
    const e: APIResource = { name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: sorted(s.verbs) };
    if (s.group !== undefined && s.version !== undefined) {
      e.group = s.group;
      e.version = s.version;
    }
    return e;
  });
  return [main, ...subs];
}

/** GET /api/v1 or /apis/<group>/<version>; undefined when that group-version is not served. */
export function apiResourceList(group: string, version: string, resources: readonly ResourceInfo[] = RESOURCES): APIResourceList | undefined {
  const served = resources.filter((r) => r.group === group && r.version === version);
  if (served.length === 0) return undefined;
  const list: APIResourceList = {
    kind: 'APIResourceList',
    groupVersion: groupVersionOf(group, version),
    resources: served.flatMap(resourceEntries).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
  // The real apiserver writes apiVersion on group lists but not on /api/v1.
  return group === '' ? list : { kind: list.kind, apiVersion: 'v1', groupVersion: list.groupVersion, resources: list.resources };
}
