// Errors at the REST edge are Kubernetes Status objects: the code, reason and message text kubectl and client-go
// act on (IsNotFound, IsConflict, IsAlreadyExists read the reason). One constructor per reason.
import type { ResourceInfo } from '../../api/k8s/resources.js';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'Timeout'
  | 'ServiceUnavailable';

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** "pods" for core, "deployments.apps" otherwise: how Kubernetes names a resource in messages. */
export function qualifiedResource(r: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return r.group === '' ? r.resource : `${r.resource}.${r.group}`;
}

function detailsFor(r: Pick<ResourceInfo, 'group' | 'resource'>, name: string): StatusDetails {
  return r.group === '' ? { name, kind: r.resource } : { name, group: r.group, kind: r.resource };
}

export const errors = {
  notFound: (r: Pick<ResourceInfo, 'group' | 'resource'>, name: string) =>
    new StatusError(404, 'NotFound', `${qualifiedResource(r)} "${name}" not found`, detailsFor(r, name)),
  alreadyExists: (r: Pick<ResourceInfo, 'group' | 'resource'>, name: string) =>
    new StatusError(409, 'AlreadyExists', `${qualifiedResource(r)} "${name}" already exists`, detailsFor(r, name)),
  conflict: (r: Pick<ResourceInfo, 'group' | 'resource'>, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
    new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(r)} "${name}": ${why}`, detailsFor(r, name)),
  invalid: (kind: string, group: string, name: string, message: string, causes: StatusCause[]) =>
    new StatusError(422, 'Invalid', message, { name, ...(group === '' ? {} : { group }), kind, causes }),
  /** A 422 about one field, for checks made outside validation (allocations): the kind is filled in by the registry. */
  invalidField: (field: string, value: string, detail: string) => new FieldInvalid(field, value, detail),
  badRequest: (message: string) => new StatusError(400, 'BadRequest', message),
  forbidden: (message: string, details?: StatusDetails) => new StatusError(403, 'Forbidden', message, details),
  methodNotAllowed: () => new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'),
  notAcceptable: (message: string) => new StatusError(406, 'NotAcceptable', message),
  expired: (message: string) => new StatusError(410, 'Expired', message),
  gone: (message: string) => new StatusError(410, 'Gone', message),
  tooLarge: (limit: number) => new StatusError(413, 'RequestEntityTooLarge', `the request is too large: limit is ${limit}`),
  unsupportedMediaType: (contentType: string) => new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json; got ${contentType}`),
  internal: (message: string) => new StatusError(500, 'InternalError', `Internal error occurred: ${message}`),
  timeout: (message: string) => new StatusError(504, 'Timeout', message),
  unavailable: (message: string) => new StatusError(503, 'ServiceUnavailable', message),
  pathNotFound: () => new StatusError(404, 'NotFound', 'the server could not find the requested resource'),
};

export function successStatus(details?: StatusDetails): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}) };
}

/** One field's problem found while preparing an object; the registry turns it into the kind's 422 Invalid. */
export class FieldInvalid extends Error {
  constructor(
    readonly field: string,
    readonly value: string,
    readonly detail: string,
  ) {
    super(`${field}: Invalid value: ${value}: ${detail}`);
  }
}
