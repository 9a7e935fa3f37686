// Renders a benchmark's result: as text in the layout of etcd's tools/benchmark (seconds, a bar histogram, the
// latency distribution, the error distribution), or as one JSON document for scripts.
import type { Summary } from './stats.js';

export interface BenchResult {
  /** The subcommand: put, range, txn-put, watch, watch-latency, lease-keepalive. */
  readonly command: string;
  /** The settings the run used, after defaults, as plain JSON values. */
  readonly config: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  /** In the order they are printed. */
  readonly summaries: readonly Summary[];
  /** Name of the summary whose successes decide the exit code (requests, events). */
  readonly primary: string;
  /** Remarks worth reading next to the numbers (e.g. events that were never delivered). */
  readonly notes: readonly string[];
}

export interface TextOptions {
  /** Decimal places of the seconds: 4 as etcd prints, more with --precise. */
  readonly digits?: number;
}

const BAR_CHAR = '∎';
const BAR_WIDTH = 40;

export function renderSummaryText(summary: Summary, options: TextOptions = {}): string {
  const digits = options.digits ?? 4;
  const secs = (ms: number): string => (ms / 1000).toFixed(digits);
  const lines: string[] = [];
  lines.push(`${summary.title}:`);
  lines.push(`  Total:\t${secs(summary.totalMs)} secs.`);
  lines.push(`  Slowest:\t${secs(summary.slowestMs)} secs.`);
  lines.push(`  Fastest:\t${secs(summary.fastestMs)} secs.`);
  lines.push(`  Average:\t${secs(summary.averageMs)} secs.`);
  lines.push(`  Stddev:\t${secs(summary.stddevMs)} secs.`);
  lines.push(`  Requests/sec:\t${summary.requestsPerSec.toFixed(4)}`);
  lines.push(`  Succeeded:\t${summary.ok} of ${summary.requests}`);
  if (summary.histogram.length > 0) {
    lines.push('', 'Response time histogram:');
    const max = Math.max(...summary.histogram.map((b) => b.count));
    for (const bucket of summary.histogram) {
      const bar = max > 0 ? BAR_CHAR.repeat(Math.floor((bucket.count * BAR_WIDTH) / max)) : '';
      lines.push(`  ${secs(bucket.upToMs)} [${bucket.count}]\t|${bar}`);
    }
  }
  if (summary.percentiles.length > 0) {
    lines.push('', 'Latency distribution:');
    for (const p of summary.percentiles) lines.push(`  ${p.percentile}% in ${secs(p.ms)} secs.`);
  }
  if (summary.errorCounts.length > 0) {
    lines.push('', 'Error distribution:');
    for (const e of summary.errorCounts) lines.push(`  [${e.count}]\t${e.message}`);
  }
  return lines.join('\n') + '\n';
}

export function renderText(result: BenchResult, options: TextOptions = {}): string {
  const blocks = result.summaries.map((s) => renderSummaryText(s, options));
  if (result.notes.length > 0) blocks.push(result.notes.map((n) => `note: ${n}`).join('\n') + '\n');
  return blocks.join('\n');
}

/** ms rounded to 0.1 µs: more digits than that are noise from the clock. */
const ms = (value: number): number => Math.round(value * 10_000) / 10_000;

export interface SummaryJson {
  name: string;
  title: string;
  requests: number;
  ok: number;
  errors: number;
  totalSeconds: number;
  requestsPerSec: number;
  latencyMs: { fastest: number; slowest: number; average: number; stddev: number };
  /** Keys p10, p25, p50, p75, p90, p95, p99, p99.9; empty when nothing succeeded. */
  percentilesMs: Record<string, number>;
  histogramMs: { upTo: number; count: number }[];
  errorCounts: { message: string; count: number }[];
}

export interface BenchResultJson {
  command: string;
  config: BenchResult['config'];
  primary: string;
  summaries: SummaryJson[];
  notes: string[];
}

export function summaryJson(summary: Summary): SummaryJson {
  return {
    name: summary.name,
    title: summary.title,
    requests: summary.requests,
    ok: summary.ok,
    errors: summary.errors,
    totalSeconds: Math.round(summary.totalMs * 1000) / 1_000_000,
    requestsPerSec: Math.round(summary.requestsPerSec * 1000) / 1000,
    latencyMs: { fastest: ms(summary.fastestMs), slowest: ms(summary.slowestMs), average: ms(summary.averageMs), stddev: ms(summary.stddevMs) },
    percentilesMs: Object.fromEntries(summary.percentiles.map((p) => [`p${p.percentile}`, ms(p.ms)])),
    histogramMs: summary.histogram.map((b) => ({ upTo: ms(b.upToMs), count: b.count })),
    errorCounts: summary.errorCounts.map((e) => ({ message: e.message, count: e.count })),
  };
}

export function resultJson(result: BenchResult): BenchResultJson {
  return {
    command: result.command,
    config: result.config,
    primary: result.primary,
    summaries: result.summaries.map(summaryJson),
    notes: [...result.notes],
  };
}

export function renderJson(result: BenchResult): string {
  return JSON.stringify(resultJson(result), null, 2) + '\n';
}
