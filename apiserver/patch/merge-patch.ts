// RFC 7386 JSON Merge Patch: members of a patch object merge into the target object recursively, a null member
// deletes, and any other patch value (string, number, array, ...) replaces the target value whole.
//
// As evanphx/json-patch (what the Kubernetes apiserver uses) does, null members are also dropped from objects
// that the patch brings in new, including objects inside new arrays; null array elements are kept.
import { cloneJson, hasKey, isObject, setKey, type JsonObject } from './json-value.js';

/** Applies a merge patch and returns the result; neither argument is changed. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return pruneNulls(cloneJson(patch));
  const out: JsonObject = isObject(target) ? cloneJson(target) : {};
  mergeInto(out, patch);
  return out;
}

function mergeInto(target: JsonObject, patch: JsonObject): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete target[key];
    } else if (isObject(value) && hasKey(target, key) && isObject(target[key])) {
      mergeInto(target[key] as JsonObject, value);
    } else {
      setKey(target, key, pruneNulls(cloneJson(value)));
    }
  }
}

function pruneNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === null ? v : pruneNulls(v)));
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === null) delete value[k];
      else setKey(value, k, pruneNulls(v));
    }
  }
  return value;
}
