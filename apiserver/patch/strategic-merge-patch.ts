// Kubernetes strategic merge patch (application/strategic-merge-patch+json), applied the way the apiserver's
// StrategicMergeMapPatch does, with the kind's schema in place of Go struct tags:
//
// - maps merge recursively; a null value deletes the field;
// - lists: see strategic-list.ts (merge by key, scalar sets, or replace when the schema gives no merge strategy
//   or the field is unknown);
// - `$patch: replace` on a map replaces it with the patch's other fields; `$patch: delete` makes it empty ({}),
//   as Kubernetes does (a null value is what removes a field);
// - `$retainKeys: [...]` clears the fields of the live map not listed (the patch's own non-null fields must be
//   listed, or 400); kubectl sends it for retainKeys structs (volume sources, Deployment strategy);
// - `$setElementOrder/<list>: [...]` orders the merged list (objects holding only the merge key, or scalars);
// - `$deleteFromPrimitiveList/<list>: [...]` removes scalars from a merge list.
// Directive keys never reach the result. Fields unknown to the schema merge as plain maps and replace as lists.
//
// Differences from the Go code, all where Go leaves directives or nulls in the result because it expects the
// typed decoding afterwards to drop them: a field the live object lacks is built by merging the patch into an
// empty value (so nested nulls and directives vanish), and a deletion list for a missing field is ignored.
import type { FieldSchema, ObjectSchema } from '../../api/k8s/schema/types.js';
import { patchErrors, smpErrors } from './errors.js';
import { cloneJson, hasKey, isObject, setKey, type JsonObject } from './json-value.js';
import { elementKind, freshList, mergeKeyValueEqual, mergeList, normalizeOrder, partition } from './strategic-list.js';
import { goFormat } from './go-format.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

