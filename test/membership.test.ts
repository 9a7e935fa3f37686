// Runtime reconfiguration with etcdctl 3.4, on a cluster that starts with one member: grow it to three with
// `member add` (each new member started with the ETCD_INITIAL_CLUSTER that etcdctl printed and
// --initial-cluster-state existing), add a learner and promote it, remove the leader, see removals that would
// cost the quorum refused, replace a member that lost its disk, and change a member's peer URLs. The steps run
// in order on one cluster; each says what it leaves behind. Expectations are etcd 3.4.23's observed behaviour,
// messages and gRPC codes included; its strict reconfiguration check (--strict-reconfig-check, on by default)
// is what refuses the unsafe requests.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { unary } from '../api/etcd/grpc-test-kit.js';
import { printLogsOnFailure, sleep, startCluster, type Cluster, type Member } from './support/cluster.js';
import { etcdctl } from './support/etcdctl.js';
import { outcome } from './support/grpc-clients.js';
import { ctlFailure, ctlFails, ctlJson, ctlOk, expectSameHashKV, hexId, readPrefix, until, withClients } from './support/ops.js';
import { availableTargets, skipWhenNoTargets } from './support/targets.js';

const targets = availableTargets();
skipWhenNoTargets('membership.test.ts', targets);

/** etcd refuses a reconfiguration until every voting peer has been connected for 5 s (etcdserver.HealthInterval). */
const HEALTH_INTERVAL_MS = 5_000;
const UNHEALTHY = 'etcdserver: unhealthy cluster';

interface MemberJson {
  ID: bigint;
  name?: string;
  peerURLs: string[];
  clientURLs?: string[];
  isLearner?: boolean;
}
interface MemberListJson {
  header: { cluster_id: bigint; member_id: bigint };
  members: MemberJson[];
}

/**
 * `member add` prints this, ids as %16x (hex, padded with spaces to 16 characters: an id below 2^60 starts with
 * spaces); etcdctl takes ETCD_INITIAL_CLUSTER from the member list in the response.
 */
const MEMBER_ADDED =
  /^Member ([ 0-9a-f]{16}) added to cluster ([ 0-9a-f]{16})\n\nETCD_NAME="([^"]*)"\nETCD_INITIAL_CLUSTER="([^"]*)"\nETCD_INITIAL_ADVERTISE_PEER_URLS="([^"]*)"\nETCD_INITIAL_CLUSTER_STATE="existing"\n$/;

interface Added {
  id: bigint;
  initialCluster: string;
}

