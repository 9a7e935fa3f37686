// `yawl bench`: a load generator for any etcd v3 endpoints, after etcd's tools/benchmark (its subcommands,
// flag names and defaults). This file only parses flags; each subcommand loads its workload (bench/workloads)
// and the runner (bench/run.ts) when it runs. The shared flags go before the subcommand, as etcd's benchmark
// takes them, or after it; after wins. Exit codes: 0 done (failed requests are listed in the report), 1 nothing
// succeeded or an endpoint is unreachable, 2 bad flags.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseEndpointList } from '../bench/endpoints.js';

type Value = string | number | boolean | string[];

interface SharedFlag {
  readonly flags: string;
  readonly description: string;
  readonly parse?: (text: string) => Value;
  readonly choices?: readonly string[];
  readonly fallback?: Value;
  /** How help shows the default, when not as the value itself. */
  readonly fallbackText?: string;
}

/** Parses "5s", "500ms", "1m", "2h", or a bare number of seconds; 0 is allowed and means "none". */
export function parseDuration(flag: string): (text: string) => number {
  return (text) => {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
    if (!match) throw new InvalidArgumentError(`${flag} takes a duration such as 5s or 500ms, got ${JSON.stringify(text)}`);
    return Math.round(Number(match[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? 's']!);
  };
}

export function wholeNumber(flag: string, min: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${flag} takes a whole number >= ${min}, got ${JSON.stringify(text)}`);
    return n;
  };
}

function endpointList(text: string): string[] {
  try {
    return parseEndpointList(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** The flags every (or nearly every) subcommand takes, with etcd benchmark's names and defaults. */
const SHARED = {
  endpoints: { flags: '--endpoints <list>', description: 'comma-separated gRPC endpoints, host:port or http://host:port', parse: endpointList, fallback: ['127.0.0.1:2379'] },
  conns: { flags: '--conns <n>', description: 'gRPC connections (each its own TCP connection), dealt round-robin over the endpoints', parse: wholeNumber('--conns', 1), fallback: 1 },
  clients: { flags: '--clients <n>', description: 'concurrent clients, dealt round-robin over the connections', parse: wholeNumber('--clients', 1), fallback: 1 },
  total: { flags: '--total <n>', description: 'requests in all', parse: wholeNumber('--total', 1), fallback: 10_000 },
  keySize: { flags: '--key-size <bytes>', description: 'key bytes after the prefix (the key number as a varint, zero-padded)', parse: wholeNumber('--key-size', 1), fallback: 8 },
  valSize: { flags: '--val-size <bytes>', description: 'value bytes', parse: wholeNumber('--val-size', 0), fallback: 8 },
  keySpaceSize: { flags: '--key-space-size <n>', description: 'how many different keys', parse: wholeNumber('--key-space-size', 1), fallback: 1 },
  sequentialKeys: { flags: '--sequential-keys', description: 'key number = request number mod key space, instead of random' },
  consistency: { flags: '--consistency <l|s>', description: 'l = linearizable reads, s = serializable', choices: ['l', 's'], fallback: 'l' },
  rate: { flags: '--rate <n>', description: 'requests per second over all clients, 0 = unlimited', parse: wholeNumber('--rate', 0), fallback: 0 },
  prefix: { flags: '--prefix <text>', description: 'put in front of every generated key', fallback: '' },
  json: { flags: '--json', description: 'print the results as JSON' },
  precise: { flags: '--precise', description: 'print latencies to the 0.1 microsecond' },
  dialTimeout: { flags: '--dial-timeout <duration>', description: 'how long every connection may take to come up', parse: parseDuration('--dial-timeout'), fallback: 5_000, fallbackText: '5s' },
  requestTimeout: { flags: '--request-timeout <duration>', description: 'deadline of each request, 0 = none', parse: parseDuration('--request-timeout'), fallback: 30_000, fallbackText: '30s' },
} satisfies Record<string, SharedFlag>;

type SharedKey = keyof typeof SHARED;
const COMMON: readonly SharedKey[] = ['endpoints', 'conns', 'clients', 'json', 'precise', 'dialTimeout', 'requestTimeout'];
const KEYS: readonly SharedKey[] = ['keySize', 'keySpaceSize', 'sequentialKeys', 'prefix'];

function flagName(key: SharedKey): string {
  return SHARED[key].flags.split(' ')[0]!;
}

function sharedOption(key: SharedKey, fallback?: Value): Option {
  const spec: SharedFlag = SHARED[key];
  const option = new Option(spec.flags, spec.description);
  if (spec.parse) option.argParser(spec.parse);
  if (spec.choices) option.choices(spec.choices);
  const value = fallback ?? spec.fallback;
  if (value !== undefined) option.default(value, fallback === undefined && spec.fallbackText ? spec.fallbackText : Array.isArray(value) ? value.join(',') : undefined);
  return option;
}

class FlagError extends Error {}

/** Watchers in all: --watchers, or streams x the per-stream flag; giving both is an error. */
function pickWatchers(cmd: Command, perStreamKey: string, perStreamFlag: string, streams: number): number {
  const total = cmd.getOptionValue('watchers') as number | undefined;
  const perStream = cmd.getOptionValue(perStreamKey) as number;
  if (total !== undefined && cmd.getOptionValueSource(perStreamKey) === 'cli') throw new FlagError(`give --watchers or ${perStreamFlag}, not both`);
  return total ?? streams * perStream;
}

/**
 * A subcommand's value of each shared flag it takes: given after the subcommand, else before it, else the
 * subcommand's default. A shared flag given before a subcommand that does not take it is an error.
 */
function sharedValues(cmd: Command, bench: Command, keys: readonly SharedKey[]): Record<string, Value> {
  const values: Record<string, Value> = {};
  for (const key of keys) {
    const given = cmd.getOptionValueSource(key) === 'cli';
    const before = bench.getOptionValueSource(key) === 'cli';
    values[key] = (given || !before ? cmd.getOptionValue(key) : bench.getOptionValue(key)) as Value;
    if (values[key] === undefined) values[key] = false;
  }
  for (const key of Object.keys(SHARED) as SharedKey[]) {
    if (!keys.includes(key) && bench.getOptionValueSource(key) === 'cli') throw new FlagError(`${flagName(key)} does not apply to \`bench ${cmd.name()}\``);
  }
  return values;
}

