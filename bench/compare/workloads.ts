// The workloads `npm run bench:compare` runs, identically, against an etcd cluster and a yawl cluster: each one a
// `yawl bench` command line. Totals are sized for a 2-core machine (each throughput run ~5-20 s there; measured
// on a shared 2-core Xeon, etcd did 300-6,000 req/s and yawl 100-2,700 across these) and are all multiplied by
// BENCH_SCALE; shapes (clients, connections, watchers, sizes, the put rate) never change with the scale. The
// fill stays at 100,000 keys because memory and restart are measured on it: it runs longer than the others.

/** How a workload's row reads: requests a second (higher is better) or a latency (lower is better). */
export type Metric = 'throughput' | 'latency';

export interface BenchWorkload {
  /** Stable name, the key in the results JSON. */
  readonly id: string;
  /** The row's label in the table. */
  readonly title: string;
  readonly metric: Metric;
  /** The summary of the bench report that the row shows: 'requests', or 'events' for watch latency. */
  readonly summary: string;
  /** The total at BENCH_SCALE=1, before scaling: --total, or --put-total for watch-latency. */
  readonly baseTotal: number;
  /** The arguments after `yawl bench`, for the scaled total; --json and --endpoints are added by the runner. */
  argv(total: number): string[];
}

/** The key every range workload reads; the runner writes it (RANGE_VALUE_BYTES bytes) first. */
export const RANGE_KEY = 'foo';
export const RANGE_VALUE_BYTES = 256;

/** Puts of 1 KiB that fill the store before memory is read and a member is restarted. */
export const FILL_KEYS = 100_000;

/** A total at the given scale: never below `min`, so a smoke run still measures something. */
export function scaleTotal(base: number, scale: number, min = 1): number {
  return Math.max(min, Math.round(base * scale));
}

const put = (clients: number, conns: number, valSize: number, keySpace: number, total: number, extra: string[] = []): string[] => [
  'put',
  '--clients', String(clients),
  '--conns', String(conns),
  '--key-size', '8',
  '--val-size', String(valSize),
  '--key-space-size', String(keySpace),
  '--total', String(total),
  ...extra,
];

const range = (clients: number, conns: number, consistency: 'l' | 's', total: number): string[] => [
  'range', RANGE_KEY,
  '--clients', String(clients),
  '--conns', String(conns),
  '--consistency', consistency,
  '--total', String(total),
];

/**
 * The fill: 100,000 puts of 1 KiB values to 100,000 different keys (sequential), 500 clients over 100
 * connections. It is also the "put 1 KiB" throughput row. Its key space follows its total, so every put
 * creates a key at any scale.
 */
export const FILL_WORKLOAD: BenchWorkload = {
  id: 'put-1k-500c',
  title: 'put 1 KiB, 500 clients / 100 conns (fill)',
  metric: 'throughput',
  summary: 'requests',
  baseTotal: FILL_KEYS,
  argv: (total) => put(500, 100, 1024, total, total, ['--sequential-keys']),
};

/** After the fill, memory and restart: in the order they run. */
export const WORKLOADS: readonly BenchWorkload[] = [
  {
    id: 'put-1c',
    title: 'put 256 B, 1 client',
    metric: 'throughput',
    summary: 'requests',
    baseTotal: 2_000,
    argv: (total) => put(1, 1, 256, FILL_KEYS, total),
  },
  {
    id: 'put-500c',
    title: 'put 256 B, 500 clients / 100 conns',
    metric: 'throughput',
    summary: 'requests',
    baseTotal: 20_000,
    argv: (total) => put(500, 100, 256, FILL_KEYS, total),
  },
  {
    id: 'range-l-1c',
    title: 'range linearizable, 1 client',
    metric: 'throughput',
    summary: 'requests',
    baseTotal: 5_000,
    argv: (total) => range(1, 1, 'l', total),
  },
  {
    id: 'range-l-500c',
    title: 'range linearizable, 500 clients / 100 conns',
    metric: 'throughput',
    summary: 'requests',
    baseTotal: 30_000,
    argv: (total) => range(500, 100, 'l', total),
  },
  {
    id: 'range-s-500c',
    title: 'range serializable, 500 clients / 100 conns',
    metric: 'throughput',
    summary: 'requests',
    baseTotal: 30_000,
    argv: (total) => range(500, 100, 's', total),
  },
  {
    id: 'txn-put-100c',
    title: 'txn-put 256 B, 100 clients / 10 conns',
    metric: 'throughput',
    summary: 'requests',
    baseTotal: 8_000,
    argv: (total) => [
      'txn-put',
      '--clients', '100',
      '--conns', '10',
      '--key-size', '8',
      '--val-size', '256',
      '--key-space-size', String(FILL_KEYS),
      '--txn-ops', '1',
      '--total', String(total),
    ],
  },
  {
    id: 'watch-latency-10k',
    // One put a second: 10,000 deliveries a second measures delivery latency, not a queue that never drains.
    title: 'watch-latency, 10000 watchers on 1 key, 1 put/s (delivery)',
    metric: 'latency',
    summary: 'events',
    baseTotal: 20,
    argv: (total) => [
      'watch-latency',
      '--clients', '10',
      '--conns', '10',
      '--streams', '100',
      '--watchers', '10000',
      '--put-total', String(total),
      '--put-rate', '1',
    ],
  },
  {
    id: 'lease-keepalive-100c',
    title: 'lease-keepalive, 100 clients / 10 conns',
    metric: 'throughput',
    summary: 'requests',
    baseTotal: 40_000,
    argv: (total) => ['lease-keepalive', '--clients', '100', '--conns', '10', '--total', String(total)],
  },
];

/** The smallest total a scaled workload gets: enough for a p99 to mean something in a smoke run. */
export function minTotal(workload: BenchWorkload): number {
  return workload.metric === 'latency' ? 5 : 100;
}

/** The full argument list after `node dist/cli/main.js`, for a workload at a scale. */
export function benchArgv(workload: BenchWorkload, scale: number, endpoints: readonly string[]): string[] {
  return ['bench', ...workload.argv(scaleTotal(workload.baseTotal, scale, minTotal(workload))), '--json', '--endpoints', endpoints.join(',')];
}
