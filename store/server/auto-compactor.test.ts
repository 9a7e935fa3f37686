import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../raft/errors.js';
import { AutoCompactor, parseAutoCompaction } from './auto-compactor.js';

describe('auto-compaction', () => {
  it('parses etcd retention forms', () => {
    expect(parseAutoCompaction('periodic', '1')).toEqual({ mode: 'periodic', retention: 3600_000 });
    expect(parseAutoCompaction('periodic', '30m')).toEqual({ mode: 'periodic', retention: 1800_000 });
    expect(parseAutoCompaction('periodic', '5s')).toEqual({ mode: 'periodic', retention: 5000 });
    expect(parseAutoCompaction('revision', '1000')).toEqual({ mode: 'revision', retention: 1000 });
    expect(parseAutoCompaction('periodic', '0')).toEqual({ mode: 'periodic', retention: 0 });
    expect(() => parseAutoCompaction('daily', '1')).toThrow(ConfigError);
    expect(() => parseAutoCompaction('revision', '1h')).toThrow(ConfigError);
  });

  function target(leader = true) {
    const t = { rev: 1, compacted: 0, calls: [] as number[], isLeader: () => leader, currentRevision: () => t.rev, compactedRevision: () => t.compacted, compact: async (r: number) => void (t.calls.push(r), (t.compacted = r)) };
    return t;
  }

  it('revision mode keeps the last `retention` revisions, on the leader only', async () => {
    const t = target();
    const c = new AutoCompactor({ mode: 'revision', retention: 10 }, t, pino({ level: 'silent' }));
    t.rev = 5;
    await c.revisionRound();
    t.rev = 25;
    await c.revisionRound();
    await c.revisionRound(); // nothing new to compact
    expect(t.calls).toEqual([15]);
    const f = target(false);
    f.rev = 100;
    await new AutoCompactor({ mode: 'revision', retention: 10 }, f, pino({ level: 'silent' })).revisionRound();
    expect(f.calls).toEqual([]);
  });

  it('periodic mode compacts to the revision that was current one retention ago', async () => {
    const t = target();
    let now = 0;
    const c = new AutoCompactor({ mode: 'periodic', retention: 1000 }, t, pino({ level: 'silent' }), () => now);
    for (let i = 0; i <= 30; i++) {
      now = i * 100;
      t.rev = 10 + i;
      await c.periodicRound(1000);
    }
    // Samples every 100 ms; at t=3000 the revision seen at t=2000 (rev 30) is a retention old.
    expect(t.calls.at(-1)).toBe(30);
    expect(t.calls.every((r, i) => i === 0 || r > t.calls[i - 1]!)).toBe(true);
  });
});
