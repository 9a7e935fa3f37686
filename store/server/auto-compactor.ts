// etcd's auto-compaction, run by the leader (a compaction is a proposal like any other):
// - revision mode: every 5 minutes, compact to the current revision minus the retention;
// - periodic mode: keep `retention` worth of history, compacting every retention (every hour once the retention
//   is over an hour: at a tenth of it), to the revision that was current one retention ago.
import type { Logger } from 'pino';
import { ConfigError } from '../raft/errors.js';

export type AutoCompactionMode = 'periodic' | 'revision';

export interface AutoCompactionConfig {
  mode: AutoCompactionMode;
  /** Revisions to keep (revision mode), or milliseconds of history (periodic mode); 0 disables. */
  retention: number;
}

const REVISION_CHECK_MS = 5 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/** etcd's flags: mode periodic|revision; retention "0" (off), "5000" (revisions or hours), "30m", "1h", "10s". */
export function parseAutoCompaction(mode: string, retention: string): AutoCompactionConfig {
  if (mode !== 'periodic' && mode !== 'revision') throw new ConfigError(`--auto-compaction-mode: unknown mode ${JSON.stringify(mode)}`);
  const r = retention.trim();
  if (mode === 'revision') {
    const n = Number(r);
    if (!Number.isSafeInteger(n) || n < 0) throw new ConfigError(`--auto-compaction-retention: expected a number of revisions, got ${JSON.stringify(retention)}`);
    return { mode, retention: n };
  }
  if (/^\d+$/.test(r)) return { mode, retention: Number(r) * HOUR_MS }; // a bare number means hours
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(r);
  if (!m) throw new ConfigError(`--auto-compaction-retention: expected a duration such as 30m or 1h, got ${JSON.stringify(retention)}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: HOUR_MS }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return { mode, retention: Math.round(Number(m[1]) * unit) };
}

export interface CompactionTarget {
  isLeader(): boolean;
  currentRevision(): number;
  compactedRevision(): number;
  compact(revision: number): Promise<void>;
}

export class AutoCompactor {
  private timer: NodeJS.Timeout | undefined;
  /** Periodic mode: (time, revision) samples, oldest first. */
  private samples: { at: number; rev: number }[] = [];

  constructor(
    private readonly cfg: AutoCompactionConfig,
    private readonly target: CompactionTarget,
    private readonly logger: Logger,
    private readonly now: () => number = () => Date.now(),
  ) {}

  start(): void {
    if (this.cfg.retention === 0) return;
    if (this.cfg.mode === 'revision') {
      this.timer = setInterval(() => void this.revisionRound(), REVISION_CHECK_MS);
    } else {
      const every = this.cfg.retention > HOUR_MS ? Math.max(HOUR_MS, this.cfg.retention / 10) : this.cfg.retention;
      const sampleEvery = Math.max(100, Math.min(every, this.cfg.retention) / 10);
      this.timer = setInterval(() => void this.periodicRound(every), sampleEvery);
    }
  }

  private lastPeriodic: number | undefined;

  /** One periodic tick: sample, and compact once per period to the revision seen a retention ago. */
  async periodicRound(every: number): Promise<void> {
    const now = this.now();
    this.samples.push({ at: now, rev: this.target.currentRevision() });
    this.lastPeriodic ??= now;
    if (now - this.lastPeriodic < every) return;
    this.lastPeriodic = now;
    const cutoff = now - this.cfg.retention;
    let target: number | undefined;
    while (this.samples.length > 0 && this.samples[0]!.at <= cutoff) target = this.samples.shift()!.rev;
    if (target !== undefined) await this.compactTo(target);
  }

  async revisionRound(): Promise<void> {
    await this.compactTo(this.target.currentRevision() - this.cfg.retention);
  }

  private async compactTo(rev: number): Promise<void> {
    if (!this.target.isLeader() || rev <= 0 || rev <= this.target.compactedRevision()) return;
    try {
      await this.target.compact(rev);
      this.logger.info({ revision: rev, mode: this.cfg.mode }, 'auto-compaction finished');
    } catch (e) {
      this.logger.warn({ revision: rev, err: (e as Error).message }, 'auto-compaction failed; will retry');
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
