// PATCH bodies by Content-Type, as the Kubernetes apiserver accepts them:
//   application/json-patch+json            RFC 6902 (json-patch.ts)
//   application/merge-patch+json           RFC 7386 (merge-patch.ts)
//   application/strategic-merge-patch+json Kubernetes strategic merge (needs the kind's schema; kinds without
//                                          one answer 415, as the apiserver does for custom resources)
//   application/apply-patch+yaml           server-side apply: not supported by Yawl, 415
// Anything else is 415 too. Errors are PatchError (a StatusError) with the apiserver's code, reason and text.
import type { ObjectSchema } from '../../api/k8s/schema/types.js';
import { patchErrors } from './errors.js';
import { isObject } from './json-value.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

export type PatchContentType = typeof JSON_PATCH | typeof MERGE_PATCH | typeof STRATEGIC_MERGE_PATCH;

/** The patch media types a resource accepts: strategic merge only where the kind has a schema. */
export function acceptedPatchTypes(schema: ObjectSchema | undefined): PatchContentType[] {
  return schema ? [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH] : [JSON_PATCH, MERGE_PATCH];
}

/**
 * Applies a parsed PATCH body to the current object and returns the patched object (inputs untouched).
 * `contentType` may carry parameters ("; charset=utf-8"). Throws PatchError.
 */
export function applyPatch(contentType: string, original: unknown, patchBody: unknown, schema: ObjectSchema | undefined): unknown {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  switch (type) {
    case JSON_PATCH:
      return applyJsonPatch(original, patchBody);
    case MERGE_PATCH:
      if (!isObject(patchBody)) throw patchErrors.badRequest('Invalid JSON Patch');
      return applyMergePatch(original, patchBody);
    case STRATEGIC_MERGE_PATCH:
      if (!schema) {
        throw patchErrors.unsupportedMediaType(
          acceptedPatchTypes(schema),
          'strategic merge patch is not supported for this kind (it has no schema); use a JSON merge patch (--type=merge) or a JSON patch (--type=json)',
        );
      }
      return applyStrategicMergePatch(original, patchBody, schema);
    case APPLY_PATCH:
      throw patchErrors.unsupportedMediaType(
        acceptedPatchTypes(schema),
        'server-side apply (application/apply-patch+yaml) is not supported by this server; use client-side kubectl apply',
      );
    default:
      throw patchErrors.unsupportedMediaType(acceptedPatchTypes(schema), `unsupported patch type ${type}`);
  }
}

export { applyJsonPatch, parsePointer, escapePointerToken, type JsonPatchOperation } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic-merge-patch.js';
export { PatchError, patchErrors, GENERIC_INVALID_MESSAGE, MAX_JSON_PATCH_OPERATIONS } from './errors.js';