/** Applies a strategic merge patch to `original` under the kind's root schema; the inputs are not changed. */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: ObjectSchema): unknown {
  if (patch === null) return cloneJson(original);
  if (!isObject(patch)) {
    const kind = Array.isArray(patch) ? 'array' : typeof patch === 'boolean' ? 'bool' : typeof patch;
    throw patchErrors.badRequest(`json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
  }
  const live = isObject(original) ? cloneJson(original) : {};
  return mergeMap(live, cloneJson(patch), schema);
}

/** Merges `patch` into `original` (both owned copies, changed in place) and returns the merged map. */
function mergeMap(original: JsonObject, patch: JsonObject, schema: FieldSchema | undefined): JsonObject {
  if (hasKey(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === 'replace') {
      delete patch[DIRECTIVE];
      return mergeMap({}, patch, schema);
    }
    if (directive === 'delete') return {};
    throw smpErrors.badPatchType(directive, patch);
  }
  applyRetainKeys(original, patch);
  applyElementOrders(original, patch, schema);
  const deletions: [string, unknown][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) deletions.push([key, value]);
    else mergeField(original, key, value, schema);
  }
  for (const [key, value] of deletions) deleteFromList(original, extractKey(key, DELETE_FROM_PRIMITIVE_LIST), value);
  return original;
}

function mergeField(original: JsonObject, key: string, value: unknown, schema: FieldSchema | undefined): void {
  const field = childSchema(schema, key);
  if (value === null) {
    delete original[key];
    return;
  }
  const live = hasKey(original, key) ? original[key] : undefined;
  if (isObject(live) && isObject(value)) setKey(original, key, mergeMap(live, value, field));
  else if (Array.isArray(live) && Array.isArray(value)) setKey(original, key, mergeListField(live, value, field));
  else setKey(original, key, fresh(value, field));
}

function mergeListField(live: unknown[], patch: unknown[], field: FieldSchema | undefined): unknown[] {
  const s = listStrategy(field);
  if (!s.merge) return patch;
  return mergeList(live, patch, s.items, s.mergeKey, mergeMap);
}

/** A patch value for a field the live object lacks (or has with another type): merged into an empty value. */
function fresh(value: unknown, field: FieldSchema | undefined): unknown {
  if (isObject(value)) return mergeMap({}, value, field);
  if (Array.isArray(value)) {
    const s = listStrategy(field);
    return s.merge ? freshList(value, s.items, mergeMap) : value;
  }
  return value;
}

function deleteFromList(original: JsonObject, key: string, values: unknown): void {
  if (values === null) {
    delete original[key];
    return;
  }
  if (!Array.isArray(values)) throw smpErrors.badPrimitiveList();
  const live = hasKey(original, key) ? original[key] : undefined;
  if (!Array.isArray(live)) return;
  const drop = new Set(values);
  setKey(original, key, live.filter((v) => !drop.has(v)));
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasKey(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw smpErrors.badRetainKeys();
  const keep = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw smpErrors.badRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/**
 * `$setElementOrder/<list>`: merges the list now (the patch's list, if any, is consumed) and orders the result:
 * named elements in the directive's order, the others where they stood in the live list relative to them.
 */
function applyElementOrders(original: JsonObject, patch: JsonObject, schema: FieldSchema | undefined): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw smpErrors.badArgType('[]interface {}', order);
    const key = extractKey(directiveKey, SET_ELEMENT_ORDER);
    const s = listStrategy(childSchema(schema, key));
    // Only merge lists are reordered; a replaced list already comes in the patch's order.
    if (!s.merge) continue;
    const inLive = hasKey(original, key);
    const inPatch = hasKey(patch, key);
    const live = original[key];
    const change = patch[key];
    if (inLive && !Array.isArray(live)) throw smpErrors.badArgType('[]interface {}', live);
    if (inPatch && !Array.isArray(change)) throw smpErrors.badArgType('[]interface {}', change);
    const liveList = inLive ? (live as unknown[]) : [];
    const patchList = inPatch ? (change as unknown[]) : [];
    checkOrderMatchesPatch(patchList, order, s.mergeKey);
    let merged: unknown[];
    if (inLive && inPatch) merged = mergeList(liveList, patchList, s.items, s.mergeKey, mergeMap);
    else if (inPatch) merged = freshList(patchList, s.items, mergeMap);
    else if (inLive) merged = liveList;
    else continue;
    delete patch[key];
    const kind = elementKind(liveList, patchList);
    if (kind === 'none') {
      setKey(original, key, merged);
      continue;
    }
    const [named, others] = partition(merged, order, s.mergeKey, kind);
    setKey(original, key, normalizeOrder(named, others, order, liveList, s.mergeKey, kind));
  }
}

/** strategicpatch's validatePatchWithSetOrderList: the patch list's elements, in order, must all be named. */
function checkOrderMatchesPatch(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey !== '') {
    for (const v of patchList) if (!isObject(v)) throw smpErrors.badArgType('map[string]interface {}', v);
    items = patchList.filter((v) => (v as JsonObject)[DIRECTIVE] !== 'delete');
  }
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (isObject(item) && hasKey(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[o], mergeKey)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw smpErrors.other(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`,
    );
  }
}

/** "$setElementOrder/containers" → "containers"; a malformed directive key is a 400. */
function extractKey(directiveKey: string, prefix: string): string {
  const slash = directiveKey.indexOf('/');
  if (slash < 0 || directiveKey.slice(0, slash) !== prefix) {
    throw prefix === DELETE_FROM_PRIMITIVE_LIST ? smpErrors.badPrimitiveList() : smpErrors.badSetElementOrder();
  }
  return directiveKey.slice(slash + 1);
}

// --- schema lookups --------------------------------------------------------------------------------------

function childSchema(schema: FieldSchema | undefined, key: string): FieldSchema | undefined {
  if (!schema) return undefined;
  if (schema.type === 'object') return hasKey(schema.fields as JsonObject, key) ? schema.fields[key] : undefined;
  if (schema.type === 'map') return schema.values;
  return undefined;
}

interface ListStrategy {
  merge: boolean;
  mergeKey: string;
  items: FieldSchema | undefined;
}

function listStrategy(field: FieldSchema | undefined): ListStrategy {
  if (!field || field.type !== 'array') return { merge: false, mergeKey: '', items: undefined };
  const merge = field.patchStrategy === 'merge' || field.patchStrategy === 'merge,retainKeys';
  return { merge, mergeKey: field.patchMergeKey ?? '', items: field.items };
}
