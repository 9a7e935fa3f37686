import { ErrRevisionNotFound, invariant } from './errors.js';
import { type Revision, type RevisionSet, ZERO_REVISION, formatRevision, isAfter } from './revision.js';

/**
 * One life of a key: from the put that created it to the tombstone that deleted it (the open, last generation
 * has no tombstone yet). `version` counts every revision ever added to the generation, tombstone included, and
 * is not reduced by compaction, so the version at any kept revision can still be derived from it.
 */
interface Generation {
  created: Revision;
  version: number;
  revisions: Revision[];
}

/** What the index knows about a key at some revision. */
export interface KeyRevisions {
  /** The revision of the key's latest change at or before the asked revision. */
  readonly modified: Revision;
  /** The revision of the put that started the key's current generation. */
  readonly created: Revision;
  /** 1 for the creating put, +1 per later put in the same generation. */
  readonly version: number;
}

/**
 * The revisions of one key, grouped in generations (etcd's keyIndex). A delete closes the current generation
 * by appending its tombstone revision and opens an empty one; compaction drops what no reader at or after the
 * compacted revision can see any more.
 *
 * Worked example (repeated in key-index.test.ts): key "k" gets put(2), put(4), delete(6), put(8), put(9):
 *
 *     generations  {2.0 4.0 6.0(t)} {8.0 9.0}
 *     get(5) -> modified 4.0, created 2.0, version 2
 *     get(6), get(7) -> not found (deleted at 6, recreated at 8)
 *     get(9) -> modified 9.0, created 8.0, version 2
 *
 * Compacting keeps, for a reader at the compacted revision, the latest revision at or below it, unless that
 * is a tombstone; whole generations below it go:
 *
 *     compact(3)   {2.0 4.0 6.0(t)} {8.0 9.0}   keeps 2.0 (a reader at 3 sees the value written at 2)
 *     compact(5)   {4.0 6.0(t)} {8.0 9.0}       keeps 4.0
 *     compact(7)   {8.0 9.0}                    keeps nothing: at 7 the key does not exist
 *     compact(8)   {8.0 9.0}                    keeps 8.0
 *     compact(9)   {9.0}                        keeps 9.0; get(9) still answers version 2
 *     delete(10)   {9.0 10.0(t)} {}
 *     compact(10)  {}                           empty: the tree index drops the key
 */
export class KeyIndex {
  readonly key: Uint8Array;
  private modified: Revision = ZERO_REVISION;
  private generations: Generation[] = [emptyGeneration()];

  constructor(key: Uint8Array) {
    this.key = key;
  }

  /** Rebuilds a key from its latest stored revision, when earlier history is gone (restart after compaction). */
  static restored(key: Uint8Array, created: Revision, modified: Revision, version: number): KeyIndex {
    const index = new KeyIndex(key);
    index.generations = [{ created, version, revisions: [modified] }];
    index.modified = modified;
    return index;
  }

  put(rev: Revision): void {
    invariant(isAfter(rev, this.modified), `put ${formatRevision(rev)} not after ${formatRevision(this.modified)}`);
    const current = this.currentGeneration();
    if (current.revisions.length === 0) current.created = rev;
    current.revisions.push(rev);
    current.version++;
    this.modified = rev;
  }

  /** Closes the live generation with a tombstone at `rev`; throws ErrRevisionNotFound if the key is not live. */
  tombstone(rev: Revision): void {
    if (this.currentGeneration().revisions.length === 0) throw new ErrRevisionNotFound();
    this.put(rev);
    this.generations.push(emptyGeneration());
  }

  /** The key as a reader at main revision `atRev` sees it, or undefined if it does not exist then. */
  get(atRev: number): KeyRevisions | undefined {
    const generation = this.generationLiveAt(atRev);
    if (generation === undefined) return undefined;
    const at = latestAtOrBefore(generation.revisions, atRev);
    invariant(at >= 0, 'a live generation holds a revision at or before the asked one');
    const laterInGeneration = generation.revisions.length - 1 - at;
    return { modified: generation.revisions[at]!, created: generation.created, version: generation.version - laterInGeneration };
  }

