// Patch failures as the Kubernetes apiserver reports them. PatchError is a StatusError, so the REST layer can
// send it as is; `detail` keeps the underlying library message (evanphx/json-patch, strategicpatch) for logs and
// tests even where the apiserver hides it behind a generic message.
//
// What the real apiserver answers (k8s.io/apiserver/pkg/endpoints/handlers/patch.go):
// - JSON patch that cannot be applied (missing path, failed test, bad index, unknown op): 422 Invalid with the
//   fixed message "the server rejected our request due to an error in our request" and empty details; kubectl
//   prints "The request is invalid: the server rejected our request due to an error in our request".
// - JSON patch that is not a list of operations: 400 BadRequest with the decoder's message.
// - More than 10000 JSON patch operations: 413 "The allowed maximum operations in a JSON patch is 10000, got N".
// - Merge patch that is not a JSON object: 400 BadRequest "Invalid JSON Patch".
// - Strategic merge patch: malformed $deleteFromPrimitiveList / $retainKeys / $setElementOrder: 400 BadRequest
//   with mergepatch's message; lists of lists: the generic 422; anything else (a missing merge key, an unknown
//   $patch value) is passed through unconverted, which the apiserver sends as a 500 whose Status has no reason
//   (StatusReasonUnknown), so kubectl prints "Error from server: map: map[image:x] does not contain declared
//   merge key: name".
// - A patch type the resource does not accept: 415 UnsupportedMediaType listing the accepted types.
import { StatusError, type Status, type StatusReason } from '../http/status.js';
import { goFormat, goTypeName } from './go-format.js';

export const GENERIC_INVALID_MESSAGE = 'the server rejected our request due to an error in our request';
export const MAX_JSON_PATCH_OPERATIONS = 10000;

export class PatchError extends StatusError {
  constructor(
    code: number,
    reason: StatusReason,
    message: string,
    /** The library-level cause (for logs); not part of the Status the client sees unless it is the message. */
    readonly detail: string,
    /** True when Kubernetes sends no reason at all (StatusReasonUnknown): the Status then leaves reason out. */
    readonly unknownReason = false,
  ) {
    super(code, reason, message, code === 422 ? {} : undefined);
    this.name = 'PatchError';
  }

  override toStatus(): Status {
    const s = super.toStatus();
    if (this.unknownReason) delete s.reason;
    return s;
  }
}

export const patchErrors = {
  /** A JSON patch or strategic patch the apiserver turns into its generic 422. */
  invalid: (detail: string) => new PatchError(422, 'Invalid', GENERIC_INVALID_MESSAGE, detail),
  badRequest: (message: string) => new PatchError(400, 'BadRequest', message, message),
  /** An error Kubernetes does not convert: 500, message as is, no reason. */
  unconverted: (message: string) => new PatchError(500, 'InternalError', message, message, true),
  tooManyOperations: (n: number) => {
    const m = `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${n}`;
    return new PatchError(413, 'RequestEntityTooLarge', m, m);
  },
  unsupportedMediaType: (accepted: readonly string[], detail: string) =>
    new PatchError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      detail,
    ),
};

/**
 * Strategic merge patch failures with the wording of k8s.io/apimachinery/pkg/util/mergepatch, each with the
 * status the apiserver gives it (interpretStrategicMergePatchError).
 */
export const smpErrors = {
  badPrimitiveList: () => patchErrors.badRequest('invalid patch format of primitive list'),
  badRetainKeys: () => patchErrors.badRequest('invalid patch format of retainKeys'),
  badSetElementOrder: () => patchErrors.badRequest('invalid patch format of setElementOrder list'),
  noListOfLists: () => patchErrors.invalid('lists of lists are not supported'),
  noMergeKey: (m: unknown, key: string) =>
    patchErrors.unconverted(`map: ${goFormat(m)} does not contain declared merge key: ${key}`),
  /** `expected` is a Go type name: "[]interface {}" or "map[string]interface {}". */
  badArgType: (expected: string, actual: unknown) =>
    patchErrors.unconverted(`expected a ${expected}, but received a ${goTypeName(actual)}`),
  badPatchType: (directive: unknown, m: unknown) =>
    patchErrors.unconverted(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(m)}`),
  other: (message: string) => patchErrors.unconverted(message),
};