/** Commander errors (unknown flag, bad value, missing argument) exit 2; --help exits 0. */
function exitCodes(cmd: Command): Command {
  return cmd.exitOverride((error: CommanderError) => process.exit(error.exitCode === 0 ? 0 : 2)).showHelpAfterError('(add --help for the flags)');
}

interface SubcommandSpec {
  readonly name: string;
  readonly description: string;
  readonly shared: readonly SharedKey[];
  readonly defaults?: Partial<Record<SharedKey, Value>>;
  readonly configure?: (cmd: Command) => void;
  /** Loads the workload and runs it; returns the exit code. */
  readonly run: (values: Record<string, Value>, cmd: Command) => Promise<number>;
}

async function runner() {
  return (await import('../bench/run.js')).runBench;
}

/** The common options object every workload takes, from the shared values. */
function common(values: Record<string, Value>) {
  return {
    endpoints: values.endpoints as string[],
    conns: values.conns as number,
    clients: values.clients as number,
    json: values.json as boolean,
    precise: values.precise as boolean,
    dialTimeoutMs: values.dialTimeout as number,
    requestTimeoutMs: values.requestTimeout as number,
  };
}

function keyOptions(values: Record<string, Value>) {
  return {
    keySize: values.keySize as number,
    keySpaceSize: values.keySpaceSize as number,
    sequentialKeys: values.sequentialKeys as boolean,
    prefix: values.prefix as string,
  };
}

