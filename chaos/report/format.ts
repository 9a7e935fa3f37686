// Formatting shared by the terminal summary and the HTML report: times, latencies, counts, request descriptions,
// plain-text tables and HTML escaping.
import type { Request } from '../history/types.js';

/** Milliseconds since the run started as seconds: "3.21s". */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

/** A latency in milliseconds with about three significant digits: "0.42", "4.20", "42.0", "420". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

/** An integer with thousands separators, independent of the locale: "12,345". */
export function formatCount(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + Math.round(Math.abs(n)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatRate(perSecond: number): string {
  return perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1);
}

export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '-';
  const p = (100 * part) / whole;
  return p > 0 && p < 0.1 ? '<0.1%' : `${p.toFixed(1)}%`;
}

/** Cuts a string to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Shows control characters (which would vanish or break a terminal) as \xNN. */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const VALUE_MAX = 32;

function value(v: string | null): string {
  return v === null ? '∅' : JSON.stringify(truncate(v, VALUE_MAX));
}

/** One short line describing a request, for tooltips and lists: `put reg/3 = "v17"`. */
export function describeRequest(request: Request): string {
  switch (request.type) {
    case 'get':
      return `get ${request.key}`;
    case 'range':
      return `range ${request.prefix}*`;
    case 'put':
      return `put ${request.key} = ${value(request.value)}${request.lease && request.lease !== '0' ? ` lease ${request.lease}` : ''}`;
    case 'delete':
      return `delete ${request.key}`;
    case 'cas':
      return `cas ${request.key}: ${value(request.expect)} → ${value(request.value)}`;
    case 'txn': {
      const keys = request.puts.map((p) => p.key).join(', ');
      return `txn ${request.prefix}: ${request.compares.length} compare(s), ${request.puts.length} put(s)${keys ? ` [${truncate(keys, 60)}]` : ''}`;
    }
    case 'leaseGrant':
      return `leaseGrant ttl ${request.ttl}s`;
    case 'leaseRevoke':
      return `leaseRevoke ${request.lease}`;
    case 'compact':
      return `compact ${request.revision}`;
    default:
      return (request as { type: string }).type;
  }
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML and SVG content and attribute values (quoted with either quote). */
export function escapeHtml(text: unknown): string {
  return visible(String(text)).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

export type Align = 'left' | 'right';

/**
 * Lines of a plain-text table: every column padded to its widest cell, columns two spaces apart, trailing blanks
 * trimmed. `decorate` may wrap a padded cell in escape codes, which do not count toward the width.
 */
export function textTable(
  rows: string[][],
  align: Align[],
  options: { indent?: string; decorate?: (cell: string, row: number, column: number) => string } = {},
): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row, r) => {
    const cells = row.map((cell, c) => {
      const pad = ' '.repeat(widths[c] - [...cell].length);
      const padded = align[c] === 'right' ? pad + cell : cell + pad;
      return options.decorate ? options.decorate(padded, r, c) : padded;
    });
    return ((options.indent ?? '') + cells.join('  ')).trimEnd();
  });
}
