import { describe, expect, test } from 'vitest';
import { describeMachine, END_MARKER, renderSection, replaceSection, START_MARKER } from './readme.js';

const README = ['# Yawl', '', 'intro', '', '## Chaos testing', '', 'text', '', '## Layout', '', '```', 'api/', '```', ''].join('\n');

describe('replaceSection', () => {
  test('without markers: a "## Benchmarks" section before "## Layout"', () => {
    const out = replaceSection(README, 'TABLE');
    expect(out).toBe(
      ['# Yawl', '', 'intro', '', '## Chaos testing', '', 'text', '', '## Benchmarks', '', START_MARKER, 'TABLE', END_MARKER, '', '## Layout', '', '```', 'api/', '```', ''].join('\n'),
    );
  });

  test('with markers: only what is between them changes', () => {
    const once = replaceSection(README, 'OLD');
    const twice = replaceSection(once, 'NEW\nTABLE');
    expect(twice).toBe(once.replace(`${START_MARKER}\nOLD\n${END_MARKER}`, `${START_MARKER}\nNEW\nTABLE\n${END_MARKER}`));
    expect(twice.match(/## Benchmarks/g)).toHaveLength(1);
  });

  test('idempotent: the same body twice gives the same text', () => {
    const once = replaceSection(README, 'TABLE\n');
    expect(replaceSection(once, 'TABLE\n')).toBe(once);
    expect(replaceSection(replaceSection(once, 'OTHER'), 'TABLE\n')).toBe(once);
  });

  test('keeps text around hand-placed markers', () => {
    const readme = `before\n${START_MARKER}\nold\n${END_MARKER}\nafter\n`;
    expect(replaceSection(readme, 'new')).toBe(`before\n${START_MARKER}\nnew\n${END_MARKER}\nafter\n`);
  });

  test('an existing "## Benchmarks" heading without markers gets them under it', () => {
    const readme = '# X\n\n## Benchmarks\n\nSome words.\n\n## Layout\n';
    expect(replaceSection(readme, 'T')).toBe(`# X\n\n## Benchmarks\n\n${START_MARKER}\nT\n${END_MARKER}\n\nSome words.\n\n## Layout\n`);
  });

  test('no "## Layout": the section goes at the end', () => {
    expect(replaceSection('# X\n\ntext\n\n', 'T')).toBe(`# X\n\ntext\n\n## Benchmarks\n\n${START_MARKER}\nT\n${END_MARKER}\n`);
    expect(replaceSection('', 'T')).toBe(`## Benchmarks\n\n${START_MARKER}\nT\n${END_MARKER}\n`);
  });

  test('a lone marker is an error rather than a guess', () => {
    expect(() => replaceSection(`x\n${START_MARKER}\ny\n`, 'T')).toThrow(/only one/);
    expect(() => replaceSection(`x\n${END_MARKER}\ny\n`, 'T')).toThrow(/only one/);
  });
});

describe('renderSection', () => {
  const machine = { cpuModel: 'Some CPU @ 2.0GHz ', cpus: 2, totalMemoryBytes: 8 * 1024 ** 3, os: 'Linux', kernel: '6.1.0-1-amd64', node: 'v20.19.0' };

  test('machine line', () => {
    expect(describeMachine(machine)).toBe('Some CPU @ 2.0GHz × 2, 8.0 GiB RAM, Linux 6.1.0-1-amd64');
  });

  test('date, machine, versions, command, table and legend', () => {
    const text = renderSection({
      date: '2025-01-02T03:04:05.678Z',
      machine,
      etcdVersion: '3.4.23',
      command: 'npm run bench:compare',
      table: '| t |\n',
      legend: 'legend',
      resultsFile: 'bench/results/compare-x.json',
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Last run 2025-01-02T03:04:05Z on Some CPU @ 2.0GHz × 2, 8.0 GiB RAM, Linux 6.1.0-1-amd64; Node v20.19.0, etcd 3.4.23.');
    expect(lines[2]).toBe('Command: `npm run bench:compare` (full results: `bench/results/compare-x.json`).');
    expect(lines.slice(3)).toEqual(['', '| t |', '', 'legend']);
  });
});
