// Revisions as the per-partition model sees them. Revisions are global but a partition sees only its own
// operations, so the model cannot know the store's revision, only bound it: every operation linearized in a
// partition happened at a revision at least as high as everything linearized before it, and a write at a strictly
// higher one. A write that may or may not have taken effect, once the search lets it take effect, made a revision
// nobody told us: it is kept as an interval that later revisions narrow and a later read can pin exactly (the
// key's modRevision or createRevision).
//
// Example: floor 7, an unknown put U makes unknown (7, ∞] and floor 8; a put answered with revision 12 caps U to
// (7, 11] and sets floor 12; a read then reporting createRevision 9 for U's key pins U to 9.

/** A known revision (>= 0), or -(i + 1) for the i-th unknown revision of the clock. */
export type Rev = number;

/** An unknown revision r with above < r <= atMost. */
export interface Bounds {
  readonly above: number;
  readonly atMost: number;
}

export interface RevisionClock {
  /** The least the store's revision can be at this point of the linearization. */
  readonly floor: number;
  /** Unknown revisions still referred to by the model's state, in linearization order (so increasing). */
  readonly unknowns: readonly Bounds[];
}

export const initialClock: RevisionClock = { floor: 0, unknowns: [] };

export function isKnown(rev: Rev): boolean {
  return rev >= 0;
}

export function boundsOf(clock: RevisionClock, rev: Rev): Bounds {
  return isKnown(rev) ? { above: rev - 1, atMost: rev } : clock.unknowns[-rev - 1]!;
}

export function describeRev(clock: RevisionClock, rev: Rev): string {
  if (isKnown(rev)) return String(rev);
  const { above, atMost } = boundsOf(clock, rev);
  return `?(${above + 1}..${atMost === Infinity ? '' : atMost})`;
}

/** A read answered at `revision`: the store was at exactly that revision at this point. */
export function observe(clock: RevisionClock, revision: number): RevisionClock | undefined {
  if (revision < clock.floor) return undefined;
  const unknowns = capAll(clock.unknowns, revision);
  return unknowns && { floor: revision, unknowns };
}

/** A write: a new revision, `revision` when the answer is known. */
export function advance(clock: RevisionClock, revision: number | undefined): { clock: RevisionClock; rev: Rev } | undefined {
  if (revision === undefined) {
    const unknowns = [...clock.unknowns, { above: clock.floor, atMost: Infinity }];
    return { clock: { floor: clock.floor + 1, unknowns }, rev: -unknowns.length };
  }
  if (revision <= clock.floor) return undefined;
  const unknowns = capAll(clock.unknowns, revision - 1);
  return unknowns && { clock: { floor: revision, unknowns }, rev: revision };
}

/** A read reported `revision` for something the state holds as `rev`. */
export function pin(clock: RevisionClock, rev: Rev, revision: number): RevisionClock | undefined {
  if (isKnown(rev)) return rev === revision ? clock : undefined;
  const index = -rev - 1;
  const bounds = clock.unknowns[index]!;
  if (!(bounds.above < revision && revision <= bounds.atMost)) return undefined;
  const unknowns = clock.unknowns.map((other, i) => {
    if (i < index) return other.atMost < revision ? other : { above: other.above, atMost: revision - 1 };
    if (i > index) return other.above >= revision ? other : { above: revision, atMost: other.atMost };
    return { above: revision - 1, atMost: revision };
  });
  if (unknowns.some((u) => u.atMost <= u.above)) return undefined;
  return { floor: Math.max(clock.floor, revision), unknowns };
}

/**
 * Drops unknowns nothing refers to and turns those narrowed to one value into numbers, so that states that differ
 * only in forgotten history hash alike. `rename` maps the old references to the new ones.
 */
export function settle(clock: RevisionClock, referenced: Iterable<Rev>): { clock: RevisionClock; rename: (rev: Rev) => Rev } {
  if (clock.unknowns.length === 0) return { clock, rename: (rev) => rev };
  const used = new Uint8Array(clock.unknowns.length);
  for (const rev of referenced) if (!isKnown(rev)) used[-rev - 1] = 1;
  const newIndex: number[] = [];
  const unknowns: Bounds[] = [];
  clock.unknowns.forEach((bounds, i) => {
    if (used[i] && bounds.atMost !== bounds.above + 1) {
      newIndex[i] = unknowns.length;
      unknowns.push(bounds);
    }
  });
  const rename = (rev: Rev): Rev => {
    if (isKnown(rev)) return rev;
    const i = -rev - 1;
    const bounds = clock.unknowns[i]!;
    return bounds.atMost === bounds.above + 1 ? bounds.atMost : -(newIndex[i]! + 1);
  };
  return { clock: { floor: clock.floor, unknowns }, rename };
}

function capAll(unknowns: readonly Bounds[], max: number): readonly Bounds[] | undefined {
  if (unknowns.every((u) => u.atMost <= max)) return unknowns;
  if (unknowns.some((u) => u.above >= max)) return undefined;
  return unknowns.map((u) => (u.atMost <= max ? u : { above: u.above, atMost: max }));
}