describe.each(targets)('membership changes on a %s cluster grown from one member', (kind) => {
  let cluster: Cluster;
  /** The member the quorum test stopped, which the replacement test then replaces. */
  let stopped: Member | undefined;
  /** Every key this file wrote and what it must read back: checked on every running member after each step. */
  const written = new Map<string, string>();

  beforeAll(async () => {
    cluster = await startCluster(kind, 1);
  });
  afterAll(async () => {
    await cluster?.stopAll();
  });
  printLogsOnFailure(() => [cluster]);

  const running = (): Member[] => cluster.members.filter((m) => m.running);
  const byName = (name: string): Member => cluster.members.find((m) => m.name === name)!;

  async function put(key: string, value: string, via: Member = running()[0]!): Promise<void> {
    expect(await ctlOk([via.endpoint], ['put', key, value])).toBe('OK\n');
    written.set(key, value);
  }

  /** Every running voting member serves every written key, with identical revisions (linearizable reads). */
  async function expectDataEverywhere(members: readonly Member[] = running()): Promise<void> {
    const reads = await Promise.all(members.map((m) => readPrefix(m, 'm/')));
    const expected = [...written.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [i, read] of reads.entries()) {
      expect(read.kvs.map((kv) => [kv.key, kv.value]), `keys on ${members[i]!.name}`).toEqual(expected);
      expect(read.kvs, `revisions on ${members[i]!.name} vs ${members[0]!.name}`).toEqual(reads[0]!.kvs);
    }
  }

  async function memberList(via: Member): Promise<MemberJson[]> {
    return (await ctlJson<MemberListJson>([via.endpoint], ['member', 'list'])).members;
  }

  /** `member add`, retried while the strict reconfiguration check still finds a peer connected for under 5 s. */
  async function memberAdd(via: Member, name: string, peerUrl: string, learner = false): Promise<Added> {
    const args = ['member', 'add', name, `--peer-urls=${peerUrl}`, ...(learner ? ['--learner'] : [])];
    const stdout = await until(
      `member add ${name}`,
      async () => {
        const result = await etcdctl([via.endpoint], args);
        if (result.code === 0) return result.stdout;
        const failure = ctlFailure(result);
        if (failure.message === UNHEALTHY) return undefined;
        throw new Error(`member add ${name} failed: ${result.stderr}`);
      },
      3 * HEALTH_INTERVAL_MS,
      { intervalMs: 500 },
    );
    const match = MEMBER_ADDED.exec(stdout);
    expect(match, `member add output:\n${stdout}`).not.toBeNull();
    const [, idHex, clusterHex, printedName, initialCluster, advertised] = match!;
    expect(clusterHex).toBe(padded(cluster.clusterId));
    expect(printedName).toBe(name);
    expect(advertised).toBe(peerUrl);
    const id = BigInt(`0x${idHex!.trim()}`);
    expect(idHex).toBe(padded(id));

    // ETCD_INITIAL_CLUSTER lists every member of the new configuration, new one included, in member id order
    // (the order of the MemberAdd response's member list).
    const members = await memberList(via);
    const inOrder = [...members].sort((a, b) => (a.ID < b.ID ? -1 : 1));
    expect(members.map((m) => m.ID)).toEqual(inOrder.map((m) => m.ID));
    const expectedEntries = inOrder.flatMap((m) => m.peerURLs.map((u) => `${m.ID === id ? name : (m.name ?? '')}=${u}`));
    expect(initialCluster).toBe(expectedEntries.join(','));
    // Not started yet: no name, no client URLs; a learner says so.
    const added = members.find((m) => m.ID === id)!;
    expect(added).toEqual({ ID: id, peerURLs: [peerUrl], ...(learner ? { isLearner: true } : {}) });
    return { id, initialCluster };
  }

  async function memberRemove(via: Member, id: bigint): Promise<void> {
    const stdout = await until(
      `member remove ${hexId(id)}`,
      async () => {
        const result = await etcdctl([via.endpoint], ['member', 'remove', hexId(id)]);
        if (result.code === 0) return result.stdout;
        if (ctlFailure(result).message === UNHEALTHY) return undefined;
        throw new Error(`member remove failed: ${result.stderr}`);
      },
      3 * HEALTH_INTERVAL_MS,
      { intervalMs: 500 },
    );
    expect(stdout).toBe(`Member ${padded(id)} removed from cluster ${padded(cluster.clusterId)}\n`);
  }

  test('grow from 1 to 3 members with member add and --initial-cluster-state existing', async () => {
    const n1 = byName('n1');
    await put('m/before-grow', 'one member');

    const n2 = await cluster.prepareMember('n2');
    const added2 = await memberAdd(n1, 'n2', n2.peerUrl);
    expect(added2.initialCluster).toBe([`n1=${n1.peerUrl}`, `n2=${n2.peerUrl}`].sort(byIdOrder([[n1.id, 'n1'], [added2.id, 'n2']])).join(','));

    // With n2 added but not started, one of two voting members runs: a third may not be added yet.
    const n3 = await cluster.prepareMember('n3');
    const early = await ctlFails([n1.endpoint], ['member', 'add', 'n3', `--peer-urls=${n3.peerUrl}`]);
    expect(early).toEqual({ exitCode: 1, grpcCode: 'Unknown', message: 'etcdserver: re-configuration failed due to not enough started members' });

    const joinedAt = Date.now();
    await n2.join(added2.initialCluster);
    expect(n2.id).toBe(added2.id);
    // n1 has been connected to n2 for under 5 s: the strict check refuses to change the configuration yet.
    if (Date.now() - joinedAt < HEALTH_INTERVAL_MS - 1_000) {
      const tooSoon = await ctlFails([n1.endpoint], ['member', 'add', 'n3', `--peer-urls=${n3.peerUrl}`]);
      expect(tooSoon).toEqual({ exitCode: 1, grpcCode: 'Unavailable', message: UNHEALTHY });
    }
    await put('m/between', 'two members', n2);

    const added3 = await memberAdd(n1, 'n3', n3.peerUrl);
    await n3.join(added3.initialCluster);
    expect(n3.id).toBe(added3.id);
    await put('m/after-grow', 'three members', n3);

    await expectDataEverywhere([n1, n2, n3]);
    const list = await memberList(n3);
    expect(list.map((m) => [m.name, m.peerURLs, m.clientURLs, m.isLearner ?? false]).sort()).toEqual([
      ['n1', [n1.peerUrl], [n1.clientUrl], false],
      ['n2', [n2.peerUrl], [n2.clientUrl], false],
      ['n3', [n3.peerUrl], [n3.clientUrl], false],
    ]);
    // Leaves: n1, n2, n3 voting.
  });

  test('a learner: one at a time, promotion refused until in sync, reads only serializable, then promoted', async () => {
    const n1 = byName('n1');
    const n4 = await cluster.prepareMember('n4');
    const added = await memberAdd(n1, 'n4', n4.peerUrl, true);

    const second = await cluster.prepareMember('spare-learner');
    expect(await ctlFails([n1.endpoint], ['member', 'add', 'spare-learner', '--learner', `--peer-urls=${second.peerUrl}`])).toEqual({
      exitCode: 1,
      grpcCode: 'FailedPrecondition',
      message: 'etcdserver: too many learner members in cluster',
    });
    // Not started, so nowhere near the leader's log: not promotable, from the leader or through a follower.
    const notInSync = { exitCode: 1, grpcCode: 'FailedPrecondition', message: 'etcdserver: can only promote a learner member which is in sync with leader' };
    for (const via of [n1, byName('n2')]) expect(await ctlFails([via.endpoint], ['member', 'promote', hexId(added.id)])).toEqual(notInSync);
    // Promoting a voting member is a different mistake.
    expect(await ctlFails([n1.endpoint], ['member', 'promote', hexId(n1.id)])).toEqual({
      exitCode: 1,
      grpcCode: 'FailedPrecondition',
      message: 'etcdserver: can only promote a learner member',
    });

    await n4.join(added.initialCluster, { learner: true });
    await put('m/with-learner', 'learner attached');
    await withClients(n4, async (c) => {
      const status = await unary(c.maintenance, c.maintenance.Status, {});
      expect(status.isLearner).toBe(true);
      expect(status.header.member_id).toBe(added.id);
      // A learner serves Status and serializable reads only.
      const notForLearner = { error: { code: 'UNAVAILABLE', details: 'etcdserver: rpc not supported for learner' } };
      expect(await outcome(unary(c.kv, c.kv.Range, { key: Buffer.from('m/before-grow') }))).toEqual(notForLearner);
      expect(await outcome(unary(c.kv, c.kv.Put, { key: Buffer.from('m/x'), value: Buffer.from('x') }))).toEqual(notForLearner);
    });
    const learnerRead = await until(
      'the learner to replicate the log',
      async () => {
        const read = await readPrefix(n4, 'm/', { serializable: true });
        return read.kvs.length === written.size ? read : undefined;
      },
      20_000,
    );
    expect(learnerRead.kvs).toEqual((await readPrefix(n1, 'm/')).kvs);

    // Once it caught up, promotion goes through (retrying only the "not in sync yet" refusal).
    const promoted = await until(
      'the learner to be promotable',
      async () => {
        const result = await etcdctl([n1.endpoint], ['member', 'promote', hexId(added.id)]);
        if (result.code === 0) return result.stdout;
        if (ctlFailure(result).message === notInSync.message) return undefined;
        throw new Error(`member promote failed: ${result.stderr}`);
      },
      20_000,
      { intervalMs: 300 },
    );
    expect(promoted).toBe(`Member ${padded(added.id)} promoted in cluster ${padded(cluster.clusterId)}\n`);
    expect((await memberList(n1)).find((m) => m.ID === added.id)).toEqual({ ID: added.id, name: 'n4', peerURLs: [n4.peerUrl], clientURLs: [n4.clientUrl] });
    await until('n4 to serve linearizable reads', async () => (await readPrefix(n4, 'm/')).kvs.length === written.size || undefined, 10_000, {
      retryOn: () => true,
    });
    await put('m/after-promote', 'four voters', n4);
    await expectDataEverywhere();
    // Leaves: n1, n2, n3, n4 voting.
  });

  test('removing the leader: it leaves and stops, the others elect a new leader and keep serving', async () => {
    const leader = await cluster.leader();
    const via = running().find((m) => m !== leader)!;
    await memberRemove(via, leader.id);
    expect(await leader.waitForExit(15_000), `${leader.name} still runs after its removal`).toBe(true);
    if (kind === 'etcd') expect(leader.logTail(400)).toMatch(/the member has been permanently removed from the cluster/);

    const newLeader = await cluster.leader(20_000);
    expect(newLeader).not.toBe(leader);
    await put('m/after-leader-removal', 'three voters again', newLeader);
    expect((await memberList(newLeader)).map((m) => m.name).sort()).toEqual(running().map((m) => m.name).sort());
    expect(running()).toHaveLength(3);
    await expectDataEverywhere();
    // Leaves: three voting members (n1..n4 less the old leader).
  });

  test('with one of three down, removing a running member is refused (it would leave no quorum to spare)', async () => {
    const leader = await cluster.leader();
    const [down, up] = running().filter((m) => m !== leader) as [Member, Member];
    await down.stop();
    stopped = down;
    // The leader must have seen the connection drop (it does within milliseconds of the process exiting); were
    // `down` still counted as connected, removing `up` would be allowed and this test would break the cluster.
    await sleep(1_000);
    // Asked of the leader, which counts the peers it is connected to: itself and `up`, 2 of 3. Without `up`
    // it would have 1 of 2, no majority, so the removal is refused. The leader itself likewise.
    expect(await ctlFails([leader.endpoint], ['member', 'remove', hexId(up.id)])).toEqual({ exitCode: 1, grpcCode: 'Unavailable', message: UNHEALTHY });
    expect(await ctlFails([leader.endpoint], ['member', 'remove', hexId(leader.id)])).toEqual({ exitCode: 1, grpcCode: 'Unavailable', message: UNHEALTHY });
    expect((await memberList(leader)).map((m) => m.ID).sort()).toEqual([leader.id, down.id, up.id].sort());
    // Writes still commit on two of three.
    await put('m/one-down', 'two of three', up);
    // Leaves: `down` stopped (data intact) but still a member; replaced by the next test.
  });

  test('replacing a member that lost its data dir: remove it, add it again, start it empty with state existing', async () => {
    const leader = await cluster.leader();
    expect(stopped, 'the member stopped by the previous test').toBeDefined();
    const lost = stopped!;
    const oldId = lost.id;
    await lost.wipeData();
    // A member that is down may be removed: it is not part of the active quorum.
    await memberRemove(leader, oldId);
    const added = await memberAdd(leader, lost.name, lost.peerUrl);
    expect(added.id).not.toBe(oldId);
    await lost.join(added.initialCluster);
    expect(lost.id).toBe(added.id);
    await put('m/after-replace', 'replaced', lost);
    // Its id came from MemberAdd, not from its flags: a restart must keep it (the chaos harness found it did not).
    await lost.restart();
    expect(lost.id).toBe(added.id);
    await put('m/after-restart', 'still the same member', lost);
    await expectDataEverywhere();
    const revision = (await readPrefix(leader, 'm/')).revision;
    await expectSameHashKV(running(), revision);
    // Leaves: three voting members, all running.
  });

  test('member update changes peer URLs; taken URLs and unknown ids are refused', async () => {
    const leader = await cluster.leader();
    const target = running().find((m) => m !== leader)!;
    const other = running().find((m) => m !== leader && m !== target)!;
    const elsewhere = `http://127.0.0.1:${Number(new URL(target.peerUrl).port) === 65535 ? 65534 : 65535}`;
    const urls = `${target.peerUrl},${elsewhere}`;

    expect(await ctlOk([leader.endpoint], ['member', 'update', hexId(target.id), `--peer-urls=${urls}`])).toBe(
      `Member ${padded(target.id)} updated in cluster ${padded(cluster.clusterId)}\n`,
    );
    await until(
      'every member to see the new peer URLs',
      async () => {
        const lists = await Promise.all(running().map((m) => memberList(m)));
        return lists.every((l) => JSON.stringify(l.find((m) => m.ID === target.id)?.peerURLs) === JSON.stringify([target.peerUrl, elsewhere]))
          ? lists
          : undefined;
      },
      10_000,
    );

    expect(await ctlFails([leader.endpoint], ['member', 'update', hexId(target.id), `--peer-urls=${other.peerUrl}`])).toEqual({
      exitCode: 1,
      grpcCode: 'FailedPrecondition',
      message: 'etcdserver: Peer URLs already exists',
    });
    expect(await ctlFails([leader.endpoint], ['member', 'update', '1234abcd', `--peer-urls=http://127.0.0.1:1`])).toEqual({
      exitCode: 1,
      grpcCode: 'NotFound',
      message: 'etcdserver: member not found',
    });
    expect(await ctlFails([leader.endpoint], ['member', 'remove', '1234abcd'])).toEqual({
      exitCode: 1,
      grpcCode: 'NotFound',
      message: 'etcdserver: member not found',
    });

    expect(await ctlOk([leader.endpoint], ['member', 'update', hexId(target.id), `--peer-urls=${target.peerUrl}`])).toBe(
      `Member ${padded(target.id)} updated in cluster ${padded(cluster.clusterId)}\n`,
    );
    expect((await memberList(leader)).find((m) => m.ID === target.id)!.peerURLs).toEqual([target.peerUrl]);
    await put('m/after-update', 'updated', target);
    await expectDataEverywhere();
  });
});

/** etcdctl's %16x: member and cluster ids in `member add|remove|update|promote` output. */
function padded(id: bigint): string {
  return id.toString(16).padStart(16, ' ');
}

/** Sorts `name=url` entries by the member id of their name. */
function byIdOrder(ids: readonly [bigint, string][]): (a: string, b: string) => number {
  const idOf = (entry: string): bigint => ids.find(([, name]) => entry.startsWith(`${name}=`))![0];
  return (a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0);
}