  /**
   * Revisions with main >= `rev`, ascending, one per main revision (the highest sub), because a reader outside
   * a transaction sees only its final effect on the key.
   */
  since(rev: number): Revision[] {
    const result: Revision[] = [];
    for (const generation of this.generations) {
      for (const r of generation.revisions) {
        if (r.main < rev) continue;
        const last = result[result.length - 1];
        if (last !== undefined && last.main === r.main) result[result.length - 1] = r;
        else result.push(r);
      }
    }
    return result;
  }

  /**
   * Drops every revision at or below `atRev` except the latest one, which a reader at `atRev` still needs; a
   * tombstone is not needed (the key does not exist there), nor are whole generations before it. The kept
   * revision is added to `available`, the set of revisions the backend must not delete.
   */
  compact(atRev: number, available: RevisionSet): void {
    invariant(!this.isEmpty(), 'compact of an empty key index');
    const { generationIndex, revisionIndex } = this.findCompactionPoint(atRev, available);
    const generation = this.generations[generationIndex]!;
    if (revisionIndex > 0) generation.revisions = generation.revisions.slice(revisionIndex);
    this.generations = this.generations.slice(generationIndex);
  }

  /** Adds to `available` what compact(atRev) would keep, without changing anything (for HashKV). */
  keep(atRev: number, available: RevisionSet): void {
    if (!this.isEmpty()) this.findCompactionPoint(atRev, available);
  }

  /** True when no revision is left: nothing was ever written, or compaction removed everything. */
  isEmpty(): boolean {
    return this.generations.length === 1 && this.generations[0]!.revisions.length === 0;
  }

  /** The generations as text, e.g. "{2.0 4.0 6.0(t)} {8.0 9.0}"; a trailing "{}" means the key is deleted. */
  describe(): string {
    const last = this.generations.length - 1;
    const describeGeneration = (generation: Generation, i: number): string => {
      const revs = generation.revisions.map(formatRevision);
      if (i !== last) revs[revs.length - 1] += '(t)';
      return `{${revs.join(' ')}}`;
    };
    return this.generations.map(describeGeneration).join(' ');
  }

  private currentGeneration(): Generation {
    return this.generations[this.generations.length - 1]!;
  }

  /** The generation holding the key's state at `atRev`, or undefined when the key is deleted or not yet made. */
  private generationLiveAt(atRev: number): Generation | undefined {
    const last = this.generations.length - 1;
    for (let i = last; i >= 0; i--) {
      const generation = this.generations[i]!;
      const revs = generation.revisions;
      if (revs.length === 0) continue;
      if (i !== last && revs[revs.length - 1]!.main <= atRev) return undefined; // its tombstone is visible
      if (revs[0]!.main <= atRev) return generation;
    }
    return undefined;
  }

  /**
   * The generation a reader at `atRev` lives in (the first one whose tombstone is above `atRev`, else the open
   * one) and the index in it of the latest revision at or below `atRev` (-1 if none), which goes into
   * `available`. That revision is never a tombstone, because the tombstone of the generation found is above
   * `atRev`; so, unlike etcd's keyIndex, no step has to take a lone tombstone back out of `available`.
   */
  private findCompactionPoint(atRev: number, available: RevisionSet): { generationIndex: number; revisionIndex: number } {
    let generationIndex = 0;
    while (generationIndex < this.generations.length - 1) {
      const revs = this.generations[generationIndex]!.revisions;
      if (revs[revs.length - 1]!.main > atRev) break;
      generationIndex++;
    }
    const revs = this.generations[generationIndex]!.revisions;
    const revisionIndex = latestAtOrBefore(revs, atRev);
    if (revisionIndex >= 0) available.add(revs[revisionIndex]!);
    return { generationIndex, revisionIndex };
  }
}

function emptyGeneration(): Generation {
  return { created: ZERO_REVISION, version: 0, revisions: [] };
}

function latestAtOrBefore(revs: readonly Revision[], atRev: number): number {
  for (let i = revs.length - 1; i >= 0; i--) {
    if (revs[i]!.main <= atRev) return i;
  }
  return -1;
}
