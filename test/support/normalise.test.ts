// The normaliser decides what two clusters may differ in; if it hides too much, the differential test proves
// nothing, and if it hides too little, it fails on noise. These cases pin both edges with etcdctl's real output.
import { describe, expect, test } from 'vitest';
import { Normaliser, parseCtlJson } from './normalise.js';

const members = [
  { name: 'n1', id: 0x4036b1db24775ea0n, endpoint: '127.0.0.1:23800', peerUrl: 'http://127.0.0.1:23801' },
  { name: 'n2', id: 0x710a7906b60e0340n, endpoint: '127.0.0.1:23810', peerUrl: 'http://127.0.0.1:23811' },
];
const CLUSTER = 10178233084376513753n;
const LEASE_A = 0x5ea0a2011483ae24n;
const LEASE_B = 0x5ea0a2011483ae28n;

describe('Normaliser', () => {
  test('JSON: 64-bit ids by name, terms and sizes by placeholder, revisions and values kept', () => {
    const n = new Normaliser(members, CLUSTER);
    const out = `{"header":{"cluster_id":${CLUSTER},"member_id":${members[0]!.id},"revision":5,"raft_term":2},"kvs":[{"key":"YQ==","create_revision":2,"mod_revision":5,"version":2,"value":"MTE=","lease":${LEASE_A}}],"count":1}`;
    expect(n.json(out)).toEqual({
      header: { cluster_id: 'cluster', member_id: 'member-n1', revision: 5, raft_term: '<term>' },
      kvs: [{ key: 'a', create_revision: 2, mod_revision: 5, version: 2, value: '11', lease: 'id-1' }],
      count: 1,
    });
  });

  test('the same lease in hex text, decimal fields and JSON gets one name; a second lease another', () => {
    const n = new Normaliser(members, CLUSTER);
    expect(n.text(`lease ${LEASE_A.toString(16)} granted with TTL(60s)\n`)).toBe('lease id-1 granted with TTL(60s)\n');
    expect(n.text(`"Lease" : ${LEASE_A}`)).toBe('"Lease" : id-1');
    expect(n.text(`{"ID":${LEASE_B},"TTL":60}`)).toBe('{"ID":"id-2","TTL":60}');
    expect(n.text(`lease 0000000000001234 already expired`)).toBe('lease id-3 already expired');
  });

  test('ports become member names; member ids in member list hex too', () => {
    const n = new Normaliser(members, CLUSTER);
    expect(n.text('4036b1db24775ea0, started, n1, http://127.0.0.1:23801, http://127.0.0.1:23800, false')).toBe(
      'member-n1, started, n1, http://<n1-peer>, http://<n1-client>, false',
    );
  });

  test('a short member id (yawl may pick one) is still recognised in member list', () => {
    const n = new Normaliser([{ name: 'n1', id: 0xabcn, endpoint: '127.0.0.1:1', peerUrl: 'http://127.0.0.1:2' }]);
    expect(n.text('abc, started, n1, http://127.0.0.1:2, http://127.0.0.1:1, false')).toBe('member-n1, started, n1, http://<n1-peer>, http://<n1-client>, false');
  });

  test('etcdctl client log lines keep the gRPC code and message, drop time and client id', () => {
    const n = new Normaliser();
    const line =
      '{"level":"warn","ts":"2026-11-22T02:27:51.037Z","caller":"clientv3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"endpoint://client-c5c2e042/127.0.0.1:23800","attempt":0,"error":"rpc error: code = OutOfRange desc = etcdserver: mvcc: required revision has been compacted"}';
    expect(n.text(line)).toBe(
      '[etcdctl warn] retrying of unary invoker failed: rpc error: code = OutOfRange desc = etcdserver: mvcc: required revision has been compacted',
    );
  });

  test('gRPC values: bigints, Buffers, a remaining TTL that ticks, an expired one that does not', () => {
    const n = new Normaliser(members, CLUSTER);
    const header = { cluster_id: CLUSTER, member_id: members[1]!.id, revision: 9n, raft_term: 3n };
    expect(n.value({ header, ID: LEASE_A, TTL: 57n, grantedTTL: 60n, keys: [Buffer.from('k')] })).toEqual({
      header: { cluster_id: 'cluster', member_id: 'member-n2', revision: 9, raft_term: '<term>' },
      ID: 'id-1',
      TTL: '<remaining>',
      grantedTTL: 60,
      keys: ['k'],
    });
    expect(n.value({ ID: LEASE_A, TTL: -1n, grantedTTL: 0n, keys: [] })).toEqual({ ID: 'id-1', TTL: -1, grantedTTL: 0, keys: [] });
    // 0 means "no lease" / "unset", never an id.
    expect(n.value({ lease: 0n, cluster_id: 0n })).toEqual({ lease: '0', cluster_id: '0' });
  });

  test('lease keys, an unordered set in etcd, come out sorted', () => {
    const n = new Normaliser();
    expect(n.text('lease 0000000000000001 granted with TTL(60s), remaining(59s), attached keys([l/b l/a])')).toBe(
      'lease id-1 granted with TTL(60s), remaining(<ttl>s), attached keys([l/a l/b])',
    );
    expect(n.json('{"id":1,"keys":["bC9i","bC9h"]}')).toEqual({ id: 'id-1', keys: ['l/a', 'l/b'] });
  });

  test('durations and long filler values', () => {
    const n = new Normaliser();
    expect(n.text('127.0.0.1:1 is healthy: successfully committed proposal: took = 1.84ms')).toBe(
      '127.0.0.1:1 is healthy: successfully committed proposal: took = <took>',
    );
    expect(n.text(`put k ${'x'.repeat(1500)}`)).toBe('put k x{x1500}');
  });
});

test('parseCtlJson keeps uint64 exact and gives every id one type', () => {
  expect(parseCtlJson('{"cluster_id":18446744073709551615,"revision":3}')).toEqual({ cluster_id: 18446744073709551615n, revision: 3 });
  // A short id (yawl's may be) is still a bigint, so it compares equal to the gRPC-decoded one.
  expect(parseCtlJson('{"header":{"member_id":788190228348312},"leases":[{"id":5}],"count":2}')).toEqual({
    header: { member_id: 788190228348312n },
    leases: [{ id: 5n }],
    count: 2,
  });
});
