// Strategic merge patch of lists (k8s.io/apimachinery/pkg/util/strategicpatch mergeSlice and its ordering):
//
// - Lists of maps with a merge key: a patch element whose key matches an element of the live list is merged into
//   it; one with a new key is added. `{$patch: delete, <key>: v}` removes the element(s) with that key;
//   `{$patch: replace}` anywhere in the patch list makes the patch's other elements the whole list.
// - Lists of scalars with the merge strategy are merged as sets (duplicates dropped).
// - Order: the patch's elements come in the patch's order, interleaved with the live-only elements as they
//   stood in the live list. Worked example (Kubernetes docs, "kubectl patch" of a Deployment): live containers
//   [nginx], patch containers [redis] → [redis, nginx]: a new element goes before the live-only ones. With
//   live [a, b, c] and patch [{name: b, ...}], b keeps its place: [a, b, c].
// - `$setElementOrder/<list>` (sent by `kubectl apply`) fixes the order of the elements it names; elements not
//   named keep their live position relative to the named ones (applyElementOrders in strategic-merge-patch.ts).
import { smpErrors } from './errors.js';
import { goFormat } from './go-format.js';
import { hasKey, isObject, type JsonObject } from './json-value.js';
import type { FieldSchema } from '../../api/k8s/schema/types.js';

/** How elements of a list of maps are merged: the map-level strategic merge, supplied by the caller. */
export type MapMerge = (original: JsonObject, patch: JsonObject, schema: FieldSchema | undefined) => JsonObject;

/** Go's reflect kind of the elements of one or more lists, as strategicpatch's sliceElementType sees them. */
export type ElementKind = 'map' | 'string' | 'int64' | 'float64' | 'bool' | 'nil' | 'none';

export function elementKind(...lists: unknown[][]): ElementKind {
  let kind: ElementKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      if (Array.isArray(v)) {
        if (kind === undefined) throw smpErrors.noListOfLists();
        throw smpErrors.other(`list element types are not identical: ${goFormat(lists)}`);
      }
      const k = kindOf(v);
      if (kind === undefined) kind = k;
      else if (kind !== k) throw smpErrors.other(`list element types are not identical: ${goFormat(lists)}`);
    }
  }
  return kind ?? 'none';
}

