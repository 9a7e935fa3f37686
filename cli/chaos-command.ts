// `yawl chaos`: fault-injection runs against a 3-member store cluster (yawl or the real etcd), with every
// operation checked for linearizability and every watch for gaps. The run itself lives in chaos/run; this file
// only parses flags, prints, and sets the exit code (0 only when every checker passed).
import { Command, InvalidArgumentError, Option } from 'commander';

/** "30s", "10m", "1500ms", "2h", or a bare number of seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`expected a duration such as 30s, 10m or 1500ms, got ${JSON.stringify(text)}`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const ms = value * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit]!;
  if (ms < 1_000) throw new InvalidArgumentError(`a run needs at least 1s, got ${text}`);
  return Math.round(ms);
}

function positiveInt(flag: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} takes a whole number >= 1, got ${JSON.stringify(text)}`);
    return n;
  };
}

function seedArg(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffff_ffff) throw new InvalidArgumentError(`--seed takes a whole number in [0, 2^32), got ${JSON.stringify(text)}`);
  return n;
}

export function chaosCommand(): Command {
  const chaos = new Command('chaos').description('inject faults into a store cluster and check every operation and watch');

  chaos
    .command('list')
    .description('list the scenarios, one line each')
    .action(async () => {
      const { SCENARIOS } = await import('../chaos/faults/scenarios.js');
      const width = Math.max(...SCENARIOS.map((s) => s.name.length));
      for (const s of SCENARIOS) {
        const only = s.targets.length === 1 ? ` (${s.targets[0]} only)` : '';
        console.log(`${s.name.padEnd(width)}  ${s.summary}${only}`);
      }
    });

  chaos
    .command('run')
    .description('start a 3-member cluster, run a workload under a fault schedule, check the history, write a report')
    .addOption(new Option('--target <kind>', 'which store to test').choices(['yawl', 'etcd']).default('yawl'))
    .requiredOption('--scenario <name>', 'a scenario from `yawl chaos list`')
    .option('--duration <time>', 'how long the workload and faults run (30s, 10m)', parseDuration, 30_000)
    .option('--seed <n>', 'seed of the fault schedule and the workload', seedArg, 1)
    .option('--clients <n>', 'workload clients, each with its own watch', positiveInt('--clients'), 8)
    .option('--report <dir>', 'where history.json and report.html go', '.yawl/chaos/<scenario>-<target>-<seed>')
    .option('--request-timeout <time>', 'deadline of every workload request', parseDuration, 2_000)
    .addOption(
      new Option('--consistency <l|s>', 'reads: l = linearizable; s = serializable, which may be stale, so the run should FAIL linearizability')
        .choices(['l', 's'])
        .default('l'),
    )
    .option('--heartbeat-interval <ms>', 'members\' --heartbeat-interval', positiveInt('--heartbeat-interval'), 100)
    .option('--election-timeout <ms>', 'members\' --election-timeout', positiveInt('--election-timeout'), 1_000)
    .action(async (opts: {
      target: 'yawl' | 'etcd';
      scenario: string;
      duration: number;
      seed: number;
      clients: number;
      report: string;
      requestTimeout: number;
      heartbeatInterval: number;
      electionTimeout: number;
      consistency: 'l' | 's';
    }) => {
      const { scenarioNamed, SCENARIOS } = await import('../chaos/faults/scenarios.js');
      const scenario = scenarioNamed(opts.scenario);
      if (!scenario) {
        console.error(`error: unknown scenario ${JSON.stringify(opts.scenario)}; one of: ${SCENARIOS.map((s) => s.name).join(', ')}`);
        process.exitCode = 2;
        return;
      }
      if (!scenario.targets.includes(opts.target)) {
        console.error(`error: scenario ${scenario.name} needs failpoints inside the store: --target yawl only`);
        process.exitCode = 2;
        return;
      }
      const reportDir = opts.report.replace('<scenario>', scenario.name).replace('<target>', opts.target).replace('<seed>', String(opts.seed));
      // Ctrl-C: exit through process.exit so the reaper SIGKILLs every member this run started.
      process.once('SIGINT', () => process.exit(130));
      const { runChaos } = await import('../chaos/run/run.js');
      const { checkHistory } = await import('../chaos/check/index.js');
      const { writeReport, renderSummary } = await import('../chaos/report/index.js');
      const started = Date.now();
      const log = (message: string): void => console.error(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}`);
      const run = await runChaos({
        target: opts.target,
        scenario,
        durationMs: opts.duration,
        seed: opts.seed,
        clients: opts.clients,
        reportDir,
        requestTimeoutMs: opts.requestTimeout,
        heartbeatMs: opts.heartbeatInterval,
        electionMs: opts.electionTimeout,
        readConsistency: opts.consistency === 's' ? 'serializable' : 'linearizable',
        log,
      });
      log('checking the history');
      const results = [...checkHistory(run.history), ...run.runChecks];
      const paths = await writeReport(reportDir, run.history, results);
      console.log(renderSummary(run.history, results, paths));
      process.exitCode = results.every((r) => r.ok) ? 0 : 1;
    });

  chaos
    .command('check')
    .description('check a recorded history.json again (e.g. after a checker change) and print the verdicts')
    .argument('<history>', 'a history.json written by `yawl chaos run`')
    .action(async (file: string) => {
      const { readFileSync } = await import('node:fs');
      const { checkHistory } = await import('../chaos/check/index.js');
      const { renderSummary } = await import('../chaos/report/index.js');
      const history = JSON.parse(readFileSync(file, 'utf8')) as import('../chaos/history/types.js').History;
      const results = checkHistory(history);
      console.log(renderSummary(history, results));
      process.exitCode = results.every((r) => r.ok) ? 0 : 1;
    });

  return chaos;
}
