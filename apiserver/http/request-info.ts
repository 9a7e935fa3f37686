// What a request path names: a resource request (group, version, resource, namespace, name, subresource) and the
// verb the method and query make of it, or a non-resource path (/version, /healthz, discovery, openapi). Pure, so
// the routing rules are tested as a table.
import { findResource, type ResourceInfo } from '../../api/k8s/resources.js';

export type ResourceVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  readonly kind: 'resource';
  readonly info: ResourceInfo;
  readonly verb: ResourceVerb;
  /** Undefined for a cluster-scoped resource, or a namespaced one listed across all namespaces. */
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
}

export type RequestInfo =
  | ResourceRequest
  | { readonly kind: 'nonResource'; readonly path: string }
  /** A group/version the server does not serve, or a resource it does not know. */
  | { readonly kind: 'unknown'; readonly path: string };

export function parseRequest(method: string, path: string, query: URLSearchParams): RequestInfo {
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    rest = parts.slice(1);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    rest = parts.slice(2);
  } else {
    return { kind: 'nonResource', path };
  }
  const version = rest[0]!;
  let segments = rest.slice(1);
  // The deprecated /watch/ prefix (…/v1/watch/pods) still works in Kubernetes.
  let watchPrefix = false;
  if (segments[0] === 'watch') {
    watchPrefix = true;
    segments = segments.slice(1);
  }
  let namespace: string | undefined;
  // namespaces/{ns}/{resource}/… addresses an object inside a namespace; namespaces/{name}[/status|/finalize]
  // is the Namespace itself.
  const namespaceSubresource = segments.length === 3 && (segments[2] === 'status' || segments[2] === 'finalize');
  if (segments[0] === 'namespaces' && segments.length >= 3 && !namespaceSubresource) {
    namespace = segments[1];
    segments = segments.slice(2);
  }
  const [resourceName, name, subresource, ...extra] = segments;
  if (resourceName === undefined || extra.length > 0) return { kind: 'unknown', path };
  const info = findResource(group, version, resourceName);
  if (!info) return { kind: 'unknown', path };
  if (namespace !== undefined && !info.namespaced) return { kind: 'unknown', path };
  if (subresource !== undefined && !info.subresources.some((s) => s.name === subresource) && !(info.resource === 'namespaces' && subresource === 'finalize')) {
    return { kind: 'unknown', path };
  }
  const watch = watchPrefix || isTrue(query.get('watch'));
  const verb = verbFor(method, name !== undefined, watch);
  if (verb === undefined) return { kind: 'unknown', path };
  return { kind: 'resource', info, verb, namespace, name, subresource };
}

function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function verbFor(method: string, named: boolean, watch: boolean): ResourceVerb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return named ? 'update' : undefined;
    case 'PATCH':
      return named ? 'patch' : undefined;
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}
