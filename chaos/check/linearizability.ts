// Linearizability of the whole run: a Wing & Gong search per partition against the key-value model, plus the
// global revision-order check that catches staleness across partitions. Indeterminate writes are first settled
// from the watch history where it can (watch-patch.ts) because each one left open multiplies the search.
import type { CheckResult, History, Operation, Request, Response } from '../history/types.js';
import { describeOperation, formatTime } from './describe.js';
import { kvModel } from './models.js';
import { partitionOperations } from './partition.js';
import { checkResult } from './report.js';
import { checkRevisionOrder } from './revision-order.js';
import { mergeWatchHistory } from './watch-history.js';
import { patchIndeterminateWrites } from './watch-patch.js';
import { DEFAULT_MAX_STEPS, searchLinearization, type WglOperation, type WglResult } from './wgl.js';

export interface LinearizabilityOptions {
  /** Search steps allowed per partition before its verdict is "unknown" (a failure). */
  maxSteps?: number;
  /** Settle indeterminate writes from the merged watch history before searching (default true). */
  patchFromWatches?: boolean;
}

export const LINEARIZABILITY = 'linearizability';

export function checkLinearizability(history: History, options: LinearizabilityOptions = {}): CheckResult {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  let operations = history.operations;
  let settled = '';
  let appliedPerWatch = new Set<number>();
  if (options.patchFromWatches ?? true) {
    const patch = patchIndeterminateWrites(history, mergeWatchHistory(history));
    operations = patch.operations;
    appliedPerWatch = new Set(patch.applied);
    const total = patch.applied.length + patch.notApplied.length + patch.open.length;
    if (total > 0) settled = `; ${total} indeterminate writes: ${patch.applied.length} applied and ${patch.notApplied.length} not applied per the watch, ${patch.open.length} left open`;
  }

  const { partitions, problems } = partitionOperations(operations);
  const malformed = operations.filter((op) => op.return !== null && op.return < op.call);
  const violations: string[] = malformed.map((op) => `${describeOperation(op)} returns before its call`);
  const bad = new Set(malformed.map((op) => op.id));
  let steps = 0;
  let checked = 0;
  for (const partition of partitions) {
    const ops = partition.operations.filter((op) => !bad.has(op.id));
    checked += ops.length;
    const result = searchLinearization(kvModel, ops.map(toWglOperation), { maxSteps });
    steps += result.steps;
    if (result.verdict !== 'ok') {
      // Described as recorded, not as patched, with the watch's verdict beside it.
      const describe = (id: number) => {
        const recorded = history.operations.find((op) => op.id === id);
        const text = recorded ? describeOperation(recorded) : `#${id}`;
        const patched = appliedPerWatch.has(id) ? ops.find((op) => op.id === id)?.response : undefined;
        return patched ? `${text} (applied at revision ${patched.revision} per the watch)` : text;
      };
      violations.push(explainFailure(partition.name, ops.length, result, maxSteps, describe));
    }
  }
  violations.push(...problems, ...checkRevisionOrder(history.operations, history.watches));
  return checkResult(
    LINEARIZABILITY,
    violations,
    `${checked} operations in ${partitions.length} partitions linearizable (${steps} search steps)${settled}`,
  );
}

function toWglOperation(op: Operation): WglOperation<Request, Response> {
  const known = op.response !== undefined;
  return {
    id: op.id,
    call: op.call,
    // An operation without an answer may have taken effect any time after its call, even after the client gave up.
    return: known && op.return !== null ? op.return : Infinity,
    optional: !known,
    input: op.request,
    output: op.response,
  };
}

function explainFailure(
  name: string,
  size: number,
  result: Exclude<WglResult, { verdict: 'ok' }>,
  maxSteps: number,
  describe: (id: number) => string,
): string {
  const { witness } = result;
  const head =
    result.verdict === 'unknown'
      ? `${name}: verdict unknown, the search gave up after ${maxSteps} steps (raise maxSteps); so far`
      : `${name}: not linearizable;`;
  const last = witness.prefix.slice(-3).map((id) => `#${id}`).join(', ');
  const prefix =
    witness.prefix.length === 0 && result.verdict === 'illegal'
      ? 'no operation can go first'
      : `the search got furthest with ${witness.prefix.length} of ${size} operations linearized (ending ${last}), leaving ${witness.state}`;
  const blocked = witness.blocked.map((b) => `${describe(b.id)}: ${b.reason}`).join('; ');
  const by = witness.deadline && witness.deadline.return !== Infinity ? witness.deadline : undefined;
  const deadline = by ? ` None fits, yet #${by.id} had to take effect by ${formatTime(by.return)}, when it returned.` : ' None fits.';
  return `${head} ${prefix}. Next could only be: ${blocked}.${deadline}`;
}
