import { describe, expect, test } from 'vitest';
import { createProgress, NO_PROGRESS, renderProgress } from './progress.js';

describe('renderProgress', () => {
  test('half done', () => {
    const line = renderProgress('put', 150, 300, 1_234, 60);
    expect(line).toMatch(/^put 150 \/ 300 \[=+>\s+\]  50\.00% 1\.2s$/);
    expect(line.length).toBeLessThanOrEqual(60);
  });

  test('done, and empty', () => {
    expect(renderProgress('', 10, 10, 0, 40)).toMatch(/^10 \/ 10 \[=+\] 100\.00% 0\.0s$/);
    expect(renderProgress('', 0, 10, 0, 40)).toMatch(/^ 0 \/ 10 \[>\s+\]   0\.00% 0\.0s$/);
  });
});

describe('createProgress', () => {
  test('writes nothing when the stream is not a terminal', () => {
    const writes: string[] = [];
    const progress = createProgress('put', 10, { stream: { isTTY: false, write: (t: string) => writes.push(t) } });
    expect(progress).toBe(NO_PROGRESS);
    progress.add(5);
    progress.finish();
    expect(writes).toEqual([]);
  });

  test('on a terminal: redraws in place and ends the line on finish', () => {
    const writes: string[] = [];
    let now = 0;
    const progress = createProgress('put', 4, { stream: { isTTY: true, columns: 60, write: (t: string) => writes.push(t) }, now: () => now, intervalMs: 60_000 });
    progress.add(2);
    now = 2_000;
    progress.finish();
    progress.finish();
    expect(writes[0]!.startsWith('\rput 0 / 4 [')).toBe(true);
    expect(writes.at(-2)).toMatch(/^\rput 2 \/ 4 \[.*\]  50\.00% 2\.0s$/);
    expect(writes.at(-1)).toBe('\n');
    expect(writes.filter((w) => w === '\n')).toHaveLength(1);
  });
});
