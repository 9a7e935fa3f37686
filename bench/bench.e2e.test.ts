// `yawl bench`, the built CLI, against a real 1-member etcd (skipped without /usr/bin/etcd) and a 1-member yawl:
// every subcommand runs to completion, its JSON has the promised shape, and what it wrote is in the store.
// Nothing here looks at how fast anything was: the box is shared and small.
// Needs `npm run build` first: it runs dist/cli/main.js.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { YAWL_MAIN } from '../chaos/cluster/binaries.js';
import { connect, unaryWithin, type MemberClients } from '../chaos/cluster/clients.js';
import { startCluster, type Cluster } from '../chaos/cluster/launcher.js';
import type { BenchResultJson, SummaryJson } from './report.js';

const ETCD = '/usr/bin/etcd';
const etcdInstalled = existsSync(ETCD);
if (!etcdInstalled) {
  test.skip(`bench.e2e: ${ETCD} is not installed, so the runs against a real etcd are skipped`, () => {});
}

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function yawlBench(args: readonly string[], timeoutMs = 100_000): Promise<CliRun> {
  if (!existsSync(YAWL_MAIN)) throw new Error(`${YAWL_MAIN} is missing: run \`npm run build\` before the bench e2e tests`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [YAWL_MAIN, 'bench', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`yawl bench ${args.join(' ')} ran over ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs with --json, expects exit 0, and returns the parsed result. */
async function benchJson(args: readonly string[]): Promise<BenchResultJson> {
  const run = await yawlBench([...args, '--json']);
  if (run.code !== 0) throw new Error(`yawl bench ${args.join(' ')} exited ${run.code}\nstderr: ${run.stderr}\nstdout: ${run.stdout}`);
  return JSON.parse(run.stdout) as BenchResultJson;
}

function summary(result: BenchResultJson, name: string): SummaryJson {
  const found = result.summaries.find((s) => s.name === name);
  if (!found) throw new Error(`no ${name} summary in ${JSON.stringify(result.summaries.map((s) => s.name))}`);
  return found;
}

/** The summary of a run in which every one of `count` requests succeeded, checked field by field. */
function expectAllOk(s: SummaryJson, count: number): void {
  expect(s).toMatchObject({ requests: count, ok: count, errors: 0, errorCounts: [] });
  expect(s.totalSeconds).toBeGreaterThan(0);
  expect(s.requestsPerSec).toBeGreaterThan(0);
  expect(s.latencyMs.fastest).toBeGreaterThanOrEqual(0);
  expect(s.latencyMs.slowest).toBeGreaterThanOrEqual(s.latencyMs.fastest);
  expect(s.latencyMs.average).toBeGreaterThanOrEqual(s.latencyMs.fastest);
  expect(s.latencyMs.average).toBeLessThanOrEqual(s.latencyMs.slowest);
  expect(Object.keys(s.percentilesMs)).toEqual(['p10', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99', 'p99.9']);
  expect(s.percentilesMs.p50).toBeLessThanOrEqual(s.percentilesMs['p99.9']!);
  expect(s.histogramMs).toHaveLength(11);
  expect(s.histogramMs.reduce((sum, b) => sum + b.count, 0)).toBe(count);
}

async function countKeys(clients: MemberClients, prefix: string): Promise<number> {
  const key = Buffer.from(prefix);
  const end = Buffer.from(key);
  end[end.length - 1]!++;
  const response = await unaryWithin(10_000, clients.kv, clients.kv.Range, { key, range_end: end, count_only: true });
  return Number(response.count);
}

function putArgs(endpoint: string, prefix: string): string[] {
  return ['put', '--endpoints', endpoint, '--clients', '10', '--conns', '2', '--total', '300', '--key-space-size', '300', '--sequential-keys', '--prefix', prefix];
}

function withCluster(kind: 'etcd' | 'yawl'): { cluster: () => Cluster; clients: () => MemberClients; endpoint: () => string } {
  let cluster: Cluster | undefined;
  let clients: MemberClients | undefined;
  beforeAll(async () => {
    if (!existsSync(YAWL_MAIN)) throw new Error(`${YAWL_MAIN} is missing: run \`npm run build\` before the bench e2e tests`);
    cluster = await startCluster(kind, 1);
    clients = connect(cluster.endpoints[0]!);
  });
  afterAll(async () => {
    clients?.close();
    await cluster?.stopAll();
  });
  afterEach((context) => {
    if (context.task.result?.state === 'fail' && cluster) console.error(cluster.logTails());
  });
  return { cluster: () => cluster!, clients: () => clients!, endpoint: () => cluster!.endpoints[0]! };
}

