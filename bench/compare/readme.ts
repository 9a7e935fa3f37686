// Puts the compare's table into README.md between two markers, and writes the text that goes there. Pure:
// text in, text out; main.ts reads and writes the file.
import type { MachineInfo } from './results.js';

export const START_MARKER = '<!-- bench:compare:start -->';
export const END_MARKER = '<!-- bench:compare:end -->';
export const SECTION_HEADING = '## Benchmarks';
/** The new section goes before this heading; at the end when there is none. */
export const ANCHOR_HEADING = '## Layout';

/**
 * `readme` with `body` between the markers. Without markers, they are added: under an existing "## Benchmarks"
 * heading, else in a new such section before "## Layout", else at the end. Running it again with the same body
 * changes nothing.
 */
export function replaceSection(readme: string, body: string): string {
  const block = `${START_MARKER}\n${body.trim()}\n${END_MARKER}`;
  const start = readme.indexOf(START_MARKER);
  const end = start < 0 ? -1 : readme.indexOf(END_MARKER, start);
  if (start >= 0 && end >= 0) return readme.slice(0, start) + block + readme.slice(end + END_MARKER.length);
  if (start >= 0 || readme.includes(END_MARKER)) throw new Error(`README has only one of ${START_MARKER} and ${END_MARKER}: fix it by hand`);

  const lines = readme.split('\n');
  const heading = lines.findIndex((l) => l.trimEnd() === SECTION_HEADING);
  if (heading >= 0) {
    lines.splice(heading + 1, 0, '', block);
    return lines.join('\n');
  }
  const anchor = lines.findIndex((l) => l.trimEnd() === ANCHOR_HEADING);
  if (anchor >= 0) {
    lines.splice(anchor, 0, SECTION_HEADING, '', block, '');
    return lines.join('\n');
  }
  const trimmed = readme.replace(/\n*$/, '');
  return `${trimmed}${trimmed === '' ? '' : '\n\n'}${SECTION_HEADING}\n\n${block}\n`;
}

export interface SectionInput {
  /** ISO date-time of the run. */
  readonly date: string;
  readonly machine: MachineInfo;
  readonly etcdVersion: string;
  readonly command: string;
  readonly table: string;
  readonly legend: string;
  /** Path of the JSON results, relative to the repository. */
  readonly resultsFile: string;
}

const GIB = 1024 ** 3;

/** One line for the machine: "Intel Xeon ... × 2, 7.8 GiB RAM, Linux 6.1.0". */
export function describeMachine(machine: MachineInfo): string {
  return `${machine.cpuModel.trim()} × ${machine.cpus}, ${(machine.totalMemoryBytes / GIB).toFixed(1)} GiB RAM, ${machine.os} ${machine.kernel}`;
}

/** What goes between the markers: how and where it ran, the table, how to read it. */
export function renderSection(input: SectionInput): string {
  return [
    `Last run ${input.date.replace(/\.\d+Z$/, 'Z')} on ${describeMachine(input.machine)}; Node ${input.machine.node}, etcd ${input.etcdVersion}.`,
    `Both clusters: 3 members on this one machine, started one after the other with the same flags and data disk.`,
    `Command: \`${input.command}\` (full results: \`${input.resultsFile}\`).`,
    '',
    input.table.trimEnd(),
    '',
    input.legend,
  ].join('\n');
}
