// RFC 6902 JSON Patch over RFC 6901 pointers, all or nothing, with the behaviour of the library the Kubernetes
// apiserver uses (evanphx/json-patch v4):
// - array indices may be negative and count from the end (add accepts -1 … -(len+1), others -1 … -len);
//   "-" appends (add only);
// - "replace" of a missing object member sets it (v4 does not check that the member exists; array indices are
//   still checked);
// - "test" of a missing member passes when the expected value is null or absent;
// - an operation without "value" adds / replaces null;
// - operations on the whole document (path "") are refused.
// Failures are PatchError 422 with the apiserver's generic message; `detail` has the library's wording.
import { patchErrors, MAX_JSON_PATCH_OPERATIONS, type PatchError } from './errors.js';
import { cloneJson, hasKey, isObject, jsonEqual, setKey, type JsonObject } from './json-value.js';

export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value?: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/** "/a~1b/~0c" → ["a/b", "~c"]; "" → [] (the whole document). */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** "a/b" → "a~1b": one pointer token. */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Applies a JSON patch to a document and returns the result; `doc` and `patch` are left untouched. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (patch === null) return cloneJson(doc);
  if (!Array.isArray(patch)) {
    throw patchErrors.badRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (!isObject(op) && op !== null) {
      throw patchErrors.badRequest(`json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) throw patchErrors.tooManyOperations(patch.length);
  const root: { doc: unknown } = { doc: cloneJson(doc) };
  for (const raw of patch) applyOperation(root, cloneJson((raw ?? {}) as JsonObject));
  return root.doc;
}

type Root = { doc: unknown };
type Container = JsonObject | unknown[];

function applyOperation(root: Root, op: JsonObject): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add':
      return add(root, op);
    case 'remove':
      return remove(root, op);
    case 'replace':
      return replace(root, op);
    case 'move':
      return move(root, op);
    case 'copy':
      return copy(root, op);
    case 'test':
      return test(root, op);
    default:
      throw fail(`Unexpected kind: ${kind}`);
  }
}

function add(root: Root, op: JsonObject): void {
  const path = pathOf(op, 'path', 'add operation failed to decode path');
  const loc = locate(root, path);
  if (!loc) throw fail(`add operation does not apply: doc is missing path: "${path}": missing value`);
  insert(loc, valueOf(op), `error in add for path: '${path}'`);
}

function remove(root: Root, op: JsonObject): void {
  const path = pathOf(op, 'path', 'remove operation failed to decode path');
  const loc = locate(root, path);
  if (!loc) throw fail(`remove operation does not apply: doc is missing path: "${path}": missing value`);
  take(loc, `error in remove for path: '${path}'`);
}

function replace(root: Root, op: JsonObject): void {
  const path = pathOf(op, 'path', 'replace operation failed to decode path');
  const loc = locate(root, path);
  if (!loc) throw fail(`replace operation does not apply: doc is missing path: ${path}: missing value`);
  if (Array.isArray(loc.parent)) {
    const i = arrayIndex(loc.parent, loc.key, false);
    if (i === undefined) throw fail(`replace operation does not apply: doc is missing key: ${path}: missing value`);
    loc.parent[i] = valueOf(op);
  } else {
    setKey(loc.parent, loc.key, valueOf(op));
  }
}

function move(root: Root, op: JsonObject): void {
  const from = pathOf(op, 'from', 'move operation failed to decode from');
  const src = locate(root, from);
  if (!src) throw fail(`move operation does not apply: doc is missing from path: ${from}: missing value`);
  const value = take(src, `error in move for path: '${src.key}'`);
  const path = pathOf(op, 'path', 'move operation failed to decode path');
  const dst = locate(root, path);
  if (!dst) throw fail(`move operation does not apply: doc is missing destination path: ${path}: missing value`);
  insert(dst, value, `error in move for path: '${path}'`);
}

function copy(root: Root, op: JsonObject): void {
  const from = pathOf(op, 'from', 'copy operation failed to decode from');
  const src = locate(root, from);
  if (!src) throw fail(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
  const found = read(src);
  if (!found.present) throw fail(`error in copy for from: '${from}': missing value`);
  const path = pathOf(op, 'path', 'copy operation failed to decode path');
  const dst = locate(root, path);
  if (!dst) throw fail(`copy operation does not apply: doc is missing destination path: ${path}: missing value`);
  insert(dst, cloneJson(found.value), 'error while adding value during copy');
}

function test(root: Root, op: JsonObject): void {
  const path = pathOf(op, 'path', 'test operation failed to decode path');
  const loc = locate(root, path);
  if (!loc) throw fail(`test operation does not apply: is missing path: ${path}: missing value`);
  if (Array.isArray(loc.parent) && arrayIndex(loc.parent, loc.key, false) === undefined) {
    throw fail(`error in test for path: '${path}': Unable to access invalid index: ${loc.key}: invalid index referenced`);
  }
  const found = read(loc);
  const expected = hasKey(op, 'value') ? op.value : null;
  const actual = found.present ? found.value : null;
  if (!jsonEqual(actual, expected)) throw fail(`testing value ${path} failed: test failed`);
}

// --- locations -------------------------------------------------------------------------------------------

interface Location {
  parent: Container;
  key: string;
}

/** The container holding the pointer's last token, or undefined when a parent is missing or not a container. */
function locate(root: Root, path: string): Location | undefined {
  const tokens = parsePointer(path);
  if (!tokens || tokens.length === 0) return undefined;
  let cur: unknown = root.doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(cur, t, false);
      if (i === undefined) return undefined;
      cur = cur[i];
    } else if (isObject(cur)) {
      if (!hasKey(cur, t)) return undefined;
      cur = cur[t];
    } else {
      return undefined;
    }
  }
  if (!Array.isArray(cur) && !isObject(cur)) return undefined;
  return { parent: cur, key: tokens[tokens.length - 1]! };
}

function read(loc: Location): { present: boolean; value?: unknown } {
  if (Array.isArray(loc.parent)) {
    const i = arrayIndex(loc.parent, loc.key, false);
    return i === undefined ? { present: false } : { present: true, value: loc.parent[i] };
  }
  return hasKey(loc.parent, loc.key) ? { present: true, value: loc.parent[loc.key] } : { present: false };
}

function insert(loc: Location, value: unknown, context: string): void {
  if (!Array.isArray(loc.parent)) {
    setKey(loc.parent, loc.key, value);
    return;
  }
  if (loc.key === '-') {
    loc.parent.push(value);
    return;
  }
  if (!/^[+-]?\d+$/.test(loc.key)) {
    throw fail(`${context}: value was not a proper array index: '${loc.key}': strconv.Atoi: parsing "${loc.key}": invalid syntax`);
  }
  const i = arrayIndex(loc.parent, loc.key, true);
  if (i === undefined) throw fail(`${context}: Unable to access invalid index: ${Number(loc.key)}: invalid index referenced`);
  loc.parent.splice(i, 0, value);
}

function take(loc: Location, context: string): unknown {
  if (Array.isArray(loc.parent)) {
    const i = arrayIndex(loc.parent, loc.key, false);
    if (i === undefined) throw fail(`${context}: Unable to access invalid index: ${loc.key}: invalid index referenced`);
    return loc.parent.splice(i, 1)[0];
  }
  if (!hasKey(loc.parent, loc.key)) {
    throw fail(`${context}: Unable to remove nonexistent key: ${loc.key}: missing value`);
  }
  const value = loc.parent[loc.key];
  delete loc.parent[loc.key];
  return value;
}

/**
 * An array position from a token: 0 … len-1 (len when inserting), or negative counting from the end as
 * evanphx/json-patch allows. Undefined when the token is not an integer or is out of range.
 */
function arrayIndex(arr: unknown[], token: string, inserting: boolean): number | undefined {
  if (!/^[+-]?\d+$/.test(token)) return undefined;
  const size = inserting ? arr.length + 1 : arr.length;
  let i = Number(token);
  if (i >= size || i < -size) return undefined;
  if (i < 0) i += size;
  return i;
}

// --- operation fields ----------------------------------------------------------------------------------

function pathOf(op: JsonObject, field: 'path' | 'from', context: string): string {
  const v = op[field];
  if (v === undefined || v === null) throw fail(`${context}: missing value`);
  if (typeof v !== 'string') throw fail(`${context}: json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
  return v;
}

function valueOf(op: JsonObject): unknown {
  return hasKey(op, 'value') ? op.value : null;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function fail(detail: string): PatchError {
  return patchErrors.invalid(detail);
}