describe.skipIf(!etcdInstalled)('yawl bench against a 1-member etcd', () => {
  const { clients, endpoint } = withCluster('etcd');

  test('put: 300 puts over 10 clients and 2 connections, and the 300 keys exist', async () => {
    const result = await benchJson(putArgs(endpoint(), 'e2e/put/'));
    expect(result.command).toBe('put');
    expect(result.primary).toBe('requests');
    expect(result.config).toMatchObject({ endpoints: [endpoint()], clients: 10, conns: 2, total: 300, keySize: 8, valSize: 8, keySpaceSize: 300, sequentialKeys: true, prefix: 'e2e/put/' });
    expect(result.summaries.map((s) => s.name)).toEqual(['requests']);
    expectAllOk(summary(result, 'requests'), 300);
    expect(await countKeys(clients(), 'e2e/put/')).toBe(300);
  });

  test.each(['l', 's'])('range --consistency %s over the keys put', async (consistency) => {
    await benchJson(['put', '--endpoints', endpoint(), '--clients', '4', '--total', '50', '--key-space-size', '50', '--sequential-keys', '--prefix', 'e2e/range/']);
    const result = await benchJson(['range', 'e2e/range/', 'e2e/range0', '--endpoints', endpoint(), '--clients', '5', '--conns', '2', '--total', '200', '--consistency', consistency]);
    expect(result.command).toBe('range');
    expect(result.config).toMatchObject({ key: 'e2e/range/', end: 'e2e/range0', consistency, total: 200 });
    expectAllOk(summary(result, 'requests'), 200);
  });

  test('shared flags before the subcommand, as etcd benchmark takes them', async () => {
    const result = await benchJson(['--endpoints', endpoint(), '--clients', '3', '--total', '20', 'range', 'nothing', '--total', '30']);
    expect(result.config).toMatchObject({ clients: 3, total: 30 });
    expectAllOk(summary(result, 'requests'), 30);
  });

  test('txn-put: 30 transactions of 3 puts to sequential keys write 90 keys', async () => {
    const result = await benchJson([
      'txn-put', '--endpoints', endpoint(), '--clients', '5', '--conns', '2', '--total', '30', '--txn-ops', '3',
      '--key-space-size', '90', '--sequential-keys', '--prefix', 'e2e/txn/', '--val-size', '16',
    ]);
    expect(result.command).toBe('txn-put');
    expect(result.config).toMatchObject({ txnOps: 3, valSize: 16 });
    expectAllOk(summary(result, 'requests'), 30);
    expect(await countKeys(clients(), 'e2e/txn/')).toBe(90);
  });

  test('watch-latency: every watcher gets every put', async () => {
    const result = await benchJson([
      'watch-latency', '--endpoints', endpoint(), '--clients', '2', '--conns', '2', '--streams', '2', '--watchers', '4',
      '--put-total', '20', '--put-rate', '100', '--prefix', 'e2e/wl/',
    ]);
    expect(result.command).toBe('watch-latency');
    expect(result.primary).toBe('events');
    expect(result.summaries.map((s) => s.name)).toEqual(['puts', 'events']);
    expect(result.summaries.map((s) => s.title)).toEqual(['Put summary', 'Watch events summary']);
    expectAllOk(summary(result, 'puts'), 20);
    expectAllOk(summary(result, 'events'), 80);
    expect(result.notes).toEqual([]);
    expect(await countKeys(clients(), 'e2e/wl/')).toBe(1);
  });

  test('watch: watchers over 3 keys, then puts; each event reaches the watchers of its key', async () => {
    const result = await benchJson([
      'watch', '--endpoints', endpoint(), '--clients', '3', '--conns', '2', '--streams', '2', '--watchers', '6', '--watched-key-total', '3',
      '--key-space-size', '3', '--sequential-keys', '--put-total', '30', '--prefix', 'e2e/watch/',
    ]);
    expect(result.command).toBe('watch');
    expect(result.summaries.map((s) => s.name)).toEqual(['watch-create', 'puts', 'events']);
    expectAllOk(summary(result, 'watch-create'), 6);
    expectAllOk(summary(result, 'puts'), 30);
    // Each key has 2 of the 6 watchers.
    expectAllOk(summary(result, 'events'), 60);
    expect(await countKeys(clients(), 'e2e/watch/')).toBe(3);
  });

  test('lease-keepalive: 200 round trips on one lease, revoked afterwards', async () => {
    const result = await benchJson(['lease-keepalive', '--endpoints', endpoint(), '--clients', '4', '--conns', '2', '--total', '200']);
    expect(result.command).toBe('lease-keepalive');
    expectAllOk(summary(result, 'requests'), 200);
    const leases = await unaryWithin(10_000, clients().lease, clients().lease.LeaseLeases, {});
    expect(leases.leases).toEqual([]);
  });

  test('every request failing: the errors are listed and the exit code is 1', async () => {
    // etcd's --max-txn-ops is 128: every one of these transactions is refused.
    const run = await yawlBench(['txn-put', '--endpoints', endpoint(), '--clients', '2', '--total', '10', '--txn-ops', '129', '--key-space-size', '200', '--json']);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as BenchResultJson;
    expect(summary(result, 'requests')).toMatchObject({ requests: 10, ok: 0, errors: 10, percentilesMs: {}, histogramMs: [] });
    expect(summary(result, 'requests').errorCounts).toEqual([{ message: 'INVALID_ARGUMENT: etcdserver: too many operations in txn request', count: 10 }]);
    expect(run.stderr).toContain('every request failed');
  });

  test('text output in the etcd benchmark layout', async () => {
    const run = await yawlBench(['put', '--endpoints', endpoint(), '--total', '20', '--prefix', 'e2e/text/']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Summary:\n {2}Total:\t\d+\.\d{4} secs\.\n/);
    for (const part of ['Slowest:', 'Fastest:', 'Average:', 'Stddev:', 'Requests/sec:', 'Response time histogram:', 'Latency distribution:', '99.9% in ']) expect(run.stdout).toContain(part);
    // stderr is not a terminal here: no progress bar.
    expect(run.stderr).toBe('');
  });
});

