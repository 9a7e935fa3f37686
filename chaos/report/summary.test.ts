import { describe, expect, test } from 'vitest';
import { overallVerdict, renderSummary } from './summary.js';
import { HistoryBuilder, fail, pass } from './test-kit.js';

function scenario() {
  const b = new HistoryBuilder({ target: 'etcd', scenario: 'partition-leader', seed: 1234, clients: 4, durationMs: 30_000 });
  const get = { type: 'get', key: 'reg/1' } as const;
  for (let i = 0; i < 10; i++) b.ok(i * 1000, i + 1, get); // get latencies 1..10 ms
  b.ok(100, 2);
  b.ok(200, 4);
  b.definite(300, 3);
  b.indeterminate(3300, 5000);
  b.lost(29_500);
  b.fault('kill', ['n2'], 'SIGKILL n2 (leader)', 3210, 5400);
  b.fault('partition', ['n1->n2', 'n1->n3'], 'isolate n1 from n2, n3', 12_000, 17_500);
  b.fault('failpoint', ['n3'], 'raftBeforeSave panic on n3', 20_000, 21_000, true);
  const w = b.watch(0, 'n1');
  w.session(0, 0).created(1, 1).events(50, 4, 3).progress(1000, 4).close(3300, 'stream ended by the server');
  w.session(3500, 5).created(3510, 5).progress(4510, 5);
  b.final({ name: 'n1', id: '8e9e05c52164694d', revision: 17 });
  return b.build();
}

const results = [
  pass('linearizability', '15 operations in 2 partitions'),
  fail('watch', '7 violations; first: client 0 missed revision 17', [
    'client 0 missed revision 17',
    'client 0 got revision 20 twice',
    'v3',
    'v4',
    'v5',
    'v6',
    'v7',
  ]),
  pass('hashKV', 'all members agree at revision 17'),
];

