// Durability under crashes: a writer puts k/<n> one after another and records every n the cluster acknowledged,
// while the test SIGKILLs a follower and restarts it, then SIGKILLs the leader and restarts it. Afterwards every
// acknowledged write must be readable (linearizably) on every member, and HashKV at one revision must agree
// across members: an acknowledged write survives any single crash, and restarted members rejoin the same history.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { unary } from '../api/etcd/grpc-test-kit.js';
import { printLogsOnFailure, sleep, startCluster, type Cluster, type Member } from './support/cluster.js';
import { connect, unaryWithin, type MemberClients } from './support/grpc-clients.js';
import { availableTargets, skipWhenNoTargets } from './support/targets.js';

const targets = availableTargets();
skipWhenNoTargets('durability.test.ts', targets);

/** Writes after each fault before the next one: enough that the cluster visibly moved on. */
const WRITES_PER_PHASE = 40;
const key = (n: number): Buffer => Buffer.from(`k/${String(n).padStart(6, '0')}`);
const value = (n: number): Buffer => Buffer.from(`v${n}`);

/**
 * Puts k/0, k/1, ... in order. A put that fails (member down, leader lost) is retried on the next member until
 * acknowledged, so the acknowledged numbers are exactly 0 .. next-1, and at most k/<next> exists besides.
 */
class SequentialWriter {
  readonly acknowledged: number[] = [];
  readonly failures: string[] = [];
  private next = 0;
  private stopped = false;
  private readonly clients: MemberClients[];
  private current = 0;
  private readonly loop: Promise<void>;

  constructor(cluster: Cluster) {
    this.clients = cluster.members.map((m) => connect(m.endpoint));
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const c = this.clients[this.current]!;
      try {
        await unaryWithin(3_000, c.kv, c.kv.Put, { key: key(this.next), value: value(this.next) });
        this.acknowledged.push(this.next);
        this.next += 1;
      } catch (error) {
        // Unknown outcome: the put may or may not have happened; it is retried, and only an ack counts.
        this.failures.push(error instanceof Error ? error.message : String(error));
        this.current = (this.current + 1) % this.clients.length;
        await sleep(50);
      }
    }
  }

  /** Resolves once `count` more writes than now have been acknowledged. */
  async advance(count: number, timeoutMs = 30_000): Promise<void> {
    const target = this.acknowledged.length + count;
    const deadline = Date.now() + timeoutMs;
    while (this.acknowledged.length < target) {
      if (Date.now() > deadline) {
        throw new Error(`writer stuck at ${this.acknowledged.length} acks; last failures:\n${this.failures.slice(-5).join('\n')}`);
      }
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    for (const c of this.clients) c.close();
  }
}

describe.each(targets)('durability of a 3-member %s cluster under SIGKILL', (kind) => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster(kind, 3);
  });
  afterAll(async () => {
    await cluster?.stopAll();
  });
  printLogsOnFailure(() => [cluster]);

  test('every acknowledged write survives killing a follower, then the leader', async () => {
    const writer = new SequentialWriter(cluster);
    try {
      await writer.advance(WRITES_PER_PHASE);

      const follower = (await followers(cluster))[0]!;
      await follower.kill();
      await writer.advance(WRITES_PER_PHASE); // two of three still make a quorum
      await follower.restart();
      await writer.advance(WRITES_PER_PHASE);

      const leader = await cluster.leader();
      await leader.kill();
      await writer.advance(WRITES_PER_PHASE); // after a new election
      await leader.restart();
      await writer.advance(WRITES_PER_PHASE);
    } finally {
      await writer.stop();
    }
    expect(writer.acknowledged.length).toBeGreaterThanOrEqual(5 * WRITES_PER_PHASE);

    for (const member of cluster.members) {
      const c = connect(member.endpoint);
      try {
        // Linearizable: the member first catches up to the leader's commit index.
        const range = await unary(c.kv, c.kv.Range, { key: Buffer.from('k/'), range_end: Buffer.from('k0') });
        const stored = new Map(range.kvs.map((kv) => [kv.key.toString(), kv.value.toString()]));
        const missing = writer.acknowledged.filter((n) => stored.get(key(n).toString()) !== value(n).toString());
        expect(missing, `acknowledged writes missing or wrong on ${member.name}`).toEqual([]);
        // Nothing else may be there but the one put whose outcome was unknown when the writer stopped.
        expect(Number(range.count) - writer.acknowledged.length).toBeGreaterThanOrEqual(0);
        expect(Number(range.count) - writer.acknowledged.length).toBeLessThanOrEqual(1);
      } finally {
        c.close();
      }
    }

    const revision = await agreedRevision(cluster);
    const hashes = await Promise.all(
      cluster.members.map(async (member) => {
        const c = connect(member.endpoint);
        try {
          return (await unary(c.maintenance, c.maintenance.HashKV, { revision })).hash;
        } finally {
          c.close();
        }
      }),
    );
    expect(new Set(hashes).size, `HashKV at revision ${revision}: ${hashes.join(', ')}`).toBe(1);
  });
});

async function followers(cluster: Cluster): Promise<Member[]> {
  const leader = await cluster.leader();
  return cluster.members.filter((m) => m !== leader);
}

/** The revision every member has applied, once writes stopped: read linearizably on each, so all are current. */
async function agreedRevision(cluster: Cluster): Promise<bigint> {
  const revisions = await Promise.all(
    cluster.members.map(async (member) => {
      const c = connect(member.endpoint);
      try {
        return (await unary(c.kv, c.kv.Range, { key: Buffer.from('k/') })).header.revision;
      } finally {
        c.close();
      }
    }),
  );
  expect(new Set(revisions).size, `revisions after the writer stopped: ${revisions.join(', ')}`).toBe(1);
  return revisions[0]!;
}
