// etcdctl 3.4, unchanged, against a 3-member cluster of each available kind. The expectations are etcd's own
// behaviour, exact to the byte where etcdctl's output is stable: run against etcd they check this file; run
// against yawl they check yawl. Tests share one cluster, so each works under its own key prefix and counts
// revisions from the revision it starts at.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { printLogsOnFailure, startCluster, type Cluster } from './support/cluster.js';
import { ctlFor, startWatch, type Ctl, type CtlOptions } from './support/etcdctl.js';
import { parseCtlJson } from './support/normalise.js';
import { availableTargets, skipWhenNoTargets } from './support/targets.js';

const targets = availableTargets();
skipWhenNoTargets('etcdctl.test.ts', targets);

interface KvJson {
  key: string;
  value?: string;
  create_revision: number;
  mod_revision: number;
  version: number;
  lease?: bigint;
}
interface HeaderJson {
  cluster_id: bigint;
  member_id: bigint;
  revision: number;
  raft_term: number;
}
interface RangeJson {
  header: HeaderJson;
  kvs?: KvJson[];
  more?: boolean;
  count?: number;
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const text = (base64: string | undefined): string => Buffer.from(base64 ?? '', 'base64').toString();

describe.each(targets)('etcdctl 3.4 against a 3-member %s cluster', (kind) => {
  let cluster: Cluster;
  let ctl: Ctl;

  beforeAll(async () => {
    cluster = await startCluster(kind, 3);
    ctl = ctlFor(cluster.endpoints);
  });
  afterAll(async () => {
    await cluster?.stopAll();
  });
  printLogsOnFailure(() => [cluster]);

  /** Runs etcdctl, expecting success; a failure shows etcdctl's own words. */
  async function ok(args: readonly string[], options?: CtlOptions): Promise<string> {
    const result = await ctl(args, options);
    if (result.code !== 0) throw new Error(`etcdctl ${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`);
    return result.stdout;
  }
  async function json<T = RangeJson>(args: readonly string[], options?: CtlOptions): Promise<T> {
    return parseCtlJson<T>(await ok([...args, '-w', 'json'], options));
  }
  /** The store's current revision, read through a linearizable get. */
  async function revision(): Promise<number> {
    return (await json(['get', 'no-such-key'])).header.revision;
  }
  async function putAll(pairs: readonly [string, string][]): Promise<void> {
    for (const [key, value] of pairs) expect(await ok(['put', key, value])).toBe('OK\n');
  }

  describe('put and get', () => {
    let r0: number;
    beforeAll(async () => {
      r0 = await revision();
      // Revisions r0+1 .. r0+5; "g/b" is written twice so versions and mod revisions differ from creation order.
      await putAll([
        ['g/b', 'banana'],
        ['g/a', 'cherry'],
        ['g/c', 'apple'],
        ['g/b', 'blueberry'],
        ['g/d', 'date'],
      ]);
    });

    test('--prefix lists keys in key order with their values', async () => {
      expect(await ok(['get', 'g/', '--prefix'])).toBe('g/a\ncherry\ng/b\nblueberry\ng/c\napple\ng/d\ndate\n');
    });

    test('a range [key, range_end) and --from-key', async () => {
      expect(await ok(['get', 'g/a', 'g/c'])).toBe('g/a\ncherry\ng/b\nblueberry\n');
      // "~" sorts after every other prefix in this file, so --from-key sees only this test's keys.
      await putAll([
        ['~from/1', 'one'],
        ['~from/2', 'two'],
      ]);
      expect(await ok(['get', '~from/2', '--from-key'])).toBe('~from/2\ntwo\n');
      expect(await ok(['get', '~from/', '--from-key', '--keys-only'])).toBe('~from/1\n\n~from/2\n\n');
    });

    test('--rev reads the past', async () => {
      expect(await ok(['get', 'g/b', '--rev', String(r0 + 1)])).toBe('g/b\nbanana\n');
      expect(await ok(['get', 'g/b', '--rev', String(r0 + 3)])).toBe('g/b\nbanana\n');
      expect(await ok(['get', 'g/b', '--rev', String(r0 + 4)])).toBe('g/b\nblueberry\n');
      // Before g/d existed: nothing, and not an error.
      expect(await ok(['get', 'g/d', '--rev', String(r0 + 4)])).toBe('');
      const past = await json(['get', 'g/', '--prefix', '--rev', String(r0 + 2)]);
      expect(past.kvs!.map((kv) => [text(kv.key), text(kv.value)])).toEqual([
        ['g/a', 'cherry'],
        ['g/b', 'banana'],
      ]);
      expect(past.count).toBe(2);
    });

    test('--limit cuts the range but count and more tell the whole', async () => {
      const limited = await json(['get', 'g/', '--prefix', '--limit', '2']);
      expect(limited.kvs!.map((kv) => text(kv.key))).toEqual(['g/a', 'g/b']);
      expect(limited.more).toBe(true);
      expect(limited.count).toBe(4);
      expect(await ok(['get', 'g/', '--prefix', '--limit', '1'])).toBe('g/a\ncherry\n');
    });

    test('--sort-by and --order', async () => {
      const keys = async (...args: string[]) => (await ok(['get', 'g/', '--prefix', '--keys-only', ...args])).split('\n').filter(Boolean);
      expect(await keys('--sort-by', 'KEY', '--order', 'DESCEND')).toEqual(['g/d', 'g/c', 'g/b', 'g/a']);
      expect(await keys('--sort-by', 'VALUE', '--order', 'ASCEND')).toEqual(['g/c', 'g/b', 'g/a', 'g/d']);
      expect(await keys('--sort-by', 'CREATE', '--order', 'ASCEND')).toEqual(['g/b', 'g/a', 'g/c', 'g/d']);
      expect(await keys('--sort-by', 'MODIFY', '--order', 'DESCEND')).toEqual(['g/d', 'g/b', 'g/c', 'g/a']);
      // Only g/b has version 2; the rest tie at 1 and keep key order under a stable sort... or do they? etcd's
      // sort is not stable, so check only the one that cannot tie.
      expect((await keys('--sort-by', 'VERSION', '--order', 'DESCEND'))[0]).toBe('g/b');
      // --order alone sorts by key (etcdctl defaults the target to KEY).
      expect(await keys('--order', 'DESCEND')).toEqual(['g/d', 'g/c', 'g/b', 'g/a']);
    });

    test('--keys-only and --print-value-only', async () => {
      expect(await ok(['get', 'g/', '--prefix', '--keys-only'])).toBe('g/a\n\ng/b\n\ng/c\n\ng/d\n\n');
      expect(await ok(['get', 'g/', '--prefix', '--print-value-only'])).toBe('cherry\nblueberry\napple\ndate\n');
      // -w json with --keys-only leaves the value out altogether.
      const keysOnly = await json(['get', 'g/a', '--keys-only']);
      expect(keysOnly.kvs).toEqual([{ key: b64('g/a'), create_revision: r0 + 2, mod_revision: r0 + 2, version: 1 }]);
    });

    test('-w json carries the header, revisions, version and count', async () => {
      const current = await revision();
      const got = await json(['get', 'g/b']);
      expect(got.header.revision).toBe(current);
      expect(got.header.cluster_id).toBe(cluster.clusterId); // 64-bit: Go prints it exactly, beyond 2^53
      expect(cluster.members.map((m) => m.id)).toContain(got.header.member_id);
      expect(got.header.raft_term).toBeGreaterThan(0);
      expect(got.kvs).toEqual([{ key: b64('g/b'), create_revision: r0 + 1, mod_revision: r0 + 4, version: 2, value: b64('blueberry') }]);
      expect(got.count).toBe(1);
      // A miss has neither kvs nor count: Go omits empty fields.
      const miss = await json(['get', 'g/none']);
      expect(Object.keys(miss)).toEqual(['header']);
    });

    test('-w fields prints one "Field" : value a line', async () => {
      const fields = await ok(['get', 'g/b', '-w', 'fields']);
      const lines = fields.trimEnd().split('\n');
      expect(lines.map((line) => line.split(' : ')[0])).toEqual([
        '"ClusterID"',
        '"MemberID"',
        '"Revision"',
        '"RaftTerm"',
        '"Key"',
        '"CreateRevision"',
        '"ModRevision"',
        '"Version"',
        '"Value"',
        '"Lease"',
        '"More"',
        '"Count"',
      ]);
      expect(lines.slice(4)).toEqual([
        '"Key" : "g/b"',
        `"CreateRevision" : ${r0 + 1}`,
        `"ModRevision" : ${r0 + 4}`,
        '"Version" : 2',
        '"Value" : "blueberry"',
        '"Lease" : 0',
        '"More" : false',
        '"Count" : 1',
      ]);
    });

    test('put --prev-kv prints the value it replaced', async () => {
      expect(await ok(['put', 'g/e', 'first'])).toBe('OK\n');
      expect(await ok(['put', 'g/e', 'second', '--prev-kv'])).toBe('OK\ng/e\nfirst\n');
    });
  });

  describe('del', () => {
    test('--prefix deletes every key under it in one revision', async () => {
      await putAll([
        ['d/a', '1'],
        ['d/b', '2'],
        ['d/c', '3'],
        ['dz', 'outside'],
      ]);
      const before = await revision();
      expect(await ok(['del', 'd/', '--prefix'])).toBe('3\n');
      expect(await revision()).toBe(before + 1);
      expect(await ok(['get', 'd', '--prefix'])).toBe('dz\noutside\n');
      expect(await ok(['del', 'd/', '--prefix'])).toBe('0\n');
      expect(await revision()).toBe(before + 1); // deleting nothing writes nothing
    });

    test('--prev-kv prints what was deleted, in text and JSON', async () => {
      await putAll([
        ['dp/a', 'x'],
        ['dp/b', 'y'],
        ['dp/b', 'yy'],
      ]);
      const before = await revision();
      expect(await ok(['del', 'dp/a', '--prev-kv'])).toBe('1\ndp/a\nx\n');
      const deleted = await json<{ header: HeaderJson; deleted: number; prev_kvs: KvJson[] }>(['del', 'dp/', '--prefix', '--prev-kv']);
      expect(deleted.header.revision).toBe(before + 2);
      expect(deleted.deleted).toBe(1);
      expect(deleted.prev_kvs).toEqual([{ key: b64('dp/b'), create_revision: before - 1, mod_revision: before, version: 2, value: b64('yy') }]);
    });
  });

  describe('txn from stdin', () => {
    test('success branch: compares on value, version, create and mod revision', async () => {
      const r0 = await revision();
      await putAll([['t/a', 'v1']]);
      const stdin = [
        'value("t/a") = "v1"',
        'version("t/a") = "1"',
        `create("t/a") = "${r0 + 1}"`,
        `mod("t/a") < "${r0 + 2}"`,
        '',
        'put t/b from-success',
        'get t/a',
        'del t/none',
        '',
        'put t/b from-failure',
        '',
        '',
      ].join('\n');
      expect(await ok(['txn'], { stdin })).toBe('SUCCESS\n\nOK\n\nt/a\nv1\n\n0\n');
      expect(await ok(['get', 't/b'])).toBe('t/b\nfrom-success\n');
      // The put and the other ops share one revision.
      expect(await revision()).toBe(r0 + 2);
    });

    test('failure branch, and -w json with per-op headers', async () => {
      const r0 = await revision();
      const stdin = ['value("t/a") = "no"', '', 'put t/c success', '', 'put t/c failure', 'put t/d failure', '', ''].join('\n');
      const result = await json<{ header: HeaderJson; succeeded?: boolean; responses: unknown[] }>(['txn'], { stdin });
      expect(result.header.revision).toBe(r0 + 1);
      expect(result.succeeded).toBeUndefined(); // false is omitted by Go's JSON
      // Inside a txn etcd fills only the revision of each op's header.
      expect(result.responses).toEqual([
        { Response: { ResponsePut: { header: { revision: r0 + 1 } } } },
        { Response: { ResponsePut: { header: { revision: r0 + 1 } } } },
      ]);
      expect(await ok(['get', 't/c', 't/e'])).toBe('t/c\nfailure\nt/d\nfailure\n');
      expect(await ok(['txn'], { stdin: 'value("t/a") = "no"\n\n\nput t/x y\n\n' })).toBe('FAILURE\n\nOK\n');
    });

    test('errors: too many ops and duplicate keys change nothing', async () => {
      const r0 = await revision();
      const puts = Array.from({ length: 129 }, (_, i) => `put t/many/${i} v`).join('\n');
      const tooMany = await ctl(['txn'], { stdin: `\n${puts}\n\n\n` });
      expect(tooMany.code).toBe(1);
      expect(tooMany.stderr).toContain('Error: etcdserver: too many operations in txn request\n');
      const duplicate = await ctl(['txn'], { stdin: '\nput t/dup 1\nput t/dup 2\n\n\n' });
      expect(duplicate.code).toBe(1);
      expect(duplicate.stderr).toContain('Error: etcdserver: duplicate key given in txn request\n');
      expect(await revision()).toBe(r0);
    });
  });

  describe('watch', () => {
    test('--prefix --rev --prev-kv replays history, then follows live', async () => {
      const r0 = await revision();
      await putAll([
        ['w/a', '1'],
        ['w/a', '2'],
        ['wz', 'not under w/'],
      ]);
      expect(await ok(['del', 'w/a'])).toBe('1\n');
      const watch = startWatch(cluster.endpoints, ['--prefix', 'w/', '--rev', String(r0 + 1), '--prev-kv']);
      try {
        const history = 'PUT\nw/a\n1\n' + 'PUT\nw/a\n1\nw/a\n2\n' + 'DELETE\nw/a\n2\nw/a\n\n';
        expect(await watch.waitFor((out) => out.length >= history.length)).toBe(history);
        await putAll([['w/b', 'live']]);
        expect(await watch.waitFor((out) => out.includes('live'))).toBe(`${history}PUT\nw/b\nlive\n`);
      } finally {
        await watch.stop();
      }
    });

    test('-w json prints one WatchResponse a line with its revision', async () => {
      const r0 = await revision();
      await putAll([['wj/a', 'x']]);
      const watch = startWatch(cluster.endpoints, ['wj/a', '--rev', String(r0 + 1), '-w', 'json']);
      try {
        const out = await watch.waitFor((o) => o.includes('\n'));
        const response = parseCtlJson(out.split('\n')[0]!);
        expect(response.Header.revision).toBe(r0 + 1);
        expect(response.Events).toEqual([{ kv: { key: b64('wj/a'), create_revision: r0 + 1, mod_revision: r0 + 1, version: 1, value: b64('x') } }]);
        expect(response.Canceled).toBe(false);
      } finally {
        await watch.stop();
      }
    });
  });

  describe('lease', () => {
    test('grant, attach, timetolive --keys, keep-alive --once, list, revoke', async () => {
      const granted = await ok(['lease', 'grant', '60']);
      const match = /^lease ([0-9a-f]{16}) granted with TTL\(60s\)\n$/.exec(granted);
      expect(match, granted).not.toBeNull();
      const id = match![1]!;
      await ok(['put', 'l/a', 'A', '--lease', id]);
      await ok(['put', 'l/b', 'B', `--lease=${id}`]);
      await ok(['put', 'l/c', 'kept']);

      const ttl = await ok(['lease', 'timetolive', id, '--keys']);
      // etcd keeps a lease's keys in a Go map, so they come in either order.
      expect(ttl).toMatch(new RegExp(`^lease ${id} granted with TTL\\(60s\\), remaining\\((\\d+)s\\), attached keys\\(\\[(l/a l/b|l/b l/a)\\]\\)\\n$`));
      const remaining = Number(/remaining\((\d+)s\)/.exec(ttl)![1]);
      expect(remaining).toBeGreaterThanOrEqual(55);
      expect(remaining).toBeLessThanOrEqual(60);
      const ttlJson = await json<{ id: bigint | number; ttl: number; 'granted-ttl': number; keys: string[] }>(['lease', 'timetolive', id, '--keys']);
      expect(BigInt(ttlJson.id)).toBe(BigInt(`0x${id}`));
      expect(ttlJson['granted-ttl']).toBe(60);
      expect(ttlJson.keys.map(text).sort()).toEqual(['l/a', 'l/b']);

      expect(await ok(['lease', 'keep-alive', '--once', id])).toBe(`lease ${id} keepalived with TTL(60)\n`);
      const list = await ok(['lease', 'list']);
      expect(list).toMatch(/^found \d+ leases\n/);
      expect(list.split('\n')).toContain(id);

      const kvs = (await json(['get', 'l/', '--prefix'])).kvs!;
      expect(kvs.map((kv) => [text(kv.key), BigInt(kv.lease ?? 0)])).toEqual([
        ['l/a', BigInt(`0x${id}`)],
        ['l/b', BigInt(`0x${id}`)],
        ['l/c', 0n],
      ]);

      const before = await revision();
      expect(await ok(['lease', 'revoke', id])).toBe(`lease ${id} revoked\n`);
      // Both attached keys go in one revision.
      expect(await revision()).toBe(before + 1);
      expect(await ok(['get', 'l/', '--prefix'])).toBe('l/c\nkept\n');
      expect(await ok(['lease', 'timetolive', id])).toBe(`lease ${id} already expired\n`);
      expect((await ok(['lease', 'list'])).split('\n')).not.toContain(id);

      const again = await ctl(['lease', 'revoke', id]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('Error: failed to revoke lease (etcdserver: requested lease not found)\n');
    });

    test('grant -w json and keep-alive -w json', async () => {
      const grant = await json<{ ID: bigint | number; TTL: number; Error: string; revision: number }>(['lease', 'grant', '30']);
      expect(grant.TTL).toBe(30);
      expect(grant.Error).toBe('');
      const hex = BigInt(grant.ID).toString(16).padStart(16, '0');
      const kept = await json<{ ID: bigint | number; TTL: number }>(['lease', 'keep-alive', '--once', hex]);
      expect(BigInt(kept.ID)).toBe(BigInt(grant.ID));
      expect(kept.TTL).toBe(30);
      await ok(['lease', 'revoke', hex]);
    });

    test('putting with an unknown lease fails and writes nothing', async () => {
      const before = await revision();
      const result = await ctl(['put', 'l/x', 'v', '--lease', '1234abcd']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Error: etcdserver: requested lease not found\n');
      expect(await revision()).toBe(before);
    });
  });

  describe('compaction', () => {
    test('compacts, then old revisions are gone and future ones are refused', async () => {
      const r0 = await revision();
      await putAll([
        ['c/a', '1'],
        ['c/a', '2'],
        ['c/a', '3'],
      ]);
      expect(await ok(['compaction', String(r0 + 2)])).toBe(`compacted revision ${r0 + 2}\n`);
      expect(await ok(['get', 'c/a', '--rev', String(r0 + 2), '--print-value-only'])).toBe('2\n');

      const compacted = await ctl(['get', 'c/a', '--rev', String(r0 + 1)]);
      expect(compacted.code).toBe(1);
      expect(compacted.stderr).toContain('code = OutOfRange desc = etcdserver: mvcc: required revision has been compacted');
      expect(compacted.stderr).toContain('Error: etcdserver: mvcc: required revision has been compacted\n');

      const future = await ctl(['get', 'c/a', '--rev', String(r0 + 100)]);
      expect(future.code).toBe(1);
      expect(future.stderr).toContain('Error: etcdserver: mvcc: required revision is a future revision\n');

      const again = await ctl(['compaction', String(r0 + 1)]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('Error: etcdserver: mvcc: required revision has been compacted\n');

      expect(await ok(['compaction', '--physical', String(r0 + 3)])).toBe(`compacted revision ${r0 + 3}\n`);
      // Unlike a range, HashKV refuses the compact revision itself (etcd: rev <= compactRev is ErrCompacted).
      const hash = await ctl(['endpoint', 'hashkv', '--rev', String(r0 + 3)]);
      expect(hash.code).toBe(1);
      expect(hash.stderr).toContain(`Failed to get the hash of endpoint ${cluster.endpoints[0]} (etcdserver: mvcc: required revision has been compacted)\n`);
      expect(hash.stdout).toBe('');
    });

    test('a watch from a compacted revision is cancelled', async () => {
      const r0 = await revision();
      await putAll([['c/w', '1']]);
      await ok(['compaction', String(r0 + 1)]);
      const watch = startWatch(cluster.endpoints, ['c/w', '--rev', String(r0)]);
      const ended = await watch.exit().finally(() => watch.stop());
      expect(ended.stdout).toBe('');
      expect(ended.stderr).toContain('watch was canceled (etcdserver: mvcc: required revision has been compacted)\n');
      expect(ended.stderr).toContain('Error: watch is canceled by the server\n');
      expect(ended.code).toBe(5); // etcdctl's ExitInterrupted
    });
  });

  describe('cluster and maintenance', () => {
    test('member list names every member with its URLs', async () => {
      const lines = (await ok(['member', 'list'])).trimEnd().split('\n').sort((a, b) => a.split(', ')[2]!.localeCompare(b.split(', ')[2]!));
      expect(lines).toEqual(
        cluster.members.map((m) => `${m.id.toString(16)}, started, ${m.name}, ${m.peerUrl}, http://${m.endpoint}, false`),
      );
      const listed = await json<{ header: Partial<HeaderJson>; members: { ID: bigint; name: string; peerURLs: string[]; clientURLs: string[] }[] }>(['member', 'list']);
      expect(listed.header.cluster_id).toBe(cluster.clusterId);
      expect(listed.header.revision).toBeUndefined(); // etcd 3.4 fills no revision in cluster responses
      expect(listed.members.map((m) => m.name).sort()).toEqual(['n1', 'n2', 'n3']);
      expect(listed.members.map((m) => BigInt(m.ID)).sort()).toEqual(cluster.members.map((m) => m.id).sort());
    });

    test('endpoint status: one leader, same term and revision everywhere', async () => {
      const statuses = await json<{ Endpoint: string; Status: { header: HeaderJson; version: string; leader: bigint; raftTerm: number; raftIndex: number; dbSize: number } }[]>([
        'endpoint',
        'status',
      ]);
      expect(statuses.map((s) => s.Endpoint)).toEqual(cluster.endpoints);
      const leader = await cluster.leader();
      for (const [i, { Status }] of statuses.entries()) {
        expect(Status.header.member_id).toBe(cluster.members[i]!.id);
        expect(Status.leader).toBe(leader.id);
        expect(Status.version).toMatch(/^3\.4\.\d+$/);
        expect(Status.dbSize).toBeGreaterThan(0);
        expect(Status.raftIndex).toBeGreaterThan(0);
      }
      expect(new Set(statuses.map((s) => s.Status.raftTerm)).size).toBe(1);
      expect(new Set(statuses.map((s) => s.Status.header.revision)).size).toBe(1);
      const simple = (await ok(['endpoint', 'status'])).trimEnd().split('\n');
      expect(simple.map((line) => line.split(', ').slice(0, 2))).toEqual(cluster.members.map((m) => [m.endpoint, m.id.toString(16)]));
      expect(simple.filter((line) => line.split(', ')[4] === 'true')).toHaveLength(1);
    });

    test('endpoint health: every member commits a proposal', async () => {
      // etcdctl 3.4 prints the health lines to stderr, in completion order.
      const result = await ctl(['endpoint', 'health']);
      expect(result.code).toBe(0);
      const lines = result.stderr.trimEnd().split('\n').sort();
      expect(lines).toHaveLength(3);
      for (const [i, line] of lines.entries()) {
        expect(line).toMatch(new RegExp(`^${[...cluster.endpoints].sort()[i]!.replace(/\./g, '\\.')} is healthy: successfully committed proposal: took = `));
      }
      const healthJson = await json<{ endpoint: string; health: boolean }[]>(['endpoint', 'health']);
      expect(healthJson.map((h) => [h.endpoint, h.health]).sort()).toEqual(cluster.endpoints.map((e) => [e, true]).sort());
    });

    test('endpoint hashkv: every member hashes the same history to the same value', async () => {
      await putAll([['h/a', 'above the compact revision']]);
      const rev = await revision();
      const hashes = await json<{ Endpoint: string; HashKV: { header: HeaderJson; hash: number; compact_revision: number } }[]>([
        'endpoint',
        'hashkv',
        '--rev',
        String(rev),
      ]);
      expect(hashes.map((h) => h.Endpoint)).toEqual(cluster.endpoints);
      expect(new Set(hashes.map((h) => h.HashKV.hash)).size).toBe(1);
      expect(hashes[0]!.HashKV.hash).toBeGreaterThan(0);
      expect(hashes.every((h) => h.HashKV.compact_revision > 0)).toBe(true); // the compaction tests ran first
      const simple = await ok(['endpoint', 'hashkv', '--rev', String(rev)]);
      expect(simple).toBe(cluster.endpoints.map((e) => `${e}, ${hashes[0]!.HashKV.hash}\n`).join(''));
    });
  });
});
