// One way to turn a list of violations into a CheckResult, so every checker caps and summarises alike: a person
// reads the first violation in the summary line and at most a few dozen below it.
import type { CheckResult } from '../history/types.js';

const MAX_VIOLATIONS = 30;

export function checkResult(name: string, violations: readonly string[], passSummary: string): CheckResult {
  if (violations.length === 0) return { name, ok: true, summary: passSummary, violations: [] };
  const shown = violations.slice(0, MAX_VIOLATIONS);
  if (violations.length > MAX_VIOLATIONS) shown.push(`… and ${violations.length - MAX_VIOLATIONS} more`);
  const summary = violations.length === 1 ? violations[0]! : `${violations.length} violations; first: ${violations[0]}`;
  return { name, ok: false, summary, violations: shown };
}
