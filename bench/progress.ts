// A progress bar on stderr, redrawn a few times a second, and only when stderr is a terminal: piped or redirected
// output (CI logs, `--json > file`) gets nothing from here.

export interface Progress {
  /** n more units done. */
  add(n?: number): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

/** Anything with the parts of a tty.WriteStream this needs. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export const NO_PROGRESS: Progress = { add() {}, finish() {} };

/** ` 150 / 300 [=========>         ]  50.00% 1.2s`, fitted into `width` columns. */
export function renderProgress(label: string, done: number, total: number, elapsedMs: number, width = 80): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const count = `${String(done).padStart(String(total).length)} / ${total}`;
  const tail = `${(fraction * 100).toFixed(2).padStart(6)}% ${(elapsedMs / 1000).toFixed(1)}s`;
  const head = label ? `${label} ${count}` : count;
  const barWidth = Math.max(10, width - head.length - tail.length - 5);
  const filled = Math.floor(fraction * barWidth);
  const bar = fraction >= 1 ? '='.repeat(barWidth) : '='.repeat(filled) + '>' + ' '.repeat(barWidth - filled - 1);
  return `${head} [${bar}] ${tail}`;
}

export interface ProgressOptions {
  readonly stream?: ProgressStream;
  readonly intervalMs?: number;
  readonly now?: () => number;
}

export function createProgress(label: string, total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (!stream.isTTY) return NO_PROGRESS;
  const now = options.now ?? (() => performance.now());
  const started = now();
  let done = 0;
  let finished = false;
  const draw = (): void => {
    stream.write(`\r${renderProgress(label, done, total, now() - started, (stream.columns || 80) - 1)}`);
  };
  const timer = setInterval(draw, options.intervalMs ?? 200);
  timer.unref();
  draw();
  return {
    add(n = 1) {
      done += n;
    },
    finish() {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      draw();
      stream.write('\n');
    },
  };
}
