// Watches over a known history (from a past revision, with prev_kv and filters, through etcdctl and gRPC), then
// compaction and what it does to reads, watches and HashKV. Revisions are counted from `h0`, the revision at
// which this part starts, recorded by the first step.
import { StreamReader, unary } from '../../api/etcd/grpc-test-kit.js';
import { watchUntil } from '../support/watch-stream.js';
import { bytes, ctl, ctlWatch, rpc, syncAllMembers, type Step, type Vars } from '../support/script.js';

/** h0 + offset, as etcdctl takes a revision. */
const rev = (vars: Vars, offset: number): string => String(vars.get('h0')! + BigInt(offset));
const hasSentinel = (events: { kv: { key: Buffer } }[]): boolean => events.some((e) => e.kv.key.toString() === 'h/~end');
const SENTINEL_TEXT = 'h/~end\nend\n';

export const historySteps: Step[] = [
  rpc('record h0, the revision before this history', async (c, vars) => {
    const header = (await unary(c.kv, c.kv.Range, { key: bytes('h/'), range_end: bytes('h0') })).header;
    vars.set('h0', header.revision);
    return header;
  }),
  // h0+1 .. h0+6
  ctl('put h/a 1', ['put', 'h/a', '1']),
  ctl('put h/b 2', ['put', 'h/b', '2']),
  ctl('put h/a 3', ['put', 'h/a', '3']),
  ctl('del h/b', ['del', 'h/b']),
  ctl('put h/c 4', ['put', 'h/c', '4']),
  ctl('put the sentinel', ['put', 'h/~end', 'end']),

  rpc('watch h/ from h0+1 with prev_kv, then cancel', (c, vars) =>
    watchUntil(c, { key: bytes('h/'), range_end: bytes('h0'), start_revision: vars.get('h0')! + 1n, prev_kv: true }, { until: (seen) => hasSentinel(seen.events), cancel: true }),
  ),
  rpc('watch with NOPUT sees only the delete', (c, vars) =>
    watchUntil(c, { key: bytes('h/'), range_end: bytes('h0'), start_revision: vars.get('h0')! + 1n, filters: ['NOPUT'] }, { until: (seen) => seen.events.length >= 1 }),
  ),
  rpc('watch with NODELETE sees only puts', (c, vars) =>
    watchUntil(c, { key: bytes('h/'), range_end: bytes('h0'), start_revision: vars.get('h0')! + 1n, filters: ['NODELETE'] }, { until: (seen) => hasSentinel(seen.events) }),
  ),
  rpc('watch one key', (c, vars) => watchUntil(c, { key: bytes('h/a'), start_revision: vars.get('h0')! + 1n }, { until: (seen) => seen.events.length >= 2 })),
  rpc('watch from now (start_revision 0): created, then cancelled by us', (c) =>
    watchUntil(c, { key: bytes('h/') }, { until: (seen) => seen.control.some((r) => r.created), cancel: true }),
  ),
  rpc('a second watch with the same watch_id on one stream is refused', async (c) => {
    const stream = c.watch.Watch();
    const reader = new StreamReader(stream);
    try {
      stream.write({ create_request: { key: bytes('h/a'), watch_id: 7 } });
      stream.write({ create_request: { key: bytes('h/b'), watch_id: 7 } });
      return [await reader.next(), await reader.next()];
    } finally {
      stream.cancel();
    }
  }),
  ctlWatch('etcdctl watch --prefix --rev h0+1 --prev-kv', (v) => ['--prefix', 'h/', '--rev', rev(v, 1), '--prev-kv'], (out) => out.includes(SENTINEL_TEXT)),
  ctlWatch('etcdctl watch a range [h/a, h/c) --rev h0+1', (v) => ['h/a', 'h/c', '--rev', rev(v, 1)], (out) => (out.match(/PUT|DELETE/g) ?? []).length >= 4),

  ctl('compaction at h0+3', (v) => ['compaction', rev(v, 3)]),
  ctl('get below the compact revision', (v) => ['get', 'h/a', '--rev', rev(v, 2)]),
  ctl('get at the compact revision', (v) => ['get', 'h/', '--prefix', '--rev', rev(v, 3), '-w', 'json']),
  ctl('get at a future revision', (v) => ['get', 'h/a', '--rev', rev(v, 100)]),
  ctl('compaction again at the same revision', (v) => ['compaction', rev(v, 3)]),
  ctl('compaction at a future revision', (v) => ['compaction', rev(v, 100)]),
  rpc('Range below the compact revision', (c, vars) => unary(c.kv, c.kv.Range, { key: bytes('h/a'), revision: vars.get('h0')! + 1n })),
  rpc('Range at a future revision', (c, vars) => unary(c.kv, c.kv.Range, { key: bytes('h/a'), revision: vars.get('h0')! + 1000n })),
  rpc('Compact at the compact revision', (c, vars) => unary(c.kv, c.kv.Compact, { revision: vars.get('h0')! + 3n })),
  rpc('Compact at a future revision', (c, vars) => unary(c.kv, c.kv.Compact, { revision: vars.get('h0')! + 1000n })),
  rpc('HashKV at the compact revision is refused', (c, vars) => unary(c.maintenance, c.maintenance.HashKV, { revision: vars.get('h0')! + 3n })),
  rpc('HashKV at a future revision', (c, vars) => unary(c.maintenance, c.maintenance.HashKV, { revision: vars.get('h0')! + 1000n })),
  // No lease has been used yet, so nothing in the history differs between clusters: the hash must match too.
  rpc('HashKV of everything', (c) => unary(c.maintenance, c.maintenance.HashKV, { revision: 0 })),
  rpc('HashKV at the last revision', (c, vars) => unary(c.maintenance, c.maintenance.HashKV, { revision: vars.get('h0')! + 6n })),
  rpc('watch from a compacted revision is cancelled with compact_revision', (c, vars) =>
    watchUntil(c, { key: bytes('h/'), range_end: bytes('h0'), start_revision: vars.get('h0')! + 1n }, { until: (seen) => seen.control.some((r) => r.canceled) }),
  ),
  rpc('watch from the compact revision itself: prev_kv below it is gone', (c, vars) =>
    watchUntil(c, { key: bytes('h/'), range_end: bytes('h0'), start_revision: vars.get('h0')! + 3n, prev_kv: true }, { until: (seen) => hasSentinel(seen.events) }),
  ),
  ctlWatch('etcdctl watch from a compacted revision', (v) => ['h/a', '--rev', rev(v, 1)], 'exit'),
  ctl('compaction --physical', (v) => ['compaction', '--physical', rev(v, 5)]),
  rpc('a watch from a future revision skips what comes before it', async (c) => {
    const now = (await unary(c.kv, c.kv.Range, { key: bytes('h/f') })).header.revision;
    const watching = watchUntil(c, { key: bytes('h/f'), start_revision: now + 2n }, { until: (seen) => seen.events.length >= 1 });
    await unary(c.kv, c.kv.Put, { key: bytes('h/f'), value: bytes('before the start') });
    await unary(c.kv, c.kv.Put, { key: bytes('h/f'), value: bytes('at the start') });
    return watching;
  }),
  rpc('a progress request', async (c) => {
    const stream = c.watch.Watch();
    const reader = new StreamReader(stream);
    try {
      stream.write({ create_request: { key: bytes('h/') } });
      const created = await reader.next();
      stream.write({ progress_request: {} });
      return [created, await reader.next()];
    } finally {
      stream.cancel();
    }
  }),
  syncAllMembers(),
  ctl('endpoint hashkv on every member agrees', ['endpoint', 'hashkv', '-w', 'json'], { allEndpoints: true }),
];
