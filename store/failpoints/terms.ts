// gofail's term language, the part of it the store's failpoints need:
//
//   Spec   := Entry (";" Entry)*                 raftBeforeSave=panic;applyAfterCommit=sleep(100)
//   Entry  := Name "=" Terms
//   Terms  := Term ("->" Term)*                  2*sleep(50)->panic: sleep on the first two hits, then panic
//   Term   := [Percent "%"] [Count "*"] Action   25%panic, 3*sleep(10), 50%2*print
//   Action := "off" | "panic" | "sleep(" Duration ")" | "print" ["(" text ")"]
//
// A hit runs the first term of the chain that lets it: a term whose count is used up never does again, and a
// term with a percentage lets a hit through with that probability (if not, the next term is asked). Once every
// term has a count and all are used up, the failpoint turns itself off. A Duration is milliseconds (sleep(100))
// or a number with a unit: 100ms, 1.5s. "off" on its own disables the failpoint; inside a chain it is a term
// that does nothing, so 3*off->panic panics on the fourth hit.

export class FailpointTermError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FailpointTermError';
  }
}

export type FailpointAction =
  | { readonly kind: 'off' }
  | { readonly kind: 'panic' }
  | { readonly kind: 'sleep'; readonly ms: number }
  | { readonly kind: 'print'; readonly message: string | undefined };

export interface FailpointTerm {
  /** 0 < probability <= 1; undefined means every hit. */
  readonly probability: number | undefined;
  /** How many hits this term takes before it is used up; undefined means no limit. */
  readonly count: number | undefined;
  readonly action: FailpointAction;
}

export interface FailpointTerms {
  /** The text as given (trimmed): what GET /name answers. */
  readonly source: string;
  readonly chain: readonly FailpointTerm[];
}

/** The longest sleep a term may ask for: long enough to stall a member past any timeout, short of forever. */
export const MAX_SLEEP_MS = 24 * 60 * 60 * 1000;

const TERM = /^(?:(\d+(?:\.\d+)?)%)?(?:(\d+)\*)?([a-z]+)(?:\((.*)\))?$/s;

export function parseTerms(text: string): FailpointTerms {
  const source = text.trim();
  if (source === '') throw new FailpointTermError('empty term (expected e.g. panic, sleep(100), 2*panic, 10%sleep(50) or off)');
  const chain = source.split('->').map((part) => parseTerm(part.trim(), source));
  if (chain.slice(0, -1).some((t) => t.action.kind === 'off' && t.count === undefined && t.probability === undefined)) {
    throw new FailpointTermError(`bad term ${JSON.stringify(source)}: a bare "off" inside a chain would hide every term after it`);
  }
  return { source, chain };
}

/** A term that turns the failpoint off rather than arming it: "off" alone. */
export function isOff(terms: FailpointTerms): boolean {
  return terms.chain.length === 1 && terms.chain[0]!.action.kind === 'off' && terms.chain[0]!.count === undefined && terms.chain[0]!.probability === undefined;
}

function parseTerm(text: string, whole: string): FailpointTerm {
  const bad = (why: string) => new FailpointTermError(`bad term ${JSON.stringify(whole)}: ${why}`);
  const m = TERM.exec(text);
  if (!m) throw bad(`cannot parse ${JSON.stringify(text)} (expected [P%][N*]action, action one of off, panic, sleep(ms), print)`);
  const [, percent, count, name, arg] = m;
  let probability: number | undefined;
  if (percent !== undefined) {
    const p = Number(percent);
    if (!(p > 0 && p <= 100)) throw bad(`probability ${percent}% is not in (0, 100]`);
    probability = p === 100 ? undefined : p / 100;
  }
  let n: number | undefined;
  if (count !== undefined) {
    n = Number(count);
    if (!Number.isSafeInteger(n) || n < 1) throw bad(`count ${count} must be a positive integer`);
  }
  return { probability, count: n, action: parseAction(name!, arg, bad) };
}

function parseAction(name: string, arg: string | undefined, bad: (why: string) => Error): FailpointAction {
  switch (name) {
    case 'off':
    case 'panic':
      if (arg !== undefined) throw bad(`${name} takes no argument`);
      return { kind: name };
    case 'sleep': {
      if (arg === undefined) throw bad('sleep needs a duration: sleep(100) (milliseconds) or sleep(1.5s)');
      return { kind: 'sleep', ms: parseDuration(arg, bad) };
    }
    case 'print':
      return { kind: 'print', message: arg === undefined ? undefined : unquote(arg) };
    default:
      throw bad(`unknown action ${JSON.stringify(name)} (known: off, panic, sleep(ms), print)`);
  }
}

function parseDuration(arg: string, bad: (why: string) => Error): number {
  const m = /^\s*"?(\d+(?:\.\d+)?)(ms|s)?"?\s*$/.exec(arg);
  if (!m) throw bad(`sleep(${arg}): expected milliseconds (sleep(100)) or a duration (sleep(100ms), sleep(2s))`);
  const ms = Math.round(Number(m[1]) * (m[2] === 's' ? 1000 : 1));
  if (ms > MAX_SLEEP_MS) throw bad(`sleep(${arg}) is longer than ${MAX_SLEEP_MS} ms`);
  return ms;
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

export interface FailpointSetting {
  readonly name: string;
  readonly terms: FailpointTerms;
}

/**
 * A whole setting, as YAWL_FAILPOINTS holds it: `name=terms` entries separated by ";" (empty entries are
 * skipped, so a trailing ";" is fine). Names are returned as written; the registry checks them.
 */
export function parseFailpointSpec(text: string): FailpointSetting[] {
  const out: FailpointSetting[] = [];
  for (const raw of text.split(';')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new FailpointTermError(`bad entry ${JSON.stringify(entry)}: expected name=term, e.g. raftBeforeSave=panic`);
    const name = entry.slice(0, eq).trim();
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new FailpointTermError(`bad failpoint name ${JSON.stringify(name)}`);
    if (out.some((s) => s.name === name)) throw new FailpointTermError(`failpoint ${name} is set twice`);
    out.push({ name, terms: parseTerms(entry.slice(eq + 1)) });
  }
  return out;
}
