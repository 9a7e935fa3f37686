// The resources the apiserver serves: one row per resource, the single source for routing, discovery, storage
// keys (/registry/<resource>/...) and kubectl's short names. Subresources are listed by name with their verbs.

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface SubresourceInfo {
  readonly name: 'status' | 'scale' | 'binding' | 'eviction' | 'log';
  readonly kind: string; // the kind the subresource speaks (Scale, Binding, Eviction, Pod for status)
  readonly group?: string; // when it differs from the resource's (Scale is autoscaling/v1, Eviction policy/v1)
  readonly version?: string;
  readonly verbs: readonly Verb[];
}

export interface ResourceInfo {
  readonly group: string; // '' for core
  readonly version: string;
  readonly resource: string; // plural, lowercase: the URL segment and the storage key segment
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly Verb[];
  readonly subresources: readonly SubresourceInfo[];
}

const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS: readonly Verb[] = ['get', 'patch', 'update'];

function resource(r: Omit<ResourceInfo, 'listKind' | 'verbs' | 'categories' | 'subresources'> & Partial<Pick<ResourceInfo, 'verbs' | 'categories' | 'subresources'>>): ResourceInfo {
  return { listKind: `${r.kind}List`, verbs: ALL_VERBS, categories: [], subresources: [], ...r };
}

export const RESOURCES: readonly ResourceInfo[] = [
  resource({
    group: '', version: 'v1', resource: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [{ name: 'status', kind: 'Namespace', verbs: STATUS_VERBS }],
  }),
  resource({
    group: '', version: 'v1', resource: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'],
    subresources: [{ name: 'status', kind: 'Node', verbs: STATUS_VERBS }],
  }),
  resource({
    group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'],
    subresources: [
      { name: 'status', kind: 'Pod', verbs: STATUS_VERBS },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
    ],
  }),
  resource({
    group: '', version: 'v1', resource: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [{ name: 'status', kind: 'Service', verbs: STATUS_VERBS }],
  }),
  resource({ group: '', version: 'v1', resource: 'endpoints', singular: 'endpoints', kind: 'Endpoints', namespaced: true, shortNames: ['ep'] }),
  resource({ group: '', version: 'v1', resource: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'] }),
  resource({ group: '', version: 'v1', resource: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] }),
  resource({ group: '', version: 'v1', resource: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true, shortNames: [] }),
  resource({
    group: 'apps', version: 'v1', resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'],
    subresources: [
      { name: 'status', kind: 'Deployment', verbs: STATUS_VERBS },
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: STATUS_VERBS },
    ],
  }),
  resource({
    group: 'apps', version: 'v1', resource: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ['all'],
    subresources: [
      { name: 'status', kind: 'ReplicaSet', verbs: STATUS_VERBS },
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: STATUS_VERBS },
    ],
  }),
  resource({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', singular: 'lease', kind: 'Lease', namespaced: true, shortNames: [] }),
];

/** "v1" for core, "apps/v1" otherwise: the apiVersion objects of this resource carry. */
export function apiVersionOf(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

export function findKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}
