import { describe, expect, it } from 'vitest';
import { parseRequest, type RequestInfo } from './request-info.js';

function summary(r: RequestInfo): string {
  if (r.kind !== 'resource') return r.kind;
  return [r.verb, r.info.group || 'core', r.info.resource, r.namespace ?? '-', r.name ?? '-', r.subresource ?? '-'].join(' ');
}

describe('parseRequest', () => {
  const cases: Array<[string, string, string, string]> = [
    ['GET', '/api/v1/namespaces/default/pods', '', 'list core pods default - -'],
    ['GET', '/api/v1/pods', '', 'list core pods - - -'],
    ['GET', '/api/v1/namespaces/default/pods', 'watch=true', 'watch core pods default - -'],
    ['GET', '/api/v1/watch/namespaces/default/pods', '', 'watch core pods default - -'],
    ['GET', '/api/v1/namespaces/default/pods/web-1', '', 'get core pods default web-1 -'],
    ['PUT', '/api/v1/namespaces/default/pods/web-1/status', '', 'update core pods default web-1 status'],
    ['POST', '/api/v1/namespaces/default/pods/web-1/binding', '', 'create core pods default web-1 binding'],
    ['POST', '/api/v1/namespaces/default/pods/web-1/eviction', '', 'create core pods default web-1 eviction'],
    ['GET', '/api/v1/namespaces', '', 'list core namespaces - - -'],
    ['GET', '/api/v1/namespaces/kube-system', '', 'get core namespaces - kube-system -'],
    ['PUT', '/api/v1/namespaces/kube-system/status', '', 'update core namespaces - kube-system status'],
    ['PUT', '/api/v1/namespaces/kube-system/finalize', '', 'update core namespaces - kube-system finalize'],
    ['GET', '/api/v1/nodes/n1', '', 'get core nodes - n1 -'],
    ['PATCH', '/apis/apps/v1/namespaces/ns1/deployments/web/scale', '', 'patch apps deployments ns1 web scale'],
    ['DELETE', '/apis/apps/v1/namespaces/ns1/replicasets', '', 'deletecollection apps replicasets ns1 - -'],
    ['POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', '', 'create coordination.k8s.io leases kube-node-lease - -'],
    ['GET', '/version', '', 'nonResource'],
    ['GET', '/openapi/v3', '', 'nonResource'],
    ['GET', '/apis/apps/v1', '', 'nonResource'],
    ['GET', '/api/v1', '', 'nonResource'],
    ['GET', '/apis/batch/v1/namespaces/x/jobs', '', 'unknown'],
    ['GET', '/api/v1/namespaces/x/nodes', '', 'unknown'],
    ['GET', '/api/v1/namespaces/x/pods/p/exec', '', 'unknown'],
    ['PUT', '/api/v1/namespaces/x/pods', '', 'unknown'],
  ];
  it.each(cases)('%s %s?%s → %s', (method, path, query, expected) => {
    expect(summary(parseRequest(method, path, new URLSearchParams(query)))).toBe(expected);
  });
});
