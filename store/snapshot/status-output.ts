// `snapshot status` output, character for character as etcdctl 3.4 prints it for each --write-out format.
import type { SnapshotFileStatus } from './status.js';

export type StatusFormat = 'simple' | 'table' | 'json' | 'fields';

export const STATUS_FORMATS: readonly StatusFormat[] = ['simple', 'table', 'json', 'fields'];

export function isStatusFormat(value: string): value is StatusFormat {
  return (STATUS_FORMATS as readonly string[]).includes(value);
}

/** The text to print, ending in a newline. */
export function formatStatus(status: SnapshotFileStatus, format: StatusFormat): string {
  const hash = status.hash.toString(16);
  switch (format) {
    case 'simple':
      return `${hash}, ${status.revision}, ${status.totalKey}, ${humanizeBytes(status.totalSize)}\n`;
    case 'json':
      // Go's encoding/json of etcd's snapshot.Status: these keys, this order, no spaces.
      return `${JSON.stringify({ hash: status.hash, revision: status.revision, totalKey: status.totalKey, totalSize: status.totalSize })}\n`;
    case 'fields':
      return `"Hash" : ${status.hash}\n"Revision" : ${status.revision}\n"Keys" : ${status.totalKey}\n"Size" : ${status.totalSize}\n`;
    case 'table':
      return table(['HASH', 'REVISION', 'TOTAL KEYS', 'TOTAL SIZE'], [hash, String(status.revision), String(status.totalKey), humanizeBytes(status.totalSize)]);
  }
}

/** olekukonko/tablewriter as etcdctl sets it up: headers centred (extra space on the right), cells right-aligned. */
function table(headers: readonly string[], row: readonly string[]): string {
  const widths = headers.map((header, i) => Math.max(header.length, row[i]!.length));
  const border = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const centred = headers.map((header, i) => {
    const gap = widths[i]! - header.length;
    const left = Math.floor(gap / 2);
    return ' '.repeat(left) + header + ' '.repeat(gap - left);
  });
  const right = row.map((cell, i) => cell.padStart(widths[i]!));
  return `${[border, line(centred), border, line(right), border].join('\n')}\n`;
}

const SI_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/**
 * go-humanize's Bytes (SI, powers of 1000), as etcdctl prints sizes: "20 kB", "1.5 MB". Its "%.0f" rounds an
 * exact half to even, as Go formats floats, so 20480 bytes is "20 kB" where JavaScript's toFixed would say 21.
 */
export function humanizeBytes(bytes: number): string {
  if (bytes < 10) return `${bytes} B`;
  const exponent = Math.floor(Math.log(bytes) / Math.log(1000));
  const unit = SI_UNITS[exponent]!;
  // go-humanize first rounds to tenths: floor(x * 10 + 0.5) / 10.
  const tenths = Math.floor((bytes / 1000 ** exponent) * 10 + 0.5);
  if (tenths < 100) return `${(tenths / 10).toFixed(1)} ${unit}`;
  const whole = Math.floor(tenths / 10);
  const fraction = tenths % 10;
  const rounded = fraction > 5 || (fraction === 5 && whole % 2 === 1) ? whole + 1 : whole;
  return `${rounded} ${unit}`;
}
