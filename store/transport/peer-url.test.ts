import { describe, expect, it } from 'vitest';
import { TransportConfigError } from './errors.js';
import { formatPeerAddress, parsePeerUrl } from './peer-url.js';

describe('parsePeerUrl', () => {
  it.each([
    ['http://127.0.0.1:12380', { host: '127.0.0.1', port: 12380 }],
    ['http://127.0.0.1:2380/', { host: '127.0.0.1', port: 2380 }],
    ['http://member-1.example:2380', { host: 'member-1.example', port: 2380 }],
    ['http://[::1]:2380', { host: '::1', port: 2380 }],
  ])('reads %s', (url, address) => {
    expect(parsePeerUrl(url)).toEqual(address);
  });

  it.each([
    ['not a url', 'invalid peer URL'],
    ['https://10.0.0.1:2380', 'scheme https is not supported'],
    ['unix://member-1:2380', 'scheme unix is not supported'],
    ['http://10.0.0.1', 'has no port'],
    ['http://10.0.0.1:2380/raft', 'must be scheme://host:port only'],
  ])('refuses %s', (url, message) => {
    expect(() => parsePeerUrl(url)).toThrow(TransportConfigError);
    expect(() => parsePeerUrl(url)).toThrow(message);
  });

  it('formats IPv6 addresses with brackets', () => {
    expect(formatPeerAddress({ host: '::1', port: 2380 })).toBe('[::1]:2380');
    expect(formatPeerAddress({ host: '10.0.0.1', port: 2380 })).toBe('10.0.0.1:2380');
  });
});
