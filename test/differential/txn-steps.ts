// Transactions: each compare target and result, both branches, reads after writes inside one txn, nested txns
// (gRPC only; etcdctl cannot write them) and the -w json shape etcdctl prints.
import { unary } from '../../api/etcd/grpc-test-kit.js';
import type { Compare, Init } from '../../api/etcd/index.js';
import { bytes, ctl, rpc, type Step } from '../support/script.js';

const txnStdin = (compares: string[], success: string[], failure: string[]): string =>
  [...compares, '', ...success, '', ...failure, '', ''].join('\n');

/** A txn that reports which branch ran by what it reads back. */
const probe = (compare: Init<Compare>[]) => ({
  compare,
  success: [{ request_range: { key: bytes('tx/a') } }],
  failure: [{ request_range: { key: bytes('tx/none') } }],
});

export const txnSteps: Step[] = [
  ctl('setup a', ['put', 'tx/a', 'alpha']),
  ctl('setup b', ['put', 'tx/b', 'beta']),
  ctl('setup a again', ['put', 'tx/a', 'alpha2']),
  ctl(
    'etcdctl txn: value, version, create, mod all hold',
    ['txn'],
    { stdin: txnStdin(['value("tx/a") = "alpha2"', 'version("tx/a") = "2"', 'create("tx/b") > "0"', 'mod("tx/a") > "1"'], ['put tx/c gamma', 'get tx/a', 'del tx/b'], ['put tx/fail x']) },
  ),
  ctl('etcdctl txn: failure branch', ['txn'], { stdin: txnStdin(['value("tx/a") = "nope"'], ['put tx/never x'], ['get tx/ --prefix', 'put tx/d delta']) }),
  ctl('etcdctl txn -w json', ['txn', '-w', 'json'], { stdin: txnStdin(['version("tx/none") = "0"'], ['put tx/e epsilon', 'get tx/a', 'del tx/d --prev-kv'], []) }),
  ctl('etcdctl txn: a put and a delete of one key collide', ['txn'], { stdin: txnStdin([], ['put tx/e x', 'del tx/e'], []) }),
  ctl('etcdctl txn: a malformed compare', ['txn'], { stdin: txnStdin(['bogus("tx/a") = "1"'], ['put tx/never x'], []) }),
  ctl('etcdctl txn -w fields', ['txn', '-w', 'fields'], { stdin: txnStdin(['mod("tx/c") < "1000"'], ['get tx/c'], []) }),
  ctl('etcdctl txn with no compares runs success', ['txn'], { stdin: txnStdin([], ['put tx/f phi'], []) }),
  rpc('compare VERSION GREATER', (c) => unary(c.kv, c.kv.Txn, probe([{ key: bytes('tx/a'), target: 'VERSION', result: 'GREATER', version: 1 }]))),
  rpc('compare CREATE LESS', (c) => unary(c.kv, c.kv.Txn, probe([{ key: bytes('tx/a'), target: 'CREATE', result: 'LESS', create_revision: 2 }]))),
  rpc('compare MOD NOT_EQUAL', (c) => unary(c.kv, c.kv.Txn, probe([{ key: bytes('tx/a'), target: 'MOD', result: 'NOT_EQUAL', mod_revision: 0 }]))),
  rpc('compare VALUE GREATER (bytewise)', (c) => unary(c.kv, c.kv.Txn, probe([{ key: bytes('tx/a'), target: 'VALUE', result: 'GREATER', value: bytes('alpha') }]))),
  rpc('compare LEASE EQUAL 0 (no lease)', (c) => unary(c.kv, c.kv.Txn, probe([{ key: bytes('tx/a'), target: 'LEASE', result: 'EQUAL', lease: 0 }]))),
  rpc('compare on a missing key: version 0, create 0', (c) =>
    unary(c.kv, c.kv.Txn, probe([
      { key: bytes('tx/missing'), target: 'VERSION', result: 'EQUAL', version: 0 },
      { key: bytes('tx/missing'), target: 'CREATE', result: 'EQUAL', create_revision: 0 },
    ])),
  ),
  rpc('compare VALUE on a missing key fails', (c) => unary(c.kv, c.kv.Txn, probe([{ key: bytes('tx/missing'), target: 'VALUE', result: 'EQUAL', value: bytes('') }]))),
  rpc('compare over a range: every key has version > 0', (c) =>
    unary(c.kv, c.kv.Txn, probe([{ key: bytes('tx/'), range_end: bytes('tx0'), target: 'VERSION', result: 'GREATER', version: 0 }])),
  ),
  rpc('compare over a range: not every key has version > 1', (c) =>
    unary(c.kv, c.kv.Txn, probe([{ key: bytes('tx/'), range_end: bytes('tx0'), target: 'VERSION', result: 'GREATER', version: 1 }])),
  ),
  rpc('read after write inside one txn, delete with prev_kv', (c) =>
    unary(c.kv, c.kv.Txn, {
      success: [
        { request_put: { key: bytes('tx/g'), value: bytes('one'), prev_kv: true } },
        { request_range: { key: bytes('tx/g') } },
        { request_delete_range: { key: bytes('tx/f'), prev_kv: true } },
      ],
    }),
  ),
  // etcd answers a range that runs before the txn's first write at the old revision, one after it at the new.
  rpc('ranges before and after a put in one txn report different revisions', (c) =>
    unary(c.kv, c.kv.Txn, {
      success: [
        { request_range: { key: bytes('tx/g') } },
        { request_put: { key: bytes('tx/g2'), value: bytes('two') } },
        { request_range: { key: bytes('tx/g2') } },
      ],
    }),
  ),
  // etcd leaves the revision of a nested txn's own header at 0, while the ops inside it carry theirs.
  rpc('nested txn: inner success and outer read share the revision', (c) =>
    unary(c.kv, c.kv.Txn, {
      compare: [{ key: bytes('tx/a'), target: 'VALUE', result: 'EQUAL', value: bytes('alpha2') }],
      success: [
        {
          request_txn: {
            compare: [{ key: bytes('tx/g'), target: 'VERSION', result: 'EQUAL', version: 1 }],
            success: [{ request_put: { key: bytes('tx/h'), value: bytes('inner') } }],
            failure: [{ request_put: { key: bytes('tx/h'), value: bytes('inner-failed') } }],
          },
        },
        { request_range: { key: bytes('tx/h') } },
      ],
    }),
  ),
  rpc('nested txn in the failure branch', (c) =>
    unary(c.kv, c.kv.Txn, {
      compare: [{ key: bytes('tx/a'), target: 'VALUE', result: 'EQUAL', value: bytes('nope') }],
      failure: [{ request_txn: { compare: [{ key: bytes('tx/h'), target: 'VALUE', result: 'EQUAL', value: bytes('nope') }], failure: [{ request_delete_range: { key: bytes('tx/h'), prev_kv: true } }] } }],
    }),
  ),
  rpc('a txn that writes nothing keeps the revision', (c) => unary(c.kv, c.kv.Txn, { success: [{ request_range: { key: bytes('tx/a') } }, { request_delete_range: { key: bytes('tx/none') } }] })),
  ctl('state after the txns', ['get', 'tx/', '--prefix', '-w', 'json']),
];
