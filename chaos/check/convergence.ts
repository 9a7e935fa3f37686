// After the faults heal, every member must end in the same place: answering, at one revision, with the same
// HashKV (hash, hashRevision, compactRevision). Differing hashes at one revision mean members applied the same log
// to different states, which no other checker may notice if no client happened to read the difference.
import type { CheckResult, History, MemberFinalState } from '../history/types.js';
import { checkResult } from './report.js';

export const CONVERGENCE = 'convergence';

export function checkConvergence(history: History): CheckResult {
  const members = history.final;
  if (members.length === 0) return checkResult(CONVERGENCE, ['no member final state was recorded'], '');
  const violations: string[] = [];
  for (const member of members) {
    if (member.error) violations.push(`${member.name} did not answer at the end: ${member.error}`);
    else if (!member.hashKV) violations.push(`${member.name} has no HashKV`);
  }
  const answered = members.filter((m) => !m.error);
  if (new Set(answered.map((m) => m.revision)).size > 1) {
    violations.push(`members differ in revision: ${answered.map((m) => `${m.name} ${m.revision}`).join(', ')}`);
  }
  const hashed = answered.filter((m) => m.hashKV);
  if (hashed.length > 0) {
    const hashes = (what: string, value: (m: MemberFinalState) => number) => {
      const values = new Set(hashed.map(value));
      if (values.size > 1) violations.push(`members differ in HashKV ${what}: ${hashed.map((m) => `${m.name} ${value(m)}`).join(', ')}`);
    };
    hashes('hash', (m) => m.hashKV!.hash);
    hashes('hashRevision', (m) => m.hashKV!.hashRevision);
    hashes('compactRevision', (m) => m.hashKV!.compactRevision);
  }
  const first = answered[0];
  return checkResult(
    CONVERGENCE,
    violations,
    `${members.length} members at revision ${first?.revision} with HashKV ${first?.hashKV?.hash} (compacted at ${first?.hashKV?.compactRevision})`,
  );
}