const SUBCOMMANDS: readonly SubcommandSpec[] = [
  {
    name: 'put',
    description: 'benchmark puts: clients write keys of the key space',
    shared: [...COMMON, ...KEYS, 'total', 'valSize', 'rate'],
    run: async (v) => {
      const { putWorkload } = await import('../bench/workloads/put.js');
      return (await runner())(putWorkload, { ...common(v), ...keyOptions(v), total: v.total as number, valSize: v.valSize as number, rate: v.rate as number });
    },
  },
  {
    name: 'range',
    description: 'benchmark reads of one key, or of the range [key, end)',
    shared: [...COMMON, 'total', 'rate', 'consistency'],
    configure: (cmd) =>
      cmd
        .argument('<key>', 'the key to read (taken as is; --prefix does not apply)')
        .argument('[end]', 'read the range [key, end) instead of one key')
        .option('--limit <n>', 'most keys one read returns, 0 = no limit', wholeNumber('--limit', 0), 0)
        .option('--count-only', 'ask for the count of keys only'),
    run: async (v, cmd) => {
      const { rangeWorkload } = await import('../bench/workloads/range.js');
      const [key, end] = cmd.processedArgs as [string, string | undefined];
      return (await runner())(rangeWorkload, {
        ...common(v),
        key,
        end: end ?? '',
        total: v.total as number,
        rate: v.rate as number,
        consistency: v.consistency as 'l' | 's',
        limit: cmd.getOptionValue('limit') as number,
        countOnly: cmd.getOptionValue('countOnly') === true,
      });
    },
  },
  {
    name: 'txn-put',
    description: 'benchmark transactions of --txn-ops puts each',
    shared: [...COMMON, ...KEYS, 'total', 'valSize', 'rate'],
    configure: (cmd) => cmd.option('--txn-ops <n>', 'puts per transaction (to different keys)', wholeNumber('--txn-ops', 1), 1),
    run: async (v, cmd) => {
      const { txnPutWorkload } = await import('../bench/workloads/txn-put.js');
      return (await runner())(txnPutWorkload, {
        ...common(v),
        ...keyOptions(v),
        total: v.total as number,
        valSize: v.valSize as number,
        rate: v.rate as number,
        txnOps: cmd.getOptionValue('txnOps') as number,
      });
    },
  },
  {
    name: 'watch',
    description: 'benchmark watchers: create them, then put their keys and time every event delivered',
    shared: [...COMMON, ...KEYS, 'valSize'],
    defaults: { keySize: 32 },
    configure: (cmd) =>
      cmd
        .option('--streams <n>', 'watch streams, dealt round-robin over the clients', wholeNumber('--streams', 1), 10)
        .option('--watch-per-stream <n>', 'watchers per stream', wholeNumber('--watch-per-stream', 1), 100)
        .option('--watchers <n>', 'watchers in all, instead of --watch-per-stream (default: streams x watch-per-stream)', wholeNumber('--watchers', 1))
        .option('--watched-key-total <n>', 'different keys watched (watcher w watches key w mod this)', wholeNumber('--watched-key-total', 1), 1)
        .option('--put-total <n>', 'puts to the watched keys', wholeNumber('--put-total', 1), 1000)
        .option('--put-rate <n>', 'puts per second over all clients, 0 = unlimited', wholeNumber('--put-rate', 0), 0),
    run: async (v, cmd) => {
      const streams = cmd.getOptionValue('streams') as number;
      const watchers = pickWatchers(cmd, 'watchPerStream', '--watch-per-stream', streams);
      const { watchWorkload } = await import('../bench/workloads/watch.js');
      return (await runner())(watchWorkload, {
        ...common(v),
        ...keyOptions(v),
        valSize: v.valSize as number,
        streams,
        watchers,
        watchedKeyTotal: cmd.getOptionValue('watchedKeyTotal') as number,
        putTotal: cmd.getOptionValue('putTotal') as number,
        putRate: cmd.getOptionValue('putRate') as number,
      });
    },
  },
  {
    name: 'watch-latency',
    description: 'benchmark watch latency: watchers on one key, one putter at --put-rate; each delivery timed from its put',
    shared: [...COMMON, 'keySize', 'valSize', 'prefix'],
    defaults: { keySize: 32, valSize: 32 },
    configure: (cmd) =>
      cmd
        .option('--streams <n>', 'watch streams, dealt round-robin over the clients', wholeNumber('--streams', 1), 10)
        .option('--watchers-per-stream <n>', 'watchers per stream', wholeNumber('--watchers-per-stream', 1), 10)
        .option('--watchers <n>', 'watchers in all, instead of --watchers-per-stream (default: streams x watchers-per-stream)', wholeNumber('--watchers', 1))
        .option('--put-total <n>', 'puts to the watched key', wholeNumber('--put-total', 1), 1000)
        .option('--put-rate <n>', 'puts per second, 0 = as fast as one putter goes', wholeNumber('--put-rate', 0), 100)
        .option('--prevkv', 'watchers ask for the previous key-value too'),
    run: async (v, cmd) => {
      const streams = cmd.getOptionValue('streams') as number;
      const watchers = pickWatchers(cmd, 'watchersPerStream', '--watchers-per-stream', streams);
      const { watchLatencyWorkload } = await import('../bench/workloads/watch-latency.js');
      return (await runner())(watchLatencyWorkload, {
        ...common(v),
        keySize: v.keySize as number,
        valSize: v.valSize as number,
        prefix: v.prefix as string,
        streams,
        watchers,
        putTotal: cmd.getOptionValue('putTotal') as number,
        putRate: cmd.getOptionValue('putRate') as number,
        prevKv: cmd.getOptionValue('prevkv') === true,
      });
    },
  },
  {
    name: 'lease-keepalive',
    description: 'benchmark lease keep-alives: one lease, renewed by every client over its own keep-alive stream',
    shared: [...COMMON, 'total', 'rate'],
    run: async (v) => {
      const { leaseKeepAliveWorkload } = await import('../bench/workloads/lease-keepalive.js');
      return (await runner())(leaseKeepAliveWorkload, { ...common(v), total: v.total as number, rate: v.rate as number });
    },
  },
];

