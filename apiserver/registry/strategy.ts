// What differs between resources, behind one small interface, as Kubernetes' RESTCreateStrategy /
// RESTUpdateStrategy / RESTDeleteStrategy do. The generic registry calls these hooks; a resource implements only
// what it needs (pods: status on create, graceful deletion, binding; services: IP and port allocation; ...).
import type { ResourceInfo } from '../../api/k8s/resources.js';
import type { KubeObject } from './object-store.js';

export interface FieldError {
  /** Kubernetes' cause type: FieldValueRequired, FieldValueInvalid, FieldValueForbidden, ... */
  type: string;
  field: string;
  message: string;
}

export interface Strategy {
  /** Whether metadata.generation tracks spec changes (Deployments, ReplicaSets, ...). */
  readonly tracksGeneration?: boolean;
  /** PUT of a missing object creates it (Endpoints, Leases), as Kubernetes' AllowCreateOnUpdate. */
  readonly allowCreateOnUpdate?: boolean;
  /** A successful delete answers with the object (pods) rather than a Success Status. */
  readonly returnDeletedObject?: boolean;
  /** Server-set fields of a new object (status reset, allocations). */
  prepareForCreate?(obj: KubeObject): void | Promise<void>;
  /** A main-resource update: by default status is kept from the old object when the resource has /status. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void | Promise<void>;
  /** Extra checks beyond the schema-driven ones. */
  validate?(obj: KubeObject, old: KubeObject | undefined): FieldError[];
  /** The grace period a delete gets when the request names none (pods: terminationGracePeriodSeconds). */
  gracePeriod?(obj: KubeObject, requested: number | undefined): number;
  /** Runs after the object left the store (release allocations). */
  afterDelete?(obj: KubeObject): Promise<void>;
}

export type StrategyFor = (info: ResourceInfo) => Strategy;
