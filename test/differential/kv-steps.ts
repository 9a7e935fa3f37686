// Puts, gets with every range option etcdctl and RangeRequest offer, and deletes with prev-kv. Starts on a
// fresh cluster (revision 1), so the revisions in the arguments below are absolute.
import { unary } from '../../api/etcd/grpc-test-kit.js';
import { bytes, ctl, rpc, type Step } from '../support/script.js';

const SORT_TARGETS = ['KEY', 'VERSION', 'CREATE', 'MODIFY', 'VALUE'] as const;

export const kvSteps: Step[] = [
  // rev 2..7: kv/b is written three times and kv/a twice, so versions, create and mod revisions all differ.
  ctl('put a', ['put', 'kv/a', 'pear']),
  ctl('put b', ['put', 'kv/b', 'apple']),
  ctl('put c', ['put', 'kv/c', 'melon']),
  ctl('overwrite a', ['put', 'kv/a', 'fig']),
  ctl('overwrite b with --prev-kv', ['put', 'kv/b', 'kiwi', '--prev-kv']),
  ctl('put d -w json', ['put', 'kv/d', 'date', '-w', 'json']),
  ctl('overwrite b with --prev-kv -w json', ['put', 'kv/b', 'banana', '--prev-kv', '-w', 'json']),
  ctl('get a key -w json', ['get', 'kv/a', '-w', 'json']),
  ctl('get a missing key -w json', ['get', 'kv/none', '-w', 'json']),
  ctl('get --prefix', ['get', 'kv/', '--prefix']),
  ctl('get [b, d)', ['get', 'kv/b', 'kv/d']),
  ctl('get --from-key', ['get', 'kv/c', '--from-key']),
  ctl('get --rev before the overwrite', ['get', 'kv/a', '--rev', '2']),
  ctl('get --prefix --rev 4 -w json', ['get', 'kv/', '--prefix', '--rev', '4', '-w', 'json']),
  ctl('get --limit 2 -w json (more, count)', ['get', 'kv/', '--prefix', '--limit', '2', '-w', 'json']),
  ...SORT_TARGETS.flatMap((target) =>
    (['ASCEND', 'DESCEND'] as const).map((order) => ctl(`get --sort-by ${target} --order ${order}`, ['get', 'kv/', '--prefix', '--sort-by', target, '--order', order])),
  ),
  ctl('get --sort-by MODIFY --order DESCEND --limit 2', ['get', 'kv/', '--prefix', '--sort-by', 'MODIFY', '--order', 'DESCEND', '--limit', '2', '-w', 'json']),
  ctl('get --keys-only', ['get', 'kv/', '--prefix', '--keys-only']),
  ctl('get --keys-only -w json', ['get', 'kv/', '--prefix', '--keys-only', '-w', 'json']),
  ctl('get --print-value-only', ['get', 'kv/', '--prefix', '--print-value-only']),
  ctl('get -w fields', ['get', 'kv/b', '-w', 'fields']),
  ctl('get serializable from n1', ['get', 'kv/b', '--consistency=s', '-w', 'json']),
  rpc('Range count_only', (c) => unary(c.kv, c.kv.Range, { key: bytes('kv/'), range_end: bytes('kv0'), count_only: true })),
  rpc('Range min/max mod revision', (c) =>
    unary(c.kv, c.kv.Range, { key: bytes('kv/'), range_end: bytes('kv0'), min_mod_revision: 4, max_mod_revision: 6 }),
  ),
  rpc('Range min/max create revision, keys_only', (c) =>
    unary(c.kv, c.kv.Range, { key: bytes('kv/'), range_end: bytes('kv0'), min_create_revision: 3, max_create_revision: 4, keys_only: true }),
  ),
  rpc('Range at a revision with limit and sort by VERSION', (c) =>
    unary(c.kv, c.kv.Range, { key: bytes('kv/'), range_end: bytes('kv0'), revision: 7, limit: 2, sort_order: 'DESCEND', sort_target: 'VERSION' }),
  ),
  rpc('Range every key (range_end \\0)', (c) => unary(c.kv, c.kv.Range, { key: bytes('\0'), range_end: bytes('\0'), keys_only: true })),
  rpc('Put prev_kv', (c) => unary(c.kv, c.kv.Put, { key: bytes('kv/e'), value: bytes('elder'), prev_kv: true })),
  rpc('Put ignore_value keeps the value', (c) => unary(c.kv, c.kv.Put, { key: bytes('kv/e'), ignore_value: true, prev_kv: true })),
  rpc('Put ignore_value on a missing key', (c) => unary(c.kv, c.kv.Put, { key: bytes('kv/missing'), ignore_value: true })),
  rpc('Put ignore_value with a value', (c) => unary(c.kv, c.kv.Put, { key: bytes('kv/e'), value: bytes('x'), ignore_value: true })),
  rpc('Put ignore_lease without a lease', (c) => unary(c.kv, c.kv.Put, { key: bytes('kv/e'), value: bytes('eel'), ignore_lease: true })),

  ctl('put keys to delete', ['put', 'del/a', '1']),
  ctl('put keys to delete (2)', ['put', 'del/b', '2']),
  ctl('put keys to delete (3)', ['put', 'del/c', '3']),
  ctl('put keys to delete (4)', ['put', 'del/d', '4']),
  ctl('del one key --prev-kv', ['del', 'del/a', '--prev-kv']),
  ctl('del a missing key', ['del', 'del/a']),
  ctl('del a missing key -w json', ['del', 'del/a', '-w', 'json']),
  ctl('del [b, d) --prev-kv -w json', ['del', 'del/b', 'del/d', '--prev-kv', '-w', 'json']),
  rpc('DeleteRange prefix with prev_kv', (c) => unary(c.kv, c.kv.DeleteRange, { key: bytes('del/'), range_end: bytes('del0'), prev_kv: true })),
  ctl('get after the deletes', ['get', 'del/', '--prefix', '-w', 'json']),
  ctl('put a deleted key again: a new generation', ['put', 'del/a', 'reborn', '--prev-kv']),
  ctl('the new generation starts at version 1', ['get', 'del/a', '-w', 'json']),
  ctl('get --rev 0 is the current revision', ['get', 'del/a', '--rev', '0', '-w', 'json']),
  // "~" sorts after every other key this script writes, so --from-key stays inside ~z/.
  ctl('put ~z/a', ['put', '~z/a', '1']),
  ctl('put ~z/b', ['put', '~z/b', '2']),
  ctl('del --from-key --prev-kv', ['del', '~z/a', '--from-key', '--prev-kv']),
];
