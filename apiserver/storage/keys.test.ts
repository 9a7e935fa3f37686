import { describe, expect, it } from 'vitest';
import { listPrefix, normalizePrefix, objectKey, parseKey } from './keys.js';
import { decodeValue, encodeObject, parseResourceVersion } from './object-codec.js';

describe('storage key layout', () => {
  it('places namespaced and cluster-scoped objects as Kubernetes does', () => {
    expect(objectKey('configmaps', 'default', 'settings')).toBe('/registry/configmaps/default/settings');
    expect(objectKey('namespaces', undefined, 'default')).toBe('/registry/namespaces/default');
    expect(objectKey('nodes', '', 'n1')).toBe('/registry/nodes/n1');
    expect(listPrefix('pods')).toBe('/registry/pods/');
    expect(listPrefix('pods', 'kube-system')).toBe('/registry/pods/kube-system/');
    expect(normalizePrefix('/registry/pods')).toBe('/registry/pods/');
  });

  it('refuses segments that would escape their place', () => {
    expect(() => objectKey('pods', 'default', '../secrets')).toThrow(/invalid name/);
    expect(() => objectKey('pods', 'a/b', 'x')).toThrow(/invalid namespace/);
    expect(() => objectKey('pods', 'default', '..')).toThrow();
  });

  it('parses keys back', () => {
    expect(parseKey('/registry/pods/ns/p')).toEqual({ resource: 'pods', namespace: 'ns', name: 'p' });
    expect(parseKey('/registry/nodes/n1')).toEqual({ resource: 'nodes', name: 'n1' });
    expect(parseKey('/other/x/y')).toBeUndefined();
  });
});

describe('stored object codec', () => {
  it('stores JSON without resourceVersion and restores it from the revision', () => {
    const bytes = encodeObject({ kind: 'ConfigMap', metadata: { name: 'a', resourceVersion: '7' }, data: { k: 'v' } });
    expect(JSON.parse(bytes.toString())).toEqual({ kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } });
    expect(decodeValue(bytes, 12)).toEqual({ kind: 'ConfigMap', metadata: { name: 'a', resourceVersion: '12' }, data: { k: 'v' } });
  });

  it('parses resourceVersions strictly', () => {
    expect(parseResourceVersion('')).toBeUndefined();
    expect(parseResourceVersion('0')).toBe(0);
    expect(parseResourceVersion('42')).toBe(42);
    expect(parseResourceVersion('-1')).toBeNaN();
    expect(parseResourceVersion('abc')).toBeNaN();
  });
});
