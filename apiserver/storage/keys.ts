// Where objects live in the store, as Kubernetes lays them out:
//   /registry/configmaps/default/settings   (namespaced)
//   /registry/namespaces/default            (cluster-scoped)
// A list prefix always ends with "/" so that namespace "a" never matches namespace "ab".
export const DEFAULT_ROOT = '/registry';

const SEGMENT = /^[^/\0]+$/;

function checkSegment(what: string, value: string): string {
  if (!SEGMENT.test(value) || value === '.' || value === '..') throw new Error(`invalid ${what} for a storage key: ${JSON.stringify(value)}`);
  return value;
}

export function objectKey(resource: string, namespace: string | undefined, name: string, root = DEFAULT_ROOT): string {
  const parts = [root, checkSegment('resource', resource)];
  if (namespace !== undefined && namespace !== '') parts.push(checkSegment('namespace', namespace));
  parts.push(checkSegment('name', name));
  return parts.join('/');
}

/** Every object of a resource (all namespaces), or of one namespace. */
export function listPrefix(resource: string, namespace?: string, root = DEFAULT_ROOT): string {
  const parts = [root, checkSegment('resource', resource)];
  if (namespace !== undefined && namespace !== '') parts.push(checkSegment('namespace', namespace));
  return `${parts.join('/')}/`;
}

/** The prefix with exactly one trailing slash: how list and watch compare keys. */
export function normalizePrefix(prefix: string): string {
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** Inverse of objectKey, for keys under `root`: { resource, namespace?, name }. */
export function parseKey(key: string, root = DEFAULT_ROOT): { resource: string; namespace?: string; name: string } | undefined {
  if (!key.startsWith(`${root}/`)) return undefined;
  const parts = key.slice(root.length + 1).split('/');
  if (parts.length === 2) return { resource: parts[0]!, name: parts[1]! };
  if (parts.length === 3) return { resource: parts[0]!, namespace: parts[1]!, name: parts[2]! };
  return undefined;
}
