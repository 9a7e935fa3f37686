// The compare's table, as Markdown whose columns line up in a terminal too: one row per workload, then memory,
// restart time and `etcdctl check perf`. Pure: report in, text out.
import type { ClusterReport, CompactSummary, WorkloadOutcome } from './results.js';

export interface TableRow {
  readonly label: string;
  readonly etcd: string;
  readonly etcdP99: string;
  readonly yawl: string;
  readonly yawlP99: string;
  readonly ratio: string;
}

export const HEADER: TableRow = { label: 'workload', etcd: 'etcd req/s', etcdP99: 'etcd p99', yawl: 'yawl req/s', yawlP99: 'yawl p99', ratio: 'yawl/etcd' };

export const LEGEND =
  'yawl/etcd is yawl\'s throughput over etcd\'s (above 1: yawl is faster). For watch latency it is the ratio of the p99 ' +
  'delivery latencies, for memory and restart the ratio of the values (above 1: yawl is slower or bigger). p99: the ' +
  '99th percentile of request latency. "err": failed requests (or undelivered events) of that run.';

const NONE = '—';

/** 12,345 above a thousand, whole numbers above 100, then one or two decimals. */
export function formatRate(perSec: number): string {
  if (!Number.isFinite(perSec)) return NONE;
  if (perSec >= 1000) return groupThousands(Math.round(perSec));
  if (perSec >= 100) return String(Math.round(perSec));
  if (perSec >= 10) return perSec.toFixed(1);
  return perSec.toFixed(2);
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return NONE;
  if (ms >= 1000) return `${groupThousands(Math.round(ms))} ms`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(3)} ms`;
}

/** yawl over etcd, to two significant digits: 0.42×, 1.0×, 12×; a dash when either side is missing or etcd's is 0. */
export function formatRatio(yawl: number | undefined, etcd: number | undefined): string {
  if (yawl === undefined || etcd === undefined || !Number.isFinite(yawl) || !Number.isFinite(etcd) || etcd <= 0 || yawl < 0) return NONE;
  const r = yawl / etcd;
  if (r === 0) return '0×';
  if (r >= 99.5) return `${groupThousands(Math.round(r))}×`;
  return `${r.toPrecision(2)}×`;
}

function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const errorsNote = (s: CompactSummary): string => (s.errors > 0 ? ` (${groupThousands(s.errors)} err)` : '');

/** The value the row compares, when the run has one. */
function headline(outcome: WorkloadOutcome | undefined): number | undefined {
  const s = outcome?.summary;
  if (!s || s.ok === 0) return undefined;
  return outcome.metric === 'latency' ? s.percentilesMs.p99 : s.requestsPerSec;
}

function valueCell(outcome: WorkloadOutcome | undefined): string {
  if (!outcome) return NONE;
  const s = outcome.summary;
  if (!s) return 'failed';
  if (s.ok === 0) return `failed${errorsNote(s)}`;
  if (outcome.metric === 'latency') return `p50 ${formatMs(s.percentilesMs.p50)}${errorsNote(s)}`;
  return `${formatRate(s.requestsPerSec)}${errorsNote(s)}`;
}

function p99Cell(outcome: WorkloadOutcome | undefined): string {
  const s = outcome?.summary;
  return s && s.ok > 0 ? formatMs(s.percentilesMs.p99) : NONE;
}

/** Workload ids in the order they ran: etcd's, then any that only yawl ran. */
function workloadIds(etcd: ClusterReport | undefined, yawl: ClusterReport | undefined): string[] {
  const ids: string[] = [];
  for (const report of [etcd, yawl]) for (const w of report?.workloads ?? []) if (!ids.includes(w.id)) ids.push(w.id);
  return ids;
}

function memoryTotalKiB(report: ClusterReport | undefined): number | undefined {
  const members = report?.memory?.members;
  return members && members.length > 0 ? members.reduce((sum, m) => sum + m.rssKiB, 0) : undefined;
}

function memoryCell(report: ClusterReport | undefined): string {
  if (!report?.memory) return NONE;
  const members = report.memory.members;
  if (!members || members.length === 0) return 'failed';
  const mib = (kib: number): string => String(Math.round(kib / 1024));
  return `${mib(memoryTotalKiB(report)!)} MiB (${members.map((m) => mib(m.rssKiB)).join('+')})`;
}

function restartCell(report: ClusterReport | undefined): string {
  if (!report?.restart) return NONE;
  return report.restart.seconds === undefined ? 'failed' : `${report.restart.seconds.toFixed(2)} s`;
}

/** Writes/s and the slowest request, from check perf's PASS/FAIL lines. */
export function checkPerfFigures(lines: readonly string[]): { writesPerSec?: number; slowestSeconds?: number } {
  const text = lines.join('\n');
  const writes = /(\d+(?:\.\d+)?) writes\/s/.exec(text);
  const slowest = /Slowest request[^\d\n]*(\d+(?:\.\d+)?)s/.exec(text);
  return { ...(writes ? { writesPerSec: Number(writes[1]) } : {}), ...(slowest ? { slowestSeconds: Number(slowest[1]) } : {}) };
}

function checkPerfCells(report: ClusterReport | undefined): { value: string; p99: string; writes?: number } {
  const perf = report?.checkPerf;
  if (!perf) return { value: NONE, p99: NONE };
  if (perf.skipped) return { value: 'skipped', p99: NONE };
  const figures = checkPerfFigures(perf.lines ?? []);
  const verdict = perf.passed ? 'PASS' : 'FAIL';
  return {
    value: figures.writesPerSec === undefined ? verdict : `${verdict} ${formatRate(figures.writesPerSec)}`,
    p99: figures.slowestSeconds === undefined ? NONE : `max ${formatMs(figures.slowestSeconds * 1000)}`,
    ...(figures.writesPerSec === undefined ? {} : { writes: figures.writesPerSec }),
  };
}

/** One row per workload either side ran, then memory, restart and check perf for whichever side measured them. */
export function buildRows(etcd: ClusterReport | undefined, yawl: ClusterReport | undefined): TableRow[] {
  const rows: TableRow[] = [];
  for (const id of workloadIds(etcd, yawl)) {
    const e = etcd?.workloads.find((w) => w.id === id);
    const y = yawl?.workloads.find((w) => w.id === id);
    const title = (e ?? y)!.title;
    const latency = (e ?? y)!.metric === 'latency';
    rows.push({
      label: latency ? `${title}: p50, p99` : title,
      etcd: valueCell(e),
      etcdP99: p99Cell(e),
      yawl: valueCell(y),
      yawlP99: p99Cell(y),
      ratio: formatRatio(headline(y), headline(e)),
    });
  }
  const memory = etcd?.memory ?? yawl?.memory;
  if (memory) {
    rows.push({
      label: `RSS of the 3 members after ${groupThousands(memory.keys)} puts of 1 KiB`,
      etcd: memoryCell(etcd),
      etcdP99: NONE,
      yawl: memoryCell(yawl),
      yawlP99: NONE,
      ratio: formatRatio(memoryTotalKiB(yawl), memoryTotalKiB(etcd)),
    });
  }
  if (etcd?.restart || yawl?.restart) {
    rows.push({
      label: 'restart of a follower holding those keys (SIGKILL → serving)',
      etcd: restartCell(etcd),
      etcdP99: NONE,
      yawl: restartCell(yawl),
      yawlP99: NONE,
      ratio: formatRatio(yawl?.restart?.seconds, etcd?.restart?.seconds),
    });
  }
  if (etcd?.checkPerf || yawl?.checkPerf) {
    const e = checkPerfCells(etcd);
    const y = checkPerfCells(yawl);
    rows.push({ label: 'etcdctl check perf --load=m: writes/s, slowest', etcd: e.value, etcdP99: e.p99, yawl: y.value, yawlP99: y.p99, ratio: formatRatio(y.writes, e.writes) });
  }
  return rows;
}

const COLUMNS = ['label', 'etcd', 'etcdP99', 'yawl', 'yawlP99', 'ratio'] as const;

/** A Markdown table padded so it also reads as a table in a terminal; every column but the first right-aligned. */
export function renderTable(rows: readonly TableRow[]): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const all = [HEADER, ...rows].map((row) => COLUMNS.map((c) => cell(row[c])));
  const widths = COLUMNS.map((_, i) => Math.max(3, ...all.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((text, i) => (i === 0 ? text.padEnd(widths[i]!) : text.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(all[0]!), rule, ...all.slice(1).map(line)].join('\n') + '\n';
}