describe('renderSummary', () => {
  const text = renderSummary(scenario(), results, { historyPath: '/runs/a/history.json', htmlPath: '/runs/a/report.html' });
  const lines = text.split('\n');

  test('a header line with target, scenario, seed, clients and duration', () => {
    expect(lines[0]).toMatch(/^Chaos run: etcd, scenario partition-leader, seed 1234, 4 clients, 30\.00s/);
    expect(text).toContain('n1 (8e9e05c52164694d)');
  });

  test('every fault with its start, end, duration, description and how it ended', () => {
    expect(text).toContain('Faults (3)');
    const kill = lines.find((l) => l.includes('SIGKILL n2'));
    expect(kill).toMatch(/^\s+3\.21s–5\.40s\s+\(2\.19s\)\s+SIGKILL n2 \(leader\), restarted$/);
    expect(lines.find((l) => l.includes('isolate n1'))).toMatch(/12\.00s–17\.50s\s+\(5\.50s\)\s+isolate n1 from n2, n3, healed$/);
    expect(lines.find((l) => l.includes('raftBeforeSave'))).toMatch(/20\.00s–21\.00s\s+\(1\.00s\)\s+.*, triggered, cleared$/);
    // Start times are right-aligned so the dashes line up.
    const dashes = lines.filter((l) => l.includes('–')).map((l) => l.indexOf('–'));
    expect(new Set(dashes).size).toBe(1);
  });

  test('an operations table by type and outcome with aligned columns', () => {
    const start = lines.findIndex((l) => l === 'Operations');
    const header = lines[start + 1];
    expect(header.trim().split(/\s{2,}/)).toEqual(['total', 'ok', 'failed', 'indeterminate', 'no reply']);
    const row = (name: string) => lines.slice(start + 2).find((l) => l.trim().startsWith(`${name} `))!;
    expect(row('get').trim().split(/\s+/)).toEqual(['get', '10', '10', '0', '0', '0']);
    expect(row('put').trim().split(/\s+/)).toEqual(['put', '5', '2', '1', '2', '1']);
    expect(row('all').trim().split(/\s+/)).toEqual(['all', '15', '12', '1', '2', '1']);
    // Right-aligned numbers: the header and every row end in the same column.
    expect(new Set([header, row('get'), row('put'), row('all')].map((l) => l.length)).size).toBe(1);
  });

  test('latency percentiles per type and overall', () => {
    const start = lines.findIndex((l) => l.startsWith('Latency'));
    expect(lines[start + 1].trim().split(/\s+/)).toEqual(['n', 'p50', 'p90', 'p99', 'p99.9', 'max']);
    const get = lines.slice(start).find((l) => l.trim().startsWith('get '))!;
    expect(get.trim().split(/\s+/)).toEqual(['get', '10', '5.00', '9.00', '10.0', '10.0', '10.0']);
    const all = lines.slice(start).find((l) => l.trim().startsWith('all '))!;
    expect(all.trim().split(/\s+/)).toEqual(['all', '14', '4.00', '10.0', '5000', '5000', '5000']);
  });

  test('throughput and watch stats', () => {
    expect(text).toMatch(/Throughput\s+0\.5 ops\/s \(0\.4 ok\/s\) over 30\.00s/);
    expect(text).toContain('1 watch, 2 sessions (1 resume, 1 error), 3 events, 2 progress notifications');
  });

  test('one verdict line per checker; violations under a FAIL, cut after maxViolations', () => {
    expect(lines.find((l) => l.includes('linearizability'))).toMatch(/^\s+PASS\s+linearizability\s+15 operations in 2 partitions$/);
    expect(lines.find((l) => l.includes('hashKV'))).toMatch(/^\s+PASS\s+hashKV\s+all members agree/);
    const failAt = lines.findIndex((l) => /^\s+FAIL\s+watch\s+7 violations; first/.test(l));
    expect(failAt).toBeGreaterThan(0);
    const under = lines.slice(failAt + 1, failAt + 7);
    expect(under.slice(0, 5).map((l) => l.trim())).toEqual([
      '- client 0 missed revision 17',
      '- client 0 got revision 20 twice',
      '- v3',
      '- v4',
      '- v5',
    ]);
    expect(under[5].trim()).toBe('… 2 more violations in the report');
    // Violations are indented under the checker's summary column.
    const summaryColumn = lines[failAt].indexOf('7 violations');
    for (const l of under) expect(l.search(/\S/)).toBe(summaryColumn);
    expect(text).not.toContain('v6');
  });

  test('an overall verdict and where the files are', () => {
    expect(text).toContain('Verdict: FAIL (1 of 3 checks failed: watch)');
    expect(lines.find((l) => l.startsWith('History:'))).toMatch(/^History:\s+\/runs\/a\/history\.json$/);
    expect(lines.find((l) => l.startsWith('Report:'))).toMatch(/^Report:\s+\/runs\/a\/report\.html$/);
  });

  test('no colour codes unless asked for', () => {
    expect(text).not.toContain('\x1b[');
    const coloured = renderSummary(scenario(), results, undefined, { color: true });
    expect(coloured).toContain('\x1b[31m');
    expect(coloured).toContain('\x1b[32m');
    // Colour changes nothing else.
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(renderSummary(scenario(), results));
  });

  test('passing runs, unhealed faults, missing paths and an empty history', () => {
    const b = new HistoryBuilder({ durationMs: 5000 });
    b.fault('pause', ['n3'], 'SIGSTOP n3', 1000, null);
    const summary = renderSummary(b.build(), [pass('linearizability'), pass('watch')]);
    expect(summary).toContain('Verdict: PASS (all 2 checks passed)');
    expect(summary).toMatch(/1\.00s–end\s+SIGSTOP n3, NEVER HEALED/);
    expect(summary).toContain('fault 0 was never healed: SIGSTOP n3');
    expect(summary).toContain('no operation returned');
    expect(summary).not.toContain('History:');
    expect(renderSummary(new HistoryBuilder().build(), [])).toContain('none injected');
  });

  test('control characters from the history cannot reach the terminal', () => {
    const b = new HistoryBuilder();
    b.fault('kill', ['n1'], 'evil\x1b[2Jdescription', 0, 10);
    const summary = renderSummary(b.build(), [fail('x', 'bad\x07', ['v\x1b[31m'])]);
    expect(summary).not.toContain('\x1b');
    expect(summary).not.toContain('\x07');
    expect(summary).toContain('evil\\x1b[2Jdescription');
  });
});

describe('overallVerdict', () => {
  test('PASS only when every checker passed', () => {
    expect(overallVerdict([pass('a'), pass('b')])).toMatchObject({ ok: true, label: 'PASS' });
    expect(overallVerdict([pass('a'), fail('b', 's', [])])).toMatchObject({ ok: false, label: 'FAIL', text: '1 of 2 checks failed: b' });
    expect(overallVerdict([])).toMatchObject({ ok: false, label: 'NO CHECKS' });
  });
});
