// Member configuration: etcd's defaults, its validation rules, and IDs that depend only on what they should.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../raft/errors.js';
import { ETCD_DEFAULTS, parseInitialCluster, validateStoreConfig } from './config.js';
import { clusterIdFor, memberIdFor } from './ids.js';

const three = 'a=http://127.0.0.1:2380,b=http://127.0.0.1:2381,c=http://127.0.0.1:2382';

describe('store configuration', () => {
  it('takes etcd defaults: a single member named default on localhost', () => {
    const cfg = validateStoreConfig(ETCD_DEFAULTS);
    expect(cfg.name).toBe('default');
    expect(cfg.dataDir).toBe('default.etcd');
    expect(cfg.initialCluster.map((m) => [m.name, m.peerUrls])).toEqual([['default', ['http://localhost:2380']]]);
    expect([cfg.heartbeatInterval, cfg.electionTimeout, cfg.snapshotCount, cfg.maxRequestBytes, cfg.maxTxnOps]).toEqual([100, 1000, 100000, 1572864, 128]);
  });

  it('finds this member in --initial-cluster and gives every member a stable id', () => {
    const cfg = validateStoreConfig({ ...ETCD_DEFAULTS, name: 'b', initialCluster: three, initialAdvertisePeerUrls: 'http://127.0.0.1:2381' });
    expect(cfg.memberId).toBe(memberIdFor(['http://127.0.0.1:2381'], 'etcd-cluster'));
    expect(cfg.initialCluster).toHaveLength(3);
    const again = validateStoreConfig({ ...ETCD_DEFAULTS, name: 'b', initialCluster: three, initialAdvertisePeerUrls: 'http://127.0.0.1:2381' });
    expect(again.memberId).toBe(cfg.memberId);
  });

  it('ids change with the token and the peer URLs, never with the name or order', () => {
    const id = memberIdFor(['http://a:1', 'http://b:2'], 't');
    expect(memberIdFor(['http://b:2', 'http://a:1'], 't')).toBe(id);
    expect(memberIdFor(['http://a:1', 'http://b:2'], 'u')).not.toBe(id);
    expect(memberIdFor(['http://a:1'], 't')).not.toBe(id);
    expect(Number.isSafeInteger(id)).toBe(true);
    expect(clusterIdFor([3, 1, 2])).toBe(clusterIdFor([1, 2, 3]));
  });

  it('groups several peer URLs of one member', () => {
    const ms = parseInitialCluster('a=http://h:1,a=http://h:2,b=http://h:3', 't');
    expect(ms.map((m) => [m.name, m.peerUrls])).toEqual([
      ['a', ['http://h:1', 'http://h:2']],
      ['b', ['http://h:3']],
    ]);
  });

  it.each([
    [{ name: 'x', initialCluster: three }, /couldn't find local name "x"/],
    [{ name: 'a', initialCluster: three, initialAdvertisePeerUrls: 'http://127.0.0.1:9999' }, /missing from --initial-advertise-peer-urls/],
    [{ heartbeatInterval: '300', electionTimeout: '1000' }, /at least as 5 times/],
    [{ initialClusterState: 'maybe' }, /initial-cluster-state/],
    [{ listenClientUrls: 'not a url' }, /invalid URL/],
    [{ listenClientUrls: 'https://127.0.0.1:2379' }, /TLS/],
    [{ maxTxnOps: '-1' }, /max-txn-ops/],
    [{ logLevel: 'loud' }, /log-level/],
    [{ initialCluster: 'a=http://h:1,b' }, /expected name=url/],
  ])('rejects %o', (flags, message) => {
    expect(() => validateStoreConfig({ ...ETCD_DEFAULTS, ...flags })).toThrow(ConfigError);
    expect(() => validateStoreConfig({ ...ETCD_DEFAULTS, ...flags })).toThrow(message);
  });
});
