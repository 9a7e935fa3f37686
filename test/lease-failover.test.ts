// Leases across a leader change, on both etcd and yawl: keepalives sent to a follower reach the leader's lessor,
// a lease outlives the death of the leader that granted it, and once keepalives stop, the new leader revokes it
// through Raft, deleting all of its keys in one revision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unary } from '../api/etcd/grpc-test-kit.js';
import type { LeaseKeepAliveResponse } from '../api/etcd/messages.js';
import { printLogsOnFailure, sleep, startCluster, type Cluster, type Member } from './support/cluster.js';
import { connect, unaryWithin, type MemberClients } from './support/grpc-clients.js';
import { availableTargets } from './support/targets.js';

const TTL = 4;

function keepAliveOnce(c: MemberClients, id: bigint): Promise<LeaseKeepAliveResponse> {
  return new Promise((resolve, reject) => {
    const stream = c.lease.LeaseKeepAlive({ deadline: Date.now() + 10_000 });
    stream.once('data', (r: LeaseKeepAliveResponse) => {
      resolve(r);
      stream.end();
    });
    stream.once('error', reject);
    stream.write({ ID: id });
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      // not yet: a member may be electing
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe.each(availableTargets())('leases across a leader change (%s)', (kind) => {
  let cluster: Cluster | undefined;
  const clients = new Map<string, MemberClients>();
  const client = (m: Member) => {
    let c = clients.get(m.endpoint);
    if (!c) clients.set(m.endpoint, (c = connect(m.endpoint)));
    return c;
  };

  beforeAll(async () => {
    cluster = await startCluster(kind, 3, { heartbeatMs: 50, electionMs: 500 });
  });
  afterAll(async () => {
    for (const c of clients.values()) c.close();
    await cluster?.stopAll();
  });
  printLogsOnFailure(() => [cluster]);

  it('keeps a lease alive through a follower, survives the leader, then expires on the new leader', async () => {
    const c = cluster!;
    const leader = await c.leader();
    const followers = c.members.filter((m) => m !== leader);
    const f = client(followers[0]!);

    const grant = await unary(f.lease, f.lease.LeaseGrant, { TTL });
    expect(grant.TTL).toBe(BigInt(TTL));
    const id = grant.ID;
    await unary(f.kv, f.kv.Put, { key: Buffer.from('lease/a'), value: Buffer.from('1'), lease: id });
    await unary(f.kv, f.kv.Put, { key: Buffer.from('lease/b'), value: Buffer.from('2'), lease: id });

    // A keepalive through a follower answers with the granted TTL (only the leader's lessor can renew it).
    const ka = await keepAliveOnce(client(followers[1]!), id);
    expect(ka.ID).toBe(id);
    expect(ka.TTL).toBe(BigInt(TTL));

    await leader.kill();
    const newLeader = await until('a new leader', async () => {
      const l = await c.leader();
      return l !== leader ? l : undefined;
    }, 30_000);
    const nl = client(newLeader);

    // The lease outlived the leader that granted it: the new leader knows it and its keys.
    const ttl = await until('the lease on the new leader', () => unaryWithin(2000, nl.lease, nl.lease.LeaseTimeToLive, { ID: id, keys: true }), 20_000);
    expect(ttl.grantedTTL).toBe(BigInt(TTL));
    expect(ttl.TTL).toBeGreaterThan(0n);
    expect(ttl.keys.map((k) => k.toString()).sort()).toEqual(['lease/a', 'lease/b']);

    // With no more keepalives the new leader revokes it through Raft: both keys go in one revision.
    const before = await unary(nl.kv, nl.kv.Range, { key: Buffer.from('lease/'), range_end: Buffer.from('lease0') });
    expect(before.count).toBe(2n);
    const gone = await until('the lease keys to be deleted', async () => {
      const r = await unaryWithin(2000, nl.kv, nl.kv.Range, { key: Buffer.from('lease/'), range_end: Buffer.from('lease0') });
      return r.count === 0n ? r : undefined;
    }, 30_000);
    const deletedAt = gone.header.revision;
    const justBefore = await unary(nl.kv, nl.kv.Range, { key: Buffer.from('lease/'), range_end: Buffer.from('lease0'), revision: deletedAt - 1n });
    expect(justBefore.count).toBe(2n);
    const after = await unary(nl.lease, nl.lease.LeaseTimeToLive, { ID: id, keys: false });
    expect(after.TTL).toBe(-1n);

    // The killed member comes back and agrees with the others.
    await leader.restart();
    const hashes = await until('every member to catch up', async () => {
      const hs = await Promise.all(c.members.map((m) => unaryWithin(3000, client(m).maintenance, client(m).maintenance.HashKV, { revision: deletedAt })));
      return hs.every((h) => h.hash === hs[0]!.hash) ? hs : undefined;
    }, 30_000);
    expect(new Set(hashes.map((h) => h.hash)).size).toBe(1);
  });
});
