#!/usr/bin/env node
// The `yawl` entry point: parses flags and starts one component. Each subcommand lives in its own module and is
// loaded only when run, so `yawl --help` stays fast and a component's dependencies never load for another.
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { normaliseEtcdArgs, storeCommand } from './store-command.js';
import { chaosCommand } from './chaos-command.js';
import { benchCommand } from './bench-command.js';
import { upCommand } from './up-command.js';
import { apiserverCommand } from './apiserver-command.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const program = new Command().enablePositionalOptions();
program.name('yawl').description('An etcd-compatible Raft store and a Kubernetes-style control plane').version(packageVersion(), '--version');

program
  .command('version')
  .description('print the yawl version')
  .action(() => {
    console.log(`yawl ${packageVersion()}`);
  });

program
  .command('sim')
  .description('run the seeded Raft simulator and check its safety and liveness properties')
  .option('--seeds <n>', 'how many seeds to run', (v) => parseIntArg('--seeds', v), 100)
  .option('--start <s>', 'first seed', (v) => parseIntArg('--start', v), 1)
  .option('--seed <s>', 'replay exactly one seed and print its trace', (v) => parseIntArg('--seed', v))
  .option('--nodes <n>', 'cluster size (3 or 5)', (v) => parseIntArg('--nodes', v), 3)
  .option('--steps <n>', 'fault-phase steps per run', (v) => parseIntArg('--steps', v))
  .option('--jobs <n>', 'worker threads to split the seeds over', (v) => parseIntArg('--jobs', v), 1)
  .option('--trace', 'print a result line for every seed')
  .action(async (opts) => {
    const { runSimCommand } = await import('../store/raftsim/cli.js');
    process.exitCode = await runSimCommand(opts);
  });

program.addCommand(storeCommand());

program.addCommand(upCommand());

program.addCommand(apiserverCommand());

program.addCommand(chaosCommand());

program.addCommand(benchCommand());

function parseIntArg(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} takes a whole number, got ${JSON.stringify(v)}`);
  return n;
}

await program.parseAsync(normaliseEtcdArgs(process.argv));
