// Checks the lessor's etcd facts against a real etcd 3.4 through our own gRPC clients: error messages and codes,
// the minimum TTL, how LeaseTimeToLive rounds, the layout of server-chosen ids, and what the edge must answer
// for unknown leases. Skipped, with a message, where /usr/bin/etcd is missing.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { unary } from '../../api/etcd/grpc-test-kit.js';
import { KVClient, LeaseClient, MaintenanceClient } from '../../api/etcd/index.js';
import { REAL_ETCD_BINARY, realEtcdAvailable, startRealEtcd, type RealEtcd } from '../../api/etcd/real-etcd.js';
import { ErrLeaseExists, ErrLeaseNotFound, ErrLeaseTTLTooLarge, type LeaseError } from './errors.js';
import { Lessor } from './lessor.js';
import { MAX_LEASE_TTL_SECONDS } from './limits.js';

const available = realEtcdAvailable();
const skipReason = `SKIPPED: ${REAL_ETCD_BINARY} is missing (apt-get install etcd-server etcd-client)`;
if (!available) console.warn(`lease.real-etcd.test.ts ${skipReason}`);
const title = available ? 'the lessor against a real etcd 3.4' : `the lessor against a real etcd 3.4 — ${skipReason}`;

/** The status a call failed with, or a failure of the test if it succeeded. */
async function failure(call: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await call;
  } catch (error) {
    const { code, details } = error as grpc.ServiceError;
    return { code, details };
  }
  return expect.unreachable('the call succeeded');
}

const onTheWire = (error: LeaseError) => ({ code: error.grpcStatus, details: error.message });

