// `npm run bench:compare`: the same workloads against a 3-member etcd cluster, then a 3-member yawl cluster, on this
// machine; prints one table, writes every figure to bench/results/compare-<date>.json and the table into README.md.
//   BENCH_SCALE=0.05 npm run bench:compare                 quick smoke run (every total x 0.05)
//   npm run bench:compare -- --skip-check-perf             without the two ~60 s `etcdctl check perf` runs
//   flags: --readme <file> (default README.md), --no-readme, --results-dir <dir> (default bench/results)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { etcdBinary, REPO_ROOT, YAWL_MAIN } from '../../chaos/cluster/binaries.js';
import { renderSection, replaceSection } from './readme.js';
import type { ClusterReport, CompareReport, MachineInfo } from './results.js';
import { AbortedError, ELECTION_MS, etcdVersion, HEARTBEAT_MS, runAgainst } from './runner.js';
import { buildRows, LEGEND, renderTable } from './table.js';

const USAGE = `usage: npm run bench:compare [-- --skip-check-perf] [--readme <file> | --no-readme] [--results-dir <dir>]
environment: BENCH_SCALE (default 1) multiplies every total; BENCH_SKIP_CHECK_PERF=1 skips etcdctl check perf`;

function truthy(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false', 'no'].includes(value.toLowerCase());
}

function machineInfo(): MachineInfo {
  const list = cpus();
  return { cpuModel: list[0]?.model ?? 'unknown CPU', cpus: list.length, totalMemoryBytes: totalmem(), os: type(), kernel: release(), node: process.version };
}

/** The command as the user typed it, near enough to repeat it. */
function commandLine(args: readonly string[]): string {
  const env = ['BENCH_SCALE', 'BENCH_SKIP_CHECK_PERF'].filter((name) => process.env[name] !== undefined).map((name) => `${name}=${process.env[name]}`);
  const viaNpm = process.env.npm_lifecycle_event === 'bench:compare';
  const base = viaNpm ? `npm run bench:compare${args.length > 0 ? ' --' : ''}` : 'node dist/bench/compare/main.js';
  return [...env, base, ...args].join(' ');
}

/** Relative to the repository when inside it (as the README shows it), else absolute. */
function inRepo(file: string): string {
  const path = relative(REPO_ROOT, file);
  return path.startsWith('..') ? file : path;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  let flags;
  try {
    flags = parseArgs({
      args,
      options: {
        'skip-check-perf': { type: 'boolean', default: false },
        readme: { type: 'string', default: join(REPO_ROOT, 'README.md') },
        'no-readme': { type: 'boolean', default: false },
        'results-dir': { type: 'string', default: join(REPO_ROOT, 'bench', 'results') },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const scale = process.env.BENCH_SCALE === undefined || process.env.BENCH_SCALE === '' ? 1 : Number(process.env.BENCH_SCALE);
  if (!Number.isFinite(scale) || scale <= 0) {
    console.error(`error: BENCH_SCALE must be a number > 0, got ${JSON.stringify(process.env.BENCH_SCALE)}`);
    return 2;
  }
  const skipCheckPerf = flags['skip-check-perf'] || truthy(process.env.BENCH_SKIP_CHECK_PERF);

  if (!existsSync(YAWL_MAIN)) {
    console.error(`error: ${YAWL_MAIN} is missing: run \`npm run build\` first`);
    return 1;
  }
  const etcd = etcdVersion();
  if (etcd === undefined) {
    console.error(
      `error: cannot run etcd (${etcdBinary()} --version failed). bench:compare needs etcd 3.4 at /usr/bin/etcd ` +
        '(Debian: apt-get install etcd-server) or YAWL_ETCD_BINARY pointing at one.',
    );
    return 1;
  }
  if (!etcd.startsWith('3.4.')) console.error(`warning: etcd ${etcd}; the comparison is meant for etcd 3.4`);

  const abort = new AbortController();
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const onSignal = (signal: NodeJS.Signals): void => {
    if (abort.signal.aborted) {
      log(`${signal} again: exiting now (members are SIGKILLed on exit)`);
      process.exit(130);
    }
    log(`${signal}: stopping the bench and the cluster (again to quit at once)`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const date = new Date().toISOString();
  const started = performance.now();
  const command = commandLine(args);
  log(`bench:compare: scale ${scale}, etcd ${etcd}${skipCheckPerf ? ', without check perf' : ''}`);
  const options = { scale, skipCheckPerf, signal: abort.signal, log };
  let etcdReport: ClusterReport | undefined;
  let yawlReport: ClusterReport | undefined;
  try {
    // One after the other, never both at once: each gets the whole machine.
    etcdReport = await runAgainst('etcd', options);
    yawlReport = await runAgainst('yawl', options);
  } catch (error) {
    if (error instanceof AbortedError) {
      log('interrupted: every process started was stopped; nothing written');
      return 130;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  const report: CompareReport = {
    date,
    command,
    scale,
    machine: machineInfo(),
    clusterFlags: ['--heartbeat-interval', String(HEARTBEAT_MS), '--election-timeout', String(ELECTION_MS)],
    etcd: etcdReport,
    yawl: yawlReport,
    durationSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
  const table = renderTable(buildRows(etcdReport, yawlReport));
  process.stdout.write(`\n${table}\n${LEGEND}\n\n`);

  const resultsDir = resolve(flags['results-dir']);
  mkdirSync(resultsDir, { recursive: true });
  const resultsFile = join(resultsDir, `compare-${date.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.json`);
  writeFileSync(resultsFile, JSON.stringify(report, null, 1) + '\n');
  log(`results: ${resultsFile}`);

  if (!flags['no-readme']) {
    const readmeFile = resolve(flags.readme);
    const section = renderSection({ date, machine: report.machine, etcdVersion: etcd, command, table, legend: LEGEND, resultsFile: inRepo(resultsFile) });
    const before = readFileSync(readmeFile, 'utf8');
    writeFileSync(readmeFile, replaceSection(before, section));
    log(`table written into ${readmeFile}`);
  }
  log(`done in ${report.durationSeconds} s`);
  return etcdReport.error || yawlReport.error ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
