// The summary printed at the end of `yawl chaos run`: what was run, which faults were injected when, how the
// operations fared, and each checker's verdict with its first violations. Plain text with aligned columns; ANSI
// colour only when asked for.
import type { CheckResult, History } from '../history/types.js';
import {
  formatCount,
  formatMs,
  formatPercent,
  formatRate,
  formatSeconds,
  textTable,
  truncate,
  visible,
} from './format.js';
import { computeStats, type RunStats } from './stats.js';

export interface SummaryPaths {
  historyPath?: string;
  htmlPath?: string;
}

export interface SummaryOptions {
  /** Wrap verdicts and warnings in ANSI colour codes. Default false. */
  color?: boolean;
  /** How many violations to list under a failing checker. Default 5. */
  maxViolations?: number;
}

export interface Verdict {
  ok: boolean;
  label: 'PASS' | 'FAIL' | 'NO CHECKS';
  /** "all 3 checks passed", "1 of 3 checks failed: watch". */
  text: string;
}

/** The run passes when every checker passed; with no checkers at all there is nothing to pass. */
export function overallVerdict(results: CheckResult[]): Verdict {
  if (results.length === 0) return { ok: false, label: 'NO CHECKS', text: 'no checker ran' };
  const failed = results.filter((r) => !r.ok);
  if (failed.length === 0) {
    return { ok: true, label: 'PASS', text: results.length === 1 ? 'the check passed' : `all ${results.length} checks passed` };
  }
  return {
    ok: false,
    label: 'FAIL',
    text: `${failed.length} of ${plural(results.length, 'check')} failed: ${failed.map((r) => r.name).join(', ')}`,
  };
}