describe.skipIf(!available)(title, () => {
  let etcd: RealEtcd;
  let lease: InstanceType<typeof LeaseClient>;
  let kv: InstanceType<typeof KVClient>;
  let startedAfterMs: number;
  /** Our lessor, promoted, on a clock that moves only when told. */
  const clock = { ms: 0, now: () => clock.ms };
  const ours = new Lessor({ clock });
  ours.promote();

  beforeAll(async () => {
    startedAfterMs = Date.now();
    etcd = await startRealEtcd({ name: 'yawl-lease-test' });
    lease = new LeaseClient(etcd.endpoint, grpc.credentials.createInsecure());
    kv = new KVClient(etcd.endpoint, grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    lease?.close();
    kv?.close();
    await etcd?.stop();
  });

  test('revoke of an unknown lease', async () => {
    expect(() => ours.revoke(4242n)).toThrow(ErrLeaseNotFound);
    expect(await failure(unary(lease, lease.LeaseRevoke, { ID: 4242n }))).toEqual(onTheWire(new ErrLeaseNotFound()));
  });

  test('grant with a too large TTL', async () => {
    expect(() => ours.grant(101n, MAX_LEASE_TTL_SECONDS + 1)).toThrow(ErrLeaseTTLTooLarge);
    const request = { ID: 101n, TTL: BigInt(MAX_LEASE_TTL_SECONDS + 1) };
    expect(await failure(unary(lease, lease.LeaseGrant, request))).toEqual(onTheWire(new ErrLeaseTTLTooLarge()));
    // ...while the maximum itself is granted
    const granted = await unary(lease, lease.LeaseGrant, { ID: 102n, TTL: BigInt(MAX_LEASE_TTL_SECONDS) });
    expect(granted.TTL).toBe(BigInt(ours.grant(102n, MAX_LEASE_TTL_SECONDS).ttl));
  });

  test('grant of an existing id; with a too large TTL the TTL is reported first', async () => {
    await unary(lease, lease.LeaseGrant, { ID: 103n, TTL: 30n });
    ours.grant(103n, 30);
    expect(() => ours.grant(103n, 30)).toThrow(ErrLeaseExists);
    expect(await failure(unary(lease, lease.LeaseGrant, { ID: 103n, TTL: 30n }))).toEqual(onTheWire(new ErrLeaseExists()));
    expect(() => ours.grant(103n, MAX_LEASE_TTL_SECONDS + 1)).toThrow(ErrLeaseTTLTooLarge);
    const tooLarge = { ID: 103n, TTL: BigInt(MAX_LEASE_TTL_SECONDS + 1) };
    expect(await failure(unary(lease, lease.LeaseGrant, tooLarge))).toEqual(onTheWire(new ErrLeaseTTLTooLarge()));
  });

  test('TTLs below the minimum are raised to the same minimum (2 s with default timeouts)', async () => {
    for (const [id, ttl] of [[104n, 1n], [105n, 0n], [106n, -5n]] as const) {
      const granted = await unary(lease, lease.LeaseGrant, { ID: id, TTL: ttl });
      expect(granted.TTL, `TTL ${ttl}`).toBe(BigInt(ours.grant(id, Number(ttl)).ttl));
      expect(granted.TTL).toBe(2n);
    }
  });

  test('LeaseTimeToLive right after a grant of 10 s reports 9, as our truncation does', async () => {
    const sentMs = Date.now();
    await unary(lease, lease.LeaseGrant, { ID: 107n, TTL: 10n });
    const answer = await unary(lease, lease.LeaseTimeToLive, { ID: 107n, keys: false });
    const tookMs = Date.now() - sentMs;
    ours.grant(107n, 10);
    clock.ms += Math.max(1, tookMs);
    expect(answer.grantedTTL).toBe(10n);
    // On a badly loaded machine the two calls may take over a second; etcd then reports less, as we would.
    if (tookMs < 1_000) expect(answer.TTL).toBe(9n);
    expect(answer.TTL).toBeGreaterThanOrEqual(BigInt(ours.remainingTtl(107n)));
    expect(answer.TTL).toBeLessThanOrEqual(9n);
  });

  test('an unknown lease: TimeToLive answers TTL -1 and KeepAlive TTL 0, not errors', async () => {
    const timeToLive = await unary(lease, lease.LeaseTimeToLive, { ID: 4243n, keys: true });
    expect({ TTL: timeToLive.TTL, grantedTTL: timeToLive.grantedTTL, keys: timeToLive.keys }).toEqual({ TTL: -1n, grantedTTL: 0n, keys: [] });
    const stream = lease.LeaseKeepAlive();
    const reply = new Promise<bigint>((resolve, reject) => {
      stream.once('data', (message: { TTL: bigint }) => resolve(message.TTL));
      stream.once('error', reject);
    });
    stream.write({ ID: 4243n });
    expect(await reply).toBe(0n);
    stream.end();
  });

  test('a revoke deletes all attached keys in one revision', async () => {
    await unary(lease, lease.LeaseGrant, { ID: 108n, TTL: 60n });
    ours.grant(108n, 60);
    for (const key of ['lease/b', 'lease/a']) {
      await unary(kv, kv.Put, { key: Buffer.from(key), value: Buffer.from('v'), lease: 108n });
      ours.attach(108n, Buffer.from(key));
    }
    const before = (await unary(kv, kv.Range, { key: Buffer.from('lease/'), range_end: Buffer.from('lease0') })).header.revision;
    const revoked = await unary(lease, lease.LeaseRevoke, { ID: 108n });
    expect(revoked.header.revision).toBe(before + 1n);
    expect(ours.revoke(108n).map((k) => Buffer.from(k).toString())).toEqual(['lease/a', 'lease/b']);
    const left = await unary(kv, kv.Range, { key: Buffer.from('lease/'), range_end: Buffer.from('lease0') });
    expect(left.kvs).toEqual([]);
  });

  test('a server-chosen id: low 15 bits of the member id, then the start time in ms, then a counter', async () => {
    const maintenance = new MaintenanceClient(etcd.endpoint, grpc.credentials.createInsecure());
    const memberId = (await unary(maintenance, maintenance.Status, {})).header.member_id;
    maintenance.close();
    const { ID } = await unary(lease, lease.LeaseGrant, { ID: 0n, TTL: 60n });
    const grantedBeforeMs = Date.now();
    expect(ID > 0n).toBe(true);
    expect(ID >> 48n).toBe(memberId & 0x7fffn);
    const startMs = Number((ID >> 8n) & ((1n << 40n) - 1n)); // counter carries add a few ms at most here
    const low40 = (ms: number) => Number(BigInt(ms) & ((1n << 40n) - 1n));
    expect(startMs).toBeGreaterThanOrEqual(low40(startedAfterMs));
    expect(startMs).toBeLessThanOrEqual(low40(grantedBeforeMs));
  });
});
