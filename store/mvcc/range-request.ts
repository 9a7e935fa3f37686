import type { KeyValue } from './key-value.js';
import { EMPTY_BYTES } from './key-value.js';
import { compareKeys } from './key-range.js';

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

/** The options of etcd's RangeRequest; an absent or zero number means "not set", as in proto3. */
export interface RangeOptions {
  /** Revision to read at; 0 or less means the current one. */
  readonly rev?: number;
  /** Most keys to return; 0 or less means no limit. */
  readonly limit?: number;
  readonly countOnly?: boolean;
  readonly keysOnly?: boolean;
  readonly sortOrder?: SortOrder;
  readonly sortTarget?: SortTarget;
  readonly minModRevision?: number;
  readonly maxModRevision?: number;
  readonly minCreateRevision?: number;
  readonly maxCreateRevision?: number;
}

export interface RangeResult {
  readonly kvs: KeyValue[];
  /** Keys in the range at the read revision, before the limit and before the revision filters. */
  readonly count: number;
  /** More keys were left out by the limit. */
  readonly more: boolean;
  /** The store's (or the write transaction's) current revision, whatever revision was read. */
  readonly rev: number;
}

/*
 * The request-level part of a range, done as etcd 3.4's server does it (etcdserver/apply.go, Range) after the
 * MVCC fetch, so that clients see the same keys, `count` and `more`:
 * 1. with no sort order and no revision filter the fetch is limited to limit + 1 keys (the extra one only
 *    tells whether there are more); otherwise every key in the range is fetched;
 * 2. the min/max mod/create revision filters drop keys (count is not changed: it was taken at the fetch);
 * 3. sort order NONE with a target other than KEY sorts ASCEND, but over the limited fetch of step 1, so such
 *    a request returns the first limit + 1 keys by key, re-sorted by the target, cut to `limit`;
 * 4. the result is cut to `limit`, and `more` says whether that cut anything;
 * 5. keysOnly empties the values.
 */

/** How many keys to fetch from the index for `options`; 0 means all of them. */
export function fetchLimit(options: RangeOptions): number {
  const limit = options.limit ?? 0;
  const fetchesEverything = (options.sortOrder ?? 'NONE') !== 'NONE' || hasRevisionFilter(options);
  if (fetchesEverything || limit <= 0) return 0;
  return limit + 1;
}

/** Steps 2 to 5 above, on the key-values fetched in ascending key order. Leaves `fetched` untouched. */
export function shapeRangeResult(fetched: readonly KeyValue[], options: RangeOptions): { kvs: KeyValue[]; more: boolean } {
  let kvs = fetched.filter((kv) => passesRevisionFilters(kv, options));
  const target = options.sortTarget ?? 'KEY';
  let order = options.sortOrder ?? 'NONE';
  if (order === 'NONE' && target !== 'KEY') order = 'ASCEND';
  if (order !== 'NONE') {
    const compare = TARGET_COMPARATORS[target];
    // TODO(lead): decide whether to copy Go's tie order. etcd sorts with Go's unstable sort.Sort (pdqsort in
    // the go1.19.8 build of 3.4.23), which is insertion sort, hence stable, up to 12 keys. Ours is always
    // stable (ties keep ascending key order, both directions): checked equal to etcd 3.4.23 for 12 keys with
    // ties, different for 13 or more. Matching would mean porting Go's pdqsort, and the order is
    // Go-version dependent anyway.
    kvs.sort(order === 'ASCEND' ? compare : (a, b) => compare(b, a));
  }
  const limit = options.limit ?? 0;
  const more = limit > 0 && kvs.length > limit;
  if (more) kvs = kvs.slice(0, limit);
  if (options.keysOnly) kvs = kvs.map((kv) => ({ ...kv, value: EMPTY_BYTES }));
  return { kvs, more };
}

function hasRevisionFilter(options: RangeOptions): boolean {
  return (
    isSet(options.minModRevision) ||
    isSet(options.maxModRevision) ||
    isSet(options.minCreateRevision) ||
    isSet(options.maxCreateRevision)
  );
}

/** Like etcd, any non-zero bound filters, negative ones included. */
function passesRevisionFilters(kv: KeyValue, options: RangeOptions): boolean {
  const { minModRevision, maxModRevision, minCreateRevision, maxCreateRevision } = options;
  if (isSet(maxModRevision) && kv.modRevision > maxModRevision) return false;
  if (isSet(minModRevision) && kv.modRevision < minModRevision) return false;
  if (isSet(maxCreateRevision) && kv.createRevision > maxCreateRevision) return false;
  if (isSet(minCreateRevision) && kv.createRevision < minCreateRevision) return false;
  return true;
}

function isSet(bound: number | undefined): bound is number {
  return bound !== undefined && bound !== 0;
}

const TARGET_COMPARATORS: Record<SortTarget, (a: KeyValue, b: KeyValue) => number> = {
  KEY: (a, b) => compareKeys(a.key, b.key),
  VERSION: (a, b) => a.version - b.version,
  CREATE: (a, b) => a.createRevision - b.createRevision,
  MOD: (a, b) => a.modRevision - b.modRevision,
  VALUE: (a, b) => compareKeys(a.value, b.value),
};
