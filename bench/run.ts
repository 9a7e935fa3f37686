// Runs one workload from start to finish: check its settings, connect, wait for every connection, run, print the
// report, close. Returns the exit code: 0 done (even with some failed requests, which the report lists), 1 when
// nothing succeeded or an endpoint is unreachable, 2 for settings that cannot work, 130 when interrupted.
import { ConnectionPool } from './connections.js';
import { UnreachableError, UsageError } from './errors.js';
import { createProgress, type Progress } from './progress.js';
import { renderJson, renderText, type BenchResult } from './report.js';

/** What every subcommand takes. */
export interface CommonOptions {
  readonly endpoints: readonly string[];
  readonly conns: number;
  readonly clients: number;
  readonly dialTimeoutMs: number;
  /** Deadline of each unary request; 0 = none. */
  readonly requestTimeoutMs: number;
  readonly json: boolean;
  readonly precise: boolean;
}

export interface WorkloadContext {
  readonly pool: ConnectionPool;
  /** A progress bar on stderr (nothing unless it is a terminal). */
  progress(label: string, total: number): Progress;
  /** A line on stderr. */
  log(message: string): void;
  /** Aborted on Ctrl-C: stop starting work and report what was done. */
  readonly signal: AbortSignal;
}

export type WorkloadOutcome = Pick<BenchResult, 'summaries' | 'primary' | 'notes'>;

export interface Workload<O extends CommonOptions> {
  readonly command: string;
  /** Throws UsageError for settings that cannot work together; runs before anything connects. */
  validate(options: O): void;
  run(context: WorkloadContext, options: O): Promise<WorkloadOutcome>;
}

export interface RunIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  /** Where Ctrl-C comes from; process by default. */
  readonly interrupts?: { once(event: 'SIGINT', listener: () => void): unknown; removeListener(event: 'SIGINT', listener: () => void): unknown };
}

/** The settings as plain JSON values, for the report's `config`. */
function configOf(options: CommonOptions): BenchResult['config'] {
  const config: Record<string, string | number | boolean | readonly string[]> = {};
  for (const [name, value] of Object.entries(options)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') config[name] = value;
    else if (Array.isArray(value)) config[name] = value.map(String);
  }
  return config;
}

export async function runBench<O extends CommonOptions>(workload: Workload<O>, options: O, io: RunIo = { stdout: process.stdout, stderr: process.stderr, interrupts: process }): Promise<number> {
  const say = (message: string): void => void io.stderr.write(`${message}\n`);
  try {
    workload.validate(options);
  } catch (error) {
    if (error instanceof UsageError || error instanceof RangeError) {
      say(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }

  const abort = new AbortController();
  const interrupts = io.interrupts;
  const onInterrupt = (): void => {
    say('interrupted: finishing the requests in flight (Ctrl-C again to quit at once)');
    abort.abort();
    interrupts?.once('SIGINT', () => process.exit(130));
  };
  interrupts?.once('SIGINT', onInterrupt);

  const pool = ConnectionPool.open(options.endpoints, options.conns);
  try {
    await pool.waitUntilReady(options.dialTimeoutMs);
    const context: WorkloadContext = {
      pool,
      progress: (label, total) => createProgress(label, total, { stream: io.stderr }),
      log: say,
      signal: abort.signal,
    };
    const outcome = await workload.run(context, options);
    const result: BenchResult = { command: workload.command, config: configOf(options), ...outcome };
    io.stdout.write(options.json ? renderJson(result) : renderText(result, { digits: options.precise ? 7 : 4 }));
    if (abort.signal.aborted) return 130;
    const primary = result.summaries.find((s) => s.name === result.primary);
    if (primary && primary.ok === 0) {
      say(primary.name === 'events' ? 'error: no watch event was delivered' : 'error: every request failed');
      return 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof UnreachableError) {
      say(`error: ${error.message}`);
      return 1;
    }
    say(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    interrupts?.removeListener('SIGINT', onInterrupt);
    pool.close();
  }
}
