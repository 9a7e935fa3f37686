// Every checker over one run's history. Pure functions of history.json, so a run can be re-checked offline.
// Order: what clients saw first (linearizability, the strongest and most telling), then the watch stream, then
// durability (which trusts a watch history the watch checker has vetted), then the members' final agreement.
import type { CheckResult, History } from '../history/types.js';
import { checkConvergence } from './convergence.js';
import { checkAcknowledgedWrites } from './durability.js';
import { checkLinearizability, type LinearizabilityOptions } from './linearizability.js';
import { checkWatches } from './watch.js';

export interface CheckOptions {
  linearizability?: LinearizabilityOptions;
}

export function checkHistory(history: History, options: CheckOptions = {}): CheckResult[] {
  return [
    checkLinearizability(history, options.linearizability),
    checkWatches(history),
    checkAcknowledgedWrites(history),
    checkConvergence(history),
  ];
}

export { checkConvergence } from './convergence.js';
export { checkAcknowledgedWrites } from './durability.js';
export { checkLinearizability, type LinearizabilityOptions } from './linearizability.js';
export { checkWatches } from './watch.js';
