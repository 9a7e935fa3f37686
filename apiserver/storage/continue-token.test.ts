import { describe, expect, it } from 'vitest';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { BadRequestError } from './errors.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('continue tokens', () => {
  it('encodes as Kubernetes does: unpadded base64url of {v, rv, start} with the key after the prefix', () => {
    const token = encodeContinue('/registry/pods/default/b\0', '/registry/pods/', 42);
    expect(token).not.toMatch(/[=+/]/);
    expect(JSON.parse(Buffer.from(token, 'base64url').toString())).toEqual({ v: 'meta.k8s.io/v1', rv: 42, start: 'default/b\u0000' });
    expect(decodeContinue(token, '/registry/pods/')).toEqual({ fromKey: '/registry/pods/default/b\0', resourceVersion: 42 });
  });

  it('decodes a token produced by kube-apiserver', () => {
    // {"v":"meta.k8s.io/v1","rv":1234,"start":"kube-system/coredns\u0000"} as Go's encoding/json writes it (NUL as \u0000).
    const token = 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIzNCwic3RhcnQiOiJrdWJlLXN5c3RlbS9jb3JlZG5zXHUwMDAwIn0';
    expect(decodeContinue(token, '/registry/pods/')).toEqual({ fromKey: '/registry/pods/kube-system/coredns\0', resourceVersion: 1234 });
  });

  it('keeps rv -1 (continue at the latest revision)', () => {
    expect(decodeContinue(encodeContinue('/registry/pods/x', '/registry/pods/', -1), '/registry/pods/').resourceVersion).toBe(-1);
  });

  it.each([
    ['not base64', '!!!', /illegal base64 data/],
    ['not JSON', Buffer.from('nope').toString('base64url'), /continue key is not valid/],
    ['an unknown version', b64({ v: 'v2', rv: 1, start: 'a' }), /server does not recognize this encoded version "v2"/],
    ['rv 0', b64({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' }), /incorrect encoded start resourceVersion/],
    ['an empty start', b64({ v: 'meta.k8s.io/v1', rv: 3, start: '' }), /encoded start key empty/],
    ['a path climbing out', b64({ v: 'meta.k8s.io/v1', rv: 3, start: '../secrets/x' }), /continue key is not valid: \.\.\/secrets\/x/],
  ])('refuses %s with a BadRequest', (_what, token, message) => {
    expect(() => decodeContinue(token, '/registry/pods/')).toThrow(BadRequestError);
    expect(() => decodeContinue(token, '/registry/pods/')).toThrow(message);
  });
});
