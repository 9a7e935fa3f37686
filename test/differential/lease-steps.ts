// Leases: grant (server-chosen and client-chosen ids), attach keys, time-to-live with keys, keep-alive, list,
// and revoke, which deletes every attached key in one revision. TTLs are long and every lease is revoked
// explicitly: an expiry would delete keys at a moment that differs between runs.
import { StreamReader, unary } from '../../api/etcd/grpc-test-kit.js';
import { watchUntil } from '../support/watch-stream.js';
import { bytes, captureLease, ctl, hexLease, rpc, type Step } from '../support/script.js';

/** A lease id the client picks; the server must keep it. */
const CHOSEN_ID = 0x1234abcdn;
const byName = (a: { ID: string }, b: { ID: string }): number => a.ID.localeCompare(b.ID);

export const leaseSteps: Step[] = [
  ctl('lease grant 60', ['lease', 'grant', '60'], { capture: captureLease('l1') }),
  rpc('LeaseGrant TTL 60', async (c, vars) => {
    const granted = await unary(c.lease, c.lease.LeaseGrant, { TTL: 60 });
    vars.set('l2', granted.ID);
    return granted;
  }),
  rpc('LeaseGrant with a client-chosen ID', (c) => unary(c.lease, c.lease.LeaseGrant, { TTL: 60, ID: CHOSEN_ID })),
  rpc('LeaseGrant the same ID again', (c) => unary(c.lease, c.lease.LeaseGrant, { TTL: 60, ID: CHOSEN_ID })),
  ctl('lease grant -w json', ['lease', 'grant', '120', '-w', 'json']),
  ctl('put with lease l1', (v) => ['put', 'ls/a', 'A', '--lease', hexLease(v, 'l1')]),
  ctl('put with lease l1 (2)', (v) => ['put', 'ls/b', 'B', `--lease=${hexLease(v, 'l1')}`]),
  rpc('Put with lease l2', (c, vars) => unary(c.kv, c.kv.Put, { key: bytes('ls/c'), value: bytes('C'), lease: vars.get('l2')! })),
  rpc('Put with the chosen lease', (c) => unary(c.kv, c.kv.Put, { key: bytes('ls/d'), value: bytes('D'), lease: CHOSEN_ID })),
  ctl('put without a lease', ['put', 'ls/e', 'E']),
  rpc('Put ignore_lease keeps the lease', (c) => unary(c.kv, c.kv.Put, { key: bytes('ls/d'), value: bytes('D2'), ignore_lease: true, prev_kv: true })),
  rpc('Put ignore_lease with a lease', (c, vars) => unary(c.kv, c.kv.Put, { key: bytes('ls/d'), lease: vars.get('l2')!, ignore_lease: true })),
  rpc('txn compare LEASE', (c, vars) =>
    unary(c.kv, c.kv.Txn, {
      compare: [{ key: bytes('ls/c'), target: 'LEASE', result: 'EQUAL', lease: vars.get('l2')! }],
      success: [{ request_range: { key: bytes('ls/c') } }],
    }),
  ),
  ctl('get the leased keys -w json', ['get', 'ls/', '--prefix', '-w', 'json']),
  ctl('get -w fields shows the lease', ['get', 'ls/a', '-w', 'fields']),
  ctl('lease timetolive --keys', (v) => ['lease', 'timetolive', hexLease(v, 'l1'), '--keys']),
  ctl('lease timetolive --keys -w json', (v) => ['lease', 'timetolive', hexLease(v, 'l1'), '--keys', '-w', 'json']),
  rpc('LeaseTimeToLive with keys', (c, vars) => unary(c.lease, c.lease.LeaseTimeToLive, { ID: vars.get('l2')!, keys: true })),
  ctl('lease keep-alive --once', (v) => ['lease', 'keep-alive', '--once', hexLease(v, 'l1')]),
  ctl('lease keep-alive --once -w json', (v) => ['lease', 'keep-alive', '--once', hexLease(v, 'l1'), '-w', 'json']),
  rpc('LeaseKeepAlive on a stream', async (c, vars) => {
    const stream = c.lease.LeaseKeepAlive();
    const reader = new StreamReader(stream);
    try {
      stream.write({ ID: vars.get('l2')! });
      return await reader.next();
    } finally {
      stream.cancel();
    }
  }),
  ctl('lease list', ['lease', 'list'], { sortLines: true }),
  rpc('LeaseLeases', (c) => unary(c.lease, c.lease.LeaseLeases, {}), { after: (r) => ({ ...r, leases: [...r.leases].sort(byName) }) }),
  rpc('record the revision before the revoke', async (c, vars) => {
    const header = (await unary(c.kv, c.kv.Range, { key: bytes('ls/') })).header;
    vars.set('beforeRevoke', header.revision);
    return header;
  }),
  ctl('lease revoke l1 deletes its two keys', (v) => ['lease', 'revoke', hexLease(v, 'l1')]),
  rpc('both deletes carry one revision', (c, vars) =>
    watchUntil(c, { key: bytes('ls/'), range_end: bytes('ls0'), start_revision: vars.get('beforeRevoke')! + 1n, prev_kv: true }, { until: (seen) => seen.events.length >= 2 }),
  ),
  ctl('get after the revoke -w json', ['get', 'ls/', '--prefix', '-w', 'json']),
  ctl('lease timetolive after the revoke', (v) => ['lease', 'timetolive', hexLease(v, 'l1')]),
  ctl('lease timetolive after the revoke -w json', (v) => ['lease', 'timetolive', hexLease(v, 'l1'), '-w', 'json']),
  rpc('LeaseTimeToLive after the revoke', (c, vars) => unary(c.lease, c.lease.LeaseTimeToLive, { ID: vars.get('l1')!, keys: true })),
  ctl('lease revoke l1 again', (v) => ['lease', 'revoke', hexLease(v, 'l1')]),
  ctl('lease keep-alive --once on the revoked lease', (v) => ['lease', 'keep-alive', '--once', hexLease(v, 'l1')]),
  rpc('LeaseRevoke l2', (c, vars) => unary(c.lease, c.lease.LeaseRevoke, { ID: vars.get('l2')! })),
  rpc('LeaseRevoke the chosen lease', (c) => unary(c.lease, c.lease.LeaseRevoke, { ID: CHOSEN_ID })),
  ctl('only the unleased key is left', ['get', 'ls/', '--prefix']),
  rpc('LeaseLeases after the revokes', (c) => unary(c.lease, c.lease.LeaseLeases, {}), { after: (r) => ({ ...r, leases: [...r.leases].sort(byName) }) }),
];