function kindOf(v: unknown): ElementKind {
  if (v === null || v === undefined) return 'nil';
  if (isObject(v)) return 'map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

/**
 * Merges a patch list into a live list that has patchStrategy merge. `mergeKey` is '' for lists of scalars.
 * Both lists are owned by the caller (already copies); the result is a new array.
 */
export function mergeList(
  original: unknown[],
  patch: unknown[],
  items: FieldSchema | undefined,
  mergeKey: string,
  mergeMap: MapMerge,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return [];
  const kind = elementKind(original, patch);
  let live = original.slice();
  let changes = patch;
  let merged: unknown[];
  if (kind !== 'map') {
    merged = dedupe([...live, ...changes]);
  } else {
    if (mergeKey === '') throw smpErrors.other('cannot merge lists without merge key for type struct');
    ({ live, changes } = applySpecialElements(live, changes as JsonObject[], mergeKey, items, mergeMap));
    merged = mergeByKey(live, changes as JsonObject[], mergeKey, items, mergeMap);
  }
  const [patchItems, serverOnly] = partition(merged, changes, mergeKey, kind);
  return normalizeOrder(patchItems, serverOnly, changes, live, mergeKey, kind);
}

/** Elements of a merge list the live object does not have yet: directive elements dropped, maps cleaned. */
export function freshList(patch: unknown[], items: FieldSchema | undefined, mergeMap: MapMerge): unknown[] {
  const out: unknown[] = [];
  for (const el of patch) {
    if (isObject(el) && hasKey(el, '$patch')) {
      if (el.$patch === 'delete' || el.$patch === 'replace') continue;
      if (el.$patch === 'merge') throw smpErrors.other('merging lists cannot yet be specified in the patch');
      throw smpErrors.badPatchType(el.$patch, el);
    }
    out.push(isObject(el) ? mergeMap({}, el, items) : el);
  }
  return out;
}

function applySpecialElements(
  live: unknown[],
  patch: JsonObject[],
  key: string,
  items: FieldSchema | undefined,
  mergeMap: MapMerge,
): { live: unknown[]; changes: unknown[] } {
  const rest: JsonObject[] = [];
  let replace = false;
  for (const el of patch) {
    if (!hasKey(el, '$patch')) {
      rest.push(el);
      continue;
    }
    switch (el.$patch) {
      case 'delete':
        if (!hasKey(el, key)) throw smpErrors.noMergeKey(el, key);
        live = live.filter((o) => !(isObject(o) && hasKey(o, key) && o[key] === el[key]));
        break;
      case 'replace':
        replace = true;
        break;
      case 'merge':
        throw smpErrors.other('merging lists cannot yet be specified in the patch');
      default:
        throw smpErrors.badPatchType(el.$patch, el);
    }
  }
  if (replace) return { live: rest.map((el) => mergeMap({}, el, items)), changes: [] };
  return { live, changes: rest };
}

function mergeByKey(live: unknown[], patch: JsonObject[], key: string, items: FieldSchema | undefined, mergeMap: MapMerge): unknown[] {
  const out = live.slice();
  for (const el of patch) {
    if (!hasKey(el, key)) throw smpErrors.noMergeKey(el, key);
    const i = out.findIndex((o) => isObject(o) && hasKey(o, key) && o[key] === el[key]);
    if (i >= 0) out[i] = mergeMap(out[i] as JsonObject, el, items);
    else out.push(mergeMap({}, el, items));
  }
  return out;
}

function dedupe(values: unknown[]): unknown[] {
  const seen = new Set<unknown>();
  return values.filter((v) => (seen.has(v) ? false : (seen.add(v), true)));
}

/** Splits `list` into the elements `by` mentions (by merge key, or by value for scalars) and the others. */
export function partition(list: unknown[], by: unknown[], key: string, kind: ElementKind): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  if (kind !== 'map' || key === '') {
    const set = new Set(by);
    for (const v of list) (set.has(v) ? inPatch : serverOnly).push(v);
    return [inPatch, serverOnly];
  }
  for (const v of list) {
    if (!isObject(v)) throw smpErrors.badArgType('map[string]interface {}', v);
    if (!hasKey(v, key)) throw smpErrors.noMergeKey(v, key);
    const found = by.some((b, i) => {
      if (!isObject(b)) throw smpErrors.other(`value for key ${i} is not a map.`);
      return hasKey(b, key) && b[key] === v[key];
    });
    (found ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

/**
 * strategicpatch's normalizeElementOrder: patch items sorted by `patchOrder`, live-only items by `serverOrder`,
 * then interleaved: a live-only item goes first only while it stood before the next patch item in the live list.
 */
export function normalizeOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  key: string,
  kind: ElementKind,
): unknown[] {
  const right = sortByOrder(patchItems, patchOrder, key, kind);
  const left = sortByOrder(serverOnly, serverOrder, key, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], key, kind);
      const ri = indexIn(serverOrder, right[j], key, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function sortByOrder(list: unknown[], order: unknown[], key: string, kind: ElementKind): unknown[] {
  let keep = list;
  let deleted: unknown[] = [];
  if (kind === 'map') {
    for (const v of [...list, ...order]) {
      if (!isObject(v)) throw smpErrors.badArgType('map[string]interface {}', v);
      if (!hasKey(v, key)) throw smpErrors.noMergeKey(v, key);
    }
    keep = list.filter((v) => (v as JsonObject).$patch !== 'delete');
    deleted = list.filter((v) => (v as JsonObject).$patch === 'delete');
  }
  const ranked = keep.map((v, n) => ({ v, n, at: indexIn(order, v, key, kind) }));
  ranked.sort((a, b) => {
    if (a.at >= 0 && b.at >= 0) return a.at - b.at || a.n - b.n;
    if (a.at >= 0 !== b.at >= 0) return a.at >= 0 ? -1 : 1;
    return a.n - b.n;
  });
  return [...ranked.map((r) => r.v), ...deleted];
}

function indexIn(list: unknown[], item: unknown, key: string, kind: ElementKind): number {
  if (kind === 'map') {
    const want = isObject(item) ? item[key] : undefined;
    return list.findIndex((v) => (isObject(v) ? v[key] : undefined) === want);
  }
  return list.indexOf(item);
}

/** Go's mergeKeyValueEqual: scalars compare by value, maps by their merge key (which both must have). */
export function mergeKeyValueEqual(left: unknown, right: unknown, key: string): boolean {
  if (key === '') return left === right;
  if (!isObject(left)) throw smpErrors.badArgType('map[string]interface {}', left);
  if (!isObject(right)) throw smpErrors.badArgType('map[string]interface {}', right);
  if (!hasKey(left, key)) throw smpErrors.noMergeKey(left, key);
  if (!hasKey(right, key)) throw smpErrors.noMergeKey(right, key);
  return left[key] === right[key];
}
