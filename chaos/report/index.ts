// The report of a chaos run: numbers (stats), the terminal summary, the HTML page, and writing history.json and
// report.html into the run's report directory.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CheckResult, History } from '../history/types.js';
import { renderHtml } from './html.js';

export * from './stats.js';
export { renderSummary, overallVerdict, runWarnings, type SummaryOptions, type SummaryPaths, type Verdict } from './summary.js';
export { renderHtml, mergePoints, DEFAULT_MAX_POINTS, type HtmlOptions } from './html.js';
export { escapeHtml, describeRequest, formatMs, formatSeconds } from './format.js';

export const HISTORY_FILE = 'history.json';
export const HTML_FILE = 'report.html';

/** Above this many characters of compact JSON, history.json is written compact rather than indented. */
export const PRETTY_JSON_LIMIT = 4 * 1024 * 1024;

/** history.json's text: indented for a person to read, or compact when the history is large. */
export function serializeHistory(history: History): string {
  const compact = JSON.stringify(history);
  return `${compact.length <= PRETTY_JSON_LIMIT ? JSON.stringify(history, null, 2) : compact}\n`;
}

/** Writes history.json and report.html into dir (created if missing) and returns their absolute paths. */
export async function writeReport(
  dir: string,
  history: History,
  results: CheckResult[],
): Promise<{ historyPath: string; htmlPath: string }> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const historyPath = join(root, HISTORY_FILE);
  const htmlPath = join(root, HTML_FILE);
  await writeFile(historyPath, serializeHistory(history));
  await writeFile(htmlPath, renderHtml(history, results));
  return { historyPath, htmlPath };
}