describe('yawl bench against a 1-member yawl', () => {
  const { clients, endpoint } = withCluster('yawl');

  test('put: 300 puts over 10 clients and 2 connections, and the 300 keys exist', async () => {
    const result = await benchJson(putArgs(endpoint(), 'e2e/put/'));
    expect(result.command).toBe('put');
    expectAllOk(summary(result, 'requests'), 300);
    expect(await countKeys(clients(), 'e2e/put/')).toBe(300);
  });
});

describe('yawl bench flags and failures that need no store', () => {
  test.each([
    [['put', '--clients', '0'], /--clients takes a whole number >= 1/],
    [['put', '--bogus'], /unknown option '--bogus'/],
    [['put', '--endpoints', 'https://127.0.0.1:2379'], /TLS is not supported/],
    [['put', '--endpoints', 'nowhere'], /is not host:port/],
    [['--consistency', 's', 'put'], /--consistency does not apply to `bench put`/],
    [['range', '--consistency', 'x', 'k'], /Allowed choices are l, s/],
    [['range'], /missing required argument 'key'/],
    [['txn-put', '--txn-ops', '3'], /--txn-ops 3 needs as many different keys, but --key-space-size is 1/],
    [['put', '--key-space-size', '1000', '--key-size', '1'], /--key-size 1 cannot hold --key-space-size 1000 keys/],
    [['watch', '--watchers', '4', '--watch-per-stream', '2'], /give --watchers or --watch-per-stream, not both/],
    [['watch-latency', '--val-size', '4'], /--val-size must be at least 8/],
    [['lease-keepalive', '--dial-timeout', 'soon'], /--dial-timeout takes a duration/],
    [[], /Usage: yawl bench/],
  ])('bench %j exits 2', async (args, message) => {
    const run = await yawlBench(args);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
  });

  test('an endpoint nobody listens on exits 1 and says so', async () => {
    const run = await yawlBench(['put', '--endpoints', '127.0.0.1:1', '--total', '5', '--dial-timeout', '1s']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: cannot connect to 127.0.0.1:1 within 1000 ms');
    expect(run.stdout).toBe('');
  });

  test('--help exits 0', async () => {
    const run = await yawlBench(['watch-latency', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--put-rate <n>');
  });
});
