import { describe, expect, it } from 'vitest';
import { aggregatedContentType, aggregatedDiscovery, negotiateDiscovery } from './aggregated.js';
import { apiGroupList, apiResourceList, apiVersions, storageVersionHash } from './legacy.js';
import { versionInfo } from './version.js';

const KUBECTL_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('/version', () => {
  it('reports Kubernetes 1.32 with yawl build metadata', () => {
    const v = versionInfo({ gitCommit: 'abc', buildDate: '2025-01-01T00:00:00Z' });
    expect(v).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0+yawl', gitCommit: 'abc', gitTreeState: 'clean', buildDate: '2025-01-01T00:00:00Z', compiler: 'tsc' });
    expect(v.platform).toMatch(/^[a-z0-9]+\/[a-z0-9]+$/);
  });
});

describe('legacy discovery', () => {
  it('/api', () => {
    expect(apiVersions('10.0.0.1:6443')).toEqual({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }] });
  });
  it('/apis lists the served groups only', () => {
    const list = apiGroupList();
    expect(list.kind).toBe('APIGroupList');
    expect(list.groups.map((g) => g.name)).toEqual(['apps', 'coordination.k8s.io']);
    expect(list.groups[0]).toEqual({ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } });
  });
  it('storageVersionHash matches the real apiserver', () => {
    expect(storageVersionHash('', 'v1', 'Pod')).toBe('xPOwRZ+Yhw8=');
    expect(storageVersionHash('apps', 'v1', 'Deployment')).toBe('8aSe+NMegvE=');
  });
  it('/api/v1 has resources and subresources sorted by name, without apiVersion', () => {
    const list = apiResourceList('', 'v1')!;
    expect(list.apiVersion).toBeUndefined();
    expect(list.groupVersion).toBe('v1');
    const names = list.resources.map((r) => r.name);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('pods/eviction');
    const pods = list.resources.find((r) => r.name === 'pods')!;
    expect(pods).toEqual({
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
      storageVersionHash: 'xPOwRZ+Yhw8=',
    });
    expect(list.resources.find((r) => r.name === 'pods/eviction')).toEqual({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    expect(list.resources.find((r) => r.name === 'pods/status')).toEqual({ name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    const secrets = list.resources.find((r) => r.name === 'secrets')!;
    expect(secrets.shortNames).toBeUndefined();
    expect(list.resources.find((r) => r.name === 'nodes')!.namespaced).toBe(false);
  });
  it('/apis/apps/v1 names the Scale kind of the scale subresource', () => {
    const list = apiResourceList('apps', 'v1')!;
    expect(list.apiVersion).toBe('v1');
    expect(list.resources.find((r) => r.name === 'deployments/scale')).toEqual({
      name: 'deployments/scale',
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
  });
  it('unknown and subresource-only group-versions are not served', () => {
    expect(apiResourceList('autoscaling', 'v1')).toBeUndefined();
    expect(apiResourceList('policy', 'v1')).toBeUndefined();
    expect(apiResourceList('apps', 'v2')).toBeUndefined();
  });
});

describe('aggregated discovery', () => {
  it('negotiates the format from Accept', () => {
    expect(negotiateDiscovery(KUBECTL_ACCEPT)).toBe('v2');
    expect(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json')).toBe('v2beta1');
    expect(negotiateDiscovery('application/json')).toBe('legacy');
    expect(negotiateDiscovery(undefined)).toBe('legacy');
    expect(negotiateDiscovery('application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList')).toBe('legacy');
    expect(aggregatedContentType('v2')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  });
  it('/api holds the core group named ""', () => {
    const doc = aggregatedDiscovery('api');
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2');
    expect(doc.items.map((i) => i.metadata.name)).toEqual(['']);
    const pods = doc.items[0]!.versions[0]!.resources.find((r) => r.resource === 'pods')!;
    expect(pods.scope).toBe('Namespaced');
    expect(pods.responseKind).toEqual({ group: '', version: 'v1', kind: 'Pod' });
    expect(pods.subresources!.find((s) => s.subresource === 'eviction')).toEqual({ subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] });
    expect(doc.items[0]!.versions[0]!.resources.find((r) => r.resource === 'namespaces')!.scope).toBe('Cluster');
  });
  it('/apis holds the named groups, every entry with a responseKind', () => {
    const doc = aggregatedDiscovery('apis', 'v2beta1');
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    expect(doc.items.map((i) => i.metadata.name)).toEqual(['apps', 'coordination.k8s.io']);
    for (const g of doc.items)
      for (const v of g.versions) {
        expect(v.freshness).toBe('Current');
        for (const r of v.resources) {
          expect(r.responseKind.kind).not.toBe('');
          for (const s of r.subresources ?? []) expect(s.responseKind.kind).not.toBe('');
        }
      }
    const deploy = doc.items[0]!.versions[0]!.resources.find((r) => r.resource === 'deployments')!;
    expect(deploy.shortNames).toEqual(['deploy']);
    expect(deploy.subresources!.find((s) => s.subresource === 'scale')!.responseKind).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });
});
