// Bad input gets etcd's error (message and gRPC code) and changes nothing. Both clusters run with
// --max-request-bytes 1024 and --max-txn-ops 4, so the limits are cheap to cross. The last step reads the
// revision: any bad request that slipped through would have moved it.
import { StreamReader, unary } from '../../api/etcd/grpc-test-kit.js';
import type { Init, RequestOp } from '../../api/etcd/index.js';
import { bytes, ctl, rpc, type Step } from '../support/script.js';

const puts = (n: number, prefix = 'bad/many/'): Init<RequestOp>[] =>
  Array.from({ length: n }, (_, i) => ({ request_put: { key: bytes(`${prefix}${i}`), value: bytes('v') } }));
const UNKNOWN_LEASE = 0x1234abcdn; // granted and revoked by the lease steps; gone now

export const badInputSteps: Step[] = [
  rpc('the revision before', (c) => unary(c.kv, c.kv.Range, { key: bytes('bad/') })),
  // Empty keys
  ctl('put an empty key', ['put', '', 'v']),
  rpc('Put an empty key', (c) => unary(c.kv, c.kv.Put, { key: bytes(''), value: bytes('v') })),
  rpc('Range an empty key', (c) => unary(c.kv, c.kv.Range, { key: bytes('') })),
  rpc('DeleteRange an empty key', (c) => unary(c.kv, c.kv.DeleteRange, { key: bytes('') })),
  rpc('Txn with an empty key in a put', (c) => unary(c.kv, c.kv.Txn, { success: [{ request_put: { key: bytes(''), value: bytes('v') } }] })),
  rpc('Txn with an empty key in a compare', (c) =>
    unary(c.kv, c.kv.Txn, { compare: [{ key: bytes(''), target: 'VERSION', result: 'EQUAL', version: 0 }], success: [] }),
  ),
  // Request size: etcd measures the whole raft request against --max-request-bytes.
  rpc('Put a value well under the limit', (c) => unary(c.kv, c.kv.Put, { key: bytes('bad/fits'), value: Buffer.alloc(700, 'x') })),
  rpc('Put a value above the limit', (c) => unary(c.kv, c.kv.Put, { key: bytes('bad/big'), value: Buffer.alloc(2_000, 'x') })),
  ctl('etcdctl put a value above the limit', ['put', 'bad/big', 'x'.repeat(1_500)]),
  rpc('Txn whose puts together exceed the limit', (c) =>
    unary(c.kv, c.kv.Txn, { success: [0, 1].map((i) => ({ request_put: { key: bytes(`bad/t${i}`), value: Buffer.alloc(600, 'y') } })) }),
  ),
  // Txn size
  rpc('Txn with max-txn-ops puts in each branch', (c) => unary(c.kv, c.kv.Txn, { success: puts(4), failure: puts(4, 'bad/other/') })),
  rpc('Txn with one op too many', (c) => unary(c.kv, c.kv.Txn, { success: puts(5) })),
  rpc('Txn with one compare too many', (c) =>
    unary(c.kv, c.kv.Txn, { compare: Array.from({ length: 5 }, () => ({ key: bytes('bad/fits'), target: 'VERSION' as const, result: 'GREATER' as const, version: 0 })) }),
  ),
  ctl('etcdctl txn with one op too many', ['txn'], { stdin: `\n${Array.from({ length: 5 }, (_, i) => `put bad/c${i} v`).join('\n')}\n\n\n` }),
  // Duplicate keys in one branch
  ctl('etcdctl txn putting one key twice', ['txn'], { stdin: '\nput bad/dup 1\nput bad/dup 2\n\n\n' }),
  rpc('Txn put and delete of one key', (c) =>
    unary(c.kv, c.kv.Txn, { success: [{ request_put: { key: bytes('bad/dup'), value: bytes('1') } }, { request_delete_range: { key: bytes('bad/dup') } }] }),
  ),
  rpc('Txn put inside a deleted range', (c) =>
    unary(c.kv, c.kv.Txn, { success: [{ request_delete_range: { key: bytes('bad/'), range_end: bytes('bad0') } }, { request_put: { key: bytes('bad/x'), value: bytes('1') } }] }),
  ),
  rpc('Txn put in an outer and a nested txn', (c) =>
    unary(c.kv, c.kv.Txn, {
      success: [{ request_put: { key: bytes('bad/dup'), value: bytes('1') } }, { request_txn: { success: [{ request_put: { key: bytes('bad/dup'), value: bytes('2') } }] } }],
    }),
  ),
  rpc('Txn: the same put in success and failure is fine', (c) =>
    unary(c.kv, c.kv.Txn, { success: [{ request_put: { key: bytes('bad/same'), value: bytes('s') } }], failure: [{ request_put: { key: bytes('bad/same'), value: bytes('f') } }] }),
  ),
  rpc('Txn: two deletes of one key are fine', (c) =>
    unary(c.kv, c.kv.Txn, { success: [{ request_delete_range: { key: bytes('bad/same') } }, { request_delete_range: { key: bytes('bad/same'), range_end: bytes('bad/samf') } }] }),
  ),
  rpc('Txn: a range and a put of one key are fine', (c) =>
    unary(c.kv, c.kv.Txn, { success: [{ request_range: { key: bytes('bad/same') } }, { request_put: { key: bytes('bad/same'), value: bytes('r') } }] }),
  ),
  // Unknown leases
  ctl('etcdctl put with an unknown lease', ['put', 'bad/l', 'v', '--lease', UNKNOWN_LEASE.toString(16)]),
  rpc('Put with an unknown lease', (c) => unary(c.kv, c.kv.Put, { key: bytes('bad/l'), value: bytes('v'), lease: UNKNOWN_LEASE })),
  rpc('Txn put with an unknown lease', (c) => unary(c.kv, c.kv.Txn, { success: [{ request_put: { key: bytes('bad/l'), value: bytes('v'), lease: UNKNOWN_LEASE } }] })),
  rpc('LeaseRevoke an unknown lease', (c) => unary(c.lease, c.lease.LeaseRevoke, { ID: UNKNOWN_LEASE })),
  rpc('LeaseTimeToLive an unknown lease', (c) => unary(c.lease, c.lease.LeaseTimeToLive, { ID: UNKNOWN_LEASE, keys: true })),
  ctl('etcdctl lease timetolive an unknown lease', ['lease', 'timetolive', UNKNOWN_LEASE.toString(16)]),
  ctl('etcdctl lease revoke an unknown lease', ['lease', 'revoke', UNKNOWN_LEASE.toString(16)]),
  rpc('LeaseKeepAlive an unknown lease', async (c) => {
    const stream = c.lease.LeaseKeepAlive();
    const reader = new StreamReader(stream);
    try {
      stream.write({ ID: UNKNOWN_LEASE });
      return await reader.next();
    } finally {
      stream.cancel();
    }
  }),
  // Lease TTL bounds: the minimum follows --election-timeout (identical on both sides).
  rpc('LeaseGrant TTL 0 gets the minimum', async (c) => {
    const granted = await unary(c.lease, c.lease.LeaseGrant, { TTL: 0 });
    await unary(c.lease, c.lease.LeaseRevoke, { ID: granted.ID });
    return granted;
  }),
  ctl('etcdctl lease grant 1', ['lease', 'grant', '1']),
  rpc('LeaseGrant a TTL above the maximum', (c) => unary(c.lease, c.lease.LeaseGrant, { TTL: 9_000_000_001 })),
  rpc('LeaseGrant a negative ID', (c) => unary(c.lease, c.lease.LeaseGrant, { TTL: 60, ID: -5 })),
  // Past what gRPC itself accepts (max-request-bytes + 512 KiB): a transport error, not an etcd one.
  rpc(
    'Put above the gRPC receive limit',
    (c) => unary(c.kv, c.kv.Put, { key: bytes('bad/huge'), value: Buffer.alloc(600 * 1024, 'z') }),
    // grpc-go and grpc-js word this error differently; the code is what a client acts on.
    { errorCodeOnly: true },
  ),
  rpc('the revision after: only the allowed txns wrote', (c) => unary(c.kv, c.kv.Range, { key: bytes('bad/'), range_end: bytes('bad0'), keys_only: true })),
];