/** "1 error", "2 errors" (with thousands separators). */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : pluralWord}`;
}

/** Things worth a person's attention that no checker judges: faults left active, members that could not be read. */
export function runWarnings(history: History): string[] {
  const warnings: string[] = [];
  for (const fault of history.faults) {
    if (fault.end === null) warnings.push(`fault ${fault.id} was never healed: ${fault.description}`);
  }
  for (const member of history.final) {
    if (member.error) warnings.push(`could not read the final state of ${member.name}: ${member.error}`);
  }
  return warnings;
}

const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m' };
type Style = keyof typeof ANSI;

const DEFAULT_MAX_VIOLATIONS = 5;

export function renderSummary(
  history: History,
  results: CheckResult[],
  paths?: SummaryPaths,
  options: SummaryOptions = {},
): string {
  const paint = (text: string, ...styles: Style[]): string =>
    options.color && styles.length > 0 ? styles.map((s) => ANSI[s]).join('') + text + ANSI.reset : text;
  const stats = computeStats(history);
  const lines: string[] = [];
  const section = (title: string): void => {
    lines.push('', paint(title, 'bold'));
  };

  // Header.
  const meta = history.meta;
  lines.push(
    paint(
      `Chaos run: ${visible(meta.target)}, scenario ${visible(meta.scenario)}, seed ${meta.seed}, ` +
        `${plural(meta.clients, 'client')}, ${formatSeconds(stats.durationMs)}`,
      'bold',
    ) + (meta.startedAt ? ` (started ${visible(meta.startedAt)})` : ''),
  );
  if (meta.members.length > 0) {
    lines.push(`Members: ${meta.members.map((m) => `${visible(m.name)} (${visible(m.id)})`).join(', ')}`);
  }

  // Faults.
  section(`Faults (${stats.faults.length})`);
  if (stats.faults.length === 0) lines.push('  none injected');
  else lines.push(...faultLines(stats, paint));

  // Operations by type and outcome.
  section('Operations');
  lines.push(...operationLines(stats, paint));

  // Latency.
  section('Latency (ms, operations that returned)');
  if (stats.latency.overall === null) lines.push('  no operation returned');
  else lines.push(...latencyLines(stats));

  // Throughput, watches, errors.
  lines.push('');
  const facts: string[][] = [];
  facts.push([
    'Throughput',
    `${formatRate(stats.throughput.opsPerSecond)} ops/s (${formatRate(stats.throughput.okPerSecond)} ok/s) over ${formatSeconds(stats.durationMs)}`,
  ]);
  const w = stats.watch;
  facts.push([
    'Watches',
    w.watches === 0
      ? 'none'
      : `${plural(w.watches, 'watch', 'watches')}, ${plural(w.sessions, 'session')} (${plural(w.resumes, 'resume')}, ` +
        `${plural(w.errors, 'error')}), ${plural(w.events, 'event')}, ${plural(w.progressNotifications, 'progress notification')}` +
        (w.compactions > 0 ? `, ${plural(w.compactions, 'compaction cancel')}` : ''),
  ]);
  const topErrors = stats.errors.slice(0, 3);
  topErrors.forEach((e, i) => {
    facts.push([
      i === 0 ? 'Errors' : '',
      `${formatCount(e.count)}× ${visible(e.code)}${e.definite ? '' : ' (indeterminate)'}: ${truncate(visible(e.message), 100)}`,
    ]);
  });
  if (stats.errorGroups > topErrors.length) {
    facts.push(['', `… ${stats.errorGroups - topErrors.length} more kinds of error`]);
  }
  if (history.final.length > 0) {
    facts.push([
      'Final',
      history.final
        .map((m) => `${visible(m.name)} ${m.error ? `error: ${truncate(visible(m.error), 60)}` : `rev ${m.revision}`}`)
        .join(', '),
    ]);
  }
  lines.push(...textTable(facts, ['left', 'left']));

  // Verdicts.
  section('Checks');
  if (results.length === 0) lines.push('  none ran');
  const nameWidth = Math.max(0, ...results.map((r) => [...visible(r.name)].length));
  const maxViolations = options.maxViolations ?? DEFAULT_MAX_VIOLATIONS;
  const violationIndent = ' '.repeat(2 + 4 + 2 + nameWidth + 2);
  for (const result of results) {
    const label = result.ok ? paint('PASS', 'green', 'bold') : paint('FAIL', 'red', 'bold');
    lines.push(`  ${label}  ${visible(result.name).padEnd(nameWidth)}  ${visible(result.summary)}`.trimEnd());
    if (!result.ok) {
      for (const violation of result.violations.slice(0, maxViolations)) {
        lines.push(`${violationIndent}- ${visible(violation)}`);
      }
      const more = result.violations.length - maxViolations;
      if (more > 0) lines.push(`${violationIndent}… ${plural(more, 'more violation')}${paths?.htmlPath ? ' in the report' : ''}`);
    }
  }

  const warnings = runWarnings(history);
  if (warnings.length > 0) {
    section('Warnings');
    for (const warning of warnings) lines.push(`  ${paint('!', 'yellow', 'bold')} ${visible(warning)}`);
  }

  const verdict = overallVerdict(results);
  lines.push('', paint(`Verdict: ${verdict.label} (${verdict.text})`, 'bold', verdict.ok ? 'green' : 'red'));

  if (paths?.historyPath || paths?.htmlPath) {
    lines.push('');
    const where: string[][] = [];
    if (paths.historyPath) where.push(['History:', paths.historyPath]);
    if (paths.htmlPath) where.push(['Report:', paths.htmlPath]);
    lines.push(...textTable(where, ['left', 'left']));
  }
  return lines.join('\n');
}

type Paint = (text: string, ...styles: Style[]) => string;

function faultLines(stats: RunStats, paint: Paint): string[] {
  const starts = stats.faults.map((f) => formatSeconds(f.start));
  const startWidth = Math.max(...starts.map((s) => s.length));
  const rows = stats.faults.map((f, i) => [
    `${starts[i].padStart(startWidth)}–${f.end === null ? 'end' : formatSeconds(f.end)}`,
    f.duration === null ? '' : `(${formatSeconds(f.duration)})`,
    `${visible(f.description)}, ${f.note}`,
  ]);
  return textTable(rows, ['left', 'right', 'left'], {
    indent: '  ',
    decorate: (cell, row, column) => (column === 2 && !stats.faults[row].healed ? paint(cell, 'red') : cell),
  });
}

function operationLines(stats: RunStats, paint: Paint): string[] {
  const header = ['', 'total', 'ok', 'failed', 'indeterminate', 'no reply'];
  const row = (name: string, c: RunStats['operations']['total']): string[] => [
    name,
    formatCount(c.total),
    formatCount(c.ok),
    formatCount(c.failed),
    formatCount(c.indeterminate),
    formatCount(c.neverReturned),
  ];
  const rows = [header, ...stats.operations.byType.map(({ type, counts }) => row(type, counts))];
  const total = stats.operations.total;
  rows.push(row('all', total));
  rows.push(['', '', formatPercent(total.ok, total.total), formatPercent(total.failed, total.total), formatPercent(total.indeterminate, total.total), '']);
  return textTable(rows, ['left', 'right', 'right', 'right', 'right', 'right'], {
    indent: '  ',
    decorate: (cell, r, c) => {
      if (r === 0) return paint(cell, 'dim');
      if (c === 4 && r > 0 && r < rows.length - 1 && cell.trim() !== '0') return paint(cell, 'yellow');
      return cell;
    },
  });
}

function latencyLines(stats: RunStats): string[] {
  const rows = [['', 'n', 'p50', 'p90', 'p99', 'p99.9', 'max']];
  const row = (name: string, l: NonNullable<RunStats['latency']['overall']>): string[] => [
    name,
    formatCount(l.count),
    formatMs(l.p50),
    formatMs(l.p90),
    formatMs(l.p99),
    formatMs(l.p999),
    formatMs(l.max),
  ];
  for (const { type, latency } of stats.latency.byType) rows.push(row(type, latency));
  if (stats.latency.overall) rows.push(row('all', stats.latency.overall));
  return textTable(rows, ['left', 'right', 'right', 'right', 'right', 'right', 'right'], { indent: '  ' });
}