export function benchCommand(): Command {
  const bench = exitCodes(new Command('bench'))
    .description("load-test any etcd v3 endpoints, after etcd's tools/benchmark")
    .addHelpText('after', '\nThe flags above may also follow the subcommand; there they win. `yawl bench <command> --help` shows its defaults.')
    // Flags before the subcommand belong to bench; those after it to the subcommand (which takes the same names).
    .enablePositionalOptions();
  // No defaults here: a subcommand's own default applies unless the flag was given.
  for (const key of Object.keys(SHARED) as SharedKey[]) {
    const spec: SharedFlag = SHARED[key];
    const option = new Option(spec.flags, spec.description);
    if (spec.parse) option.argParser(spec.parse);
    if (spec.choices) option.choices(spec.choices);
    bench.addOption(option);
  }

  for (const spec of SUBCOMMANDS) {
    const cmd = exitCodes(new Command(spec.name)).description(spec.description);
    for (const key of spec.shared) cmd.addOption(sharedOption(key, spec.defaults?.[key]));
    spec.configure?.(cmd);
    cmd.action(async (...args: unknown[]) => {
      const self = args[args.length - 1] as Command;
      let code: number;
      try {
        code = await spec.run(sharedValues(self, bench, spec.shared), self);
      } catch (error) {
        if (!(error instanceof FlagError)) throw error;
        console.error(`error: ${error.message}`);
        code = 2;
      }
      process.exitCode = code;
    });
    bench.addCommand(cmd);
  }
  bench.addCommand(
    exitCodes(new Command('apiserver'))
      .description('load-test a Kubernetes-style apiserver: create, get and list pods, and fan one change out to many watchers')
      .option('--server <url>', 'the apiserver', 'http://127.0.0.1:6443')
      .option('--namespace <name>', 'namespace to create and use (deleted at the end)', 'yawl-bench')
      .option('--pods <n>', 'pods to create', wholeNumber('--pods', 1), 10_000)
      .option('--clients <n>', 'concurrent requests', wholeNumber('--clients', 1), 50)
      .option('--lists <n>', 'how many times to list every pod', wholeNumber('--lists', 1), 20)
      .option('--watchers <n>', 'watchers for the fan-out phase', wholeNumber('--watchers', 0), 1000)
      .option('--json', 'print the results as JSON')
      .action(async (opts: { server: string; namespace: string; pods: number; clients: number; lists: number; watchers: number; json?: boolean }) => {
        const { runApiBench, renderApiBench } = await import('../bench/apiserver.js');
        const results = await runApiBench({ ...opts, json: opts.json === true });
        console.log(opts.json ? JSON.stringify(results, null, 2) : renderApiBench(results));
        process.exitCode = results.some((r) => r.errors === r.requests) ? 1 : 0;
      }),
  );
  return bench;
}
