import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { PRETTY_JSON_LIMIT, renderSummary, serializeHistory, writeReport } from './index.js';
import { HistoryBuilder, fail, pass } from './test-kit.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function history() {
  const b = new HistoryBuilder();
  b.ok(0, 3, { type: 'put', key: 'reg/1', value: 'a', lease: '7587862420185925893' });
  b.definite(10, 2, { type: 'leaseRevoke', lease: '1' });
  b.indeterminate(20, 5000, { type: 'txn', prefix: 'txn/', compares: [{ key: 'txn/a', expect: null }], puts: [{ key: 'txn/a', value: 'x' }] });
  b.lost(30, { type: 'cas', key: 'reg/2', expect: null, value: 'é\u0000"' });
  b.fault('partition', ['n1->n2'], 'isolate n1 from n2', 5, null);
  b.fault('failpoint', ['n3'], 'raftAfterSave panic on n3', 6, 9, false);
  b.watch(0, 'n1').session(0, 0).created(1, 1).events(2, 3, 2).compacted(4, 5, 3).close(4, 'canceled: compacted');
  b.final({ name: 'n1', id: 'abc', revision: 3, hashKV: { hash: 1, hashRevision: 3, compactRevision: 0 }, kvs: [] });
  return b.build();
}

describe('writeReport', () => {
  test('writes history.json and report.html into a new directory; history.json round-trips', async () => {
    const root = await mkdtemp(join(tmpdir(), 'yawl-report-'));
    dirs.push(root);
    const dir = join(root, 'nested', 'run-1');
    const h = history();
    const results = [pass('linearizability'), fail('watch', 'bad', ['gap at 4'])];
    const paths = await writeReport(dir, h, results);
    expect(paths).toEqual({ historyPath: join(dir, 'history.json'), htmlPath: join(dir, 'report.html') });
    expect(isAbsolute(paths.historyPath)).toBe(true);
    const json = await readFile(paths.historyPath, 'utf8');
    expect(JSON.parse(json)).toEqual(h);
    expect(json).toContain('\n  "meta": {'); // small: indented
    const html = await readFile(paths.htmlPath, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('gap at 4');
    // The summary can point at the files.
    expect(renderSummary(h, results, paths)).toContain(paths.htmlPath);
    // Writing again into the same directory replaces both files.
    await writeReport(dir, h, [pass('linearizability')]);
    expect(await readFile(paths.htmlPath, 'utf8')).not.toContain('gap at 4');
  });

  test('a large history is written compact', () => {
    const b = new HistoryBuilder();
    const value = 'x'.repeat(1000);
    const n = Math.ceil(PRETTY_JSON_LIMIT / 1000) + 10;
    for (let i = 0; i < n; i++) b.ok(i, 1, { type: 'put', key: `reg/${i}`, value });
    const h = b.build();
    const text = serializeHistory(h);
    expect(text).not.toContain('\n ');
    expect(JSON.parse(text)).toEqual(h);
  });
});
