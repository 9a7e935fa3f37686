// The failpoints that are armed in this process, and what a site does when it passes one.
//
// A site costs one read of a module-level boolean while nothing is armed, and nothing else:
//
//   if (failpointsActive) await failpoint('raftBeforeSave');
//
// failpointsActive is true exactly while at least one failpoint is armed (any name). failpoint() then looks the
// name up and, if it is armed, runs its term: `panic` never returns, `sleep` returns a promise to await, the
// others return undefined.
import { writeSync } from 'node:fs';
import { FAILPOINT_NAMES, isFailpointName, type FailpointName } from './names.js';
import { FailpointTermError, isOff, parseFailpointSpec, parseTerms, type FailpointAction, type FailpointTerms } from './terms.js';

/** True while any failpoint is armed. Sites read it before anything else; ES modules keep the binding live. */
export let failpointsActive = false;

interface ArmedTerm {
  readonly probability: number | undefined;
  /** Hits left; undefined means no limit. */
  remaining: number | undefined;
  readonly action: FailpointAction;
}

interface Armed {
  readonly source: string;
  readonly chain: ArmedTerm[];
}

const armed = new Map<FailpointName, Armed>();
const hits = new Map<FailpointName, number>();

function refresh(): void {
  failpointsActive = armed.size > 0;
}

function knownName(name: string): FailpointName {
  if (!isFailpointName(name)) throw new FailpointTermError(`unknown failpoint ${JSON.stringify(name)} (known: ${FAILPOINT_NAMES.join(', ')})`);
  return name;
}

function arm(name: FailpointName, terms: FailpointTerms): void {
  if (isOff(terms)) {
    armed.delete(name);
  } else {
    armed.set(name, {
      source: terms.source,
      chain: terms.chain.map((t) => ({ probability: t.probability, remaining: t.count, action: t.action })),
    });
  }
  refresh();
}

/**
 * Arms failpoint `name` with `term` (gofail syntax, see terms.ts); "off" disarms it. Throws FailpointTermError,
 * changing nothing, for an unknown name or a term that does not parse.
 */
export function enableFailpoint(name: string, term: string): void {
  const known = knownName(name);
  arm(known, parseTerms(term));
}

/** Disarms `name`; throws FailpointTermError for an unknown name. Returns whether it was armed. */
export function disableFailpoint(name: string): boolean {
  const was = armed.delete(knownName(name));
  refresh();
  return was;
}

/**
 * Applies a whole setting, `name=term;name=term`, as YAWL_FAILPOINTS holds it. All or nothing: one bad entry
 * throws FailpointTermError and arms none of them. Returns the names it set.
 */
export function applyFailpointSpec(spec: string): FailpointName[] {
  const settings = parseFailpointSpec(spec).map((s) => ({ name: knownName(s.name), terms: s.terms }));
  for (const s of settings) arm(s.name, s.terms);
  return settings.map((s) => s.name);
}

/** The term failpoint `name` is armed with, as it was given, or "off". */
export function failpointTerm(name: string): string {
  return armed.get(knownName(name))?.source ?? 'off';
}

/** Every known failpoint with its term ("off" when disarmed), sorted by name. */
export function listFailpoints(): { name: FailpointName; term: string }[] {
  return FAILPOINT_NAMES.map((name) => ({ name, term: armed.get(name)?.source ?? 'off' }));
}

/** How many times failpoint `name` ran a term since the process started (or since resetFailpoints). */
export function failpointHits(name: FailpointName): number {
  return hits.get(name) ?? 0;
}

/** Disarms everything and forgets the hit counts (tests). */
export function resetFailpoints(): void {
  armed.clear();
  hits.clear();
  refresh();
}

/**
 * Passes failpoint `name`: does nothing unless it is armed; otherwise runs the first term of its chain that
 * takes this hit. Returns a promise only for sleep. Call it only behind `if (failpointsActive)`.
 */
export function failpoint(name: FailpointName): Promise<void> | undefined {
  const fp = armed.get(name);
  if (fp === undefined) return undefined;
  for (const term of fp.chain) {
    if (term.remaining === 0) continue;
    if (term.probability !== undefined && Math.random() >= term.probability) continue;
    if (term.remaining !== undefined) {
      term.remaining -= 1;
      // Every term used up: the failpoint is off from now on (and GET shows it so).
      if (fp.chain.every((t) => t.remaining === 0)) {
        armed.delete(name);
        refresh();
      }
    }
    hits.set(name, (hits.get(name) ?? 0) + 1);
    return run(name, term.action);
  }
  return undefined;
}

function run(name: FailpointName, action: FailpointAction): Promise<void> | undefined {
  switch (action.kind) {
    case 'off':
      return undefined;
    case 'panic':
      return crash(name);
    case 'sleep':
      return new Promise((resolve) => setTimeout(resolve, action.ms));
    case 'print':
      writeStderr(`failpoint ${name}: ${action.message ?? 'hit'}\n`);
      return undefined;
  }
}

/**
 * A crash at this exact point: one line on stderr, then SIGKILL to ourselves. Nothing else runs: no exit
 * handlers, no pending I/O callbacks, no buffered log lines flushed. SIGKILL sent to one's own process is
 * delivered before kill() returns to JavaScript; the wait below only makes sure that, should it not be,
 * this thread still never goes on.
 */
function crash(name: FailpointName): never {
  writeStderr(`failpoint ${name}: panic\n`);
  process.kill(process.pid, 'SIGKILL');
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

/** Synchronous, unlike process.stderr.write to a pipe on some platforms: the line must be out before we die. */
function writeStderr(line: string): void {
  try {
    writeSync(2, line);
  } catch {
    // stderr closed: nothing to tell anyone
  }
}
