// Typed views of the parts every Kubernetes object shares, and small accessors that read them from untyped
// JSON without trusting it.

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string | null;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [extra: string]: unknown;
}

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** The condition shape Pods, Nodes, Deployments and ReplicaSets share (each adds its own timestamps). */
export interface Condition {
  type: string;
  status: ConditionStatus;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
  lastHeartbeatTime?: string;
  observedGeneration?: number;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [field: string]: unknown;
}

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object's metadata, or an empty one when it is missing or not an object. */
export function metaOf(obj: unknown): ObjectMeta {
  return isObject(obj) && isObject(obj.metadata) ? (obj.metadata as ObjectMeta) : {};
}

/** "namespace/name" for namespaced objects, "name" for cluster-scoped ones (client-go's cache key). */
export function keyOf(obj: unknown): string {
  const m = metaOf(obj);
  return m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
}

export function labelsOf(obj: unknown): Record<string, string> {
  return metaOf(obj).labels ?? {};
}

export function annotationsOf(obj: unknown): Record<string, string> {
  return metaOf(obj).annotations ?? {};
}

/** The ownerReference with controller: true, if any. */
export function controllerOf(obj: unknown): OwnerReference | undefined {
  return metaOf(obj).ownerReferences?.find((r) => r.controller === true);
}

export function isBeingDeleted(obj: unknown): boolean {
  const ts = metaOf(obj).deletionTimestamp;
  return ts !== undefined && ts !== null;
}

/** Splits "apps/v1" into group "apps", version "v1"; "v1" into group "", version "v1". */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The condition of `type` in status.conditions, if present. */
export function findCondition(obj: unknown, type: string): Condition | undefined {
  if (!isObject(obj) || !isObject(obj.status) || !Array.isArray(obj.status.conditions)) return undefined;
  return (obj.status.conditions as Condition[]).find((c) => isObject(c) && c.type === type);
}

/** Reads a nested field by path segments; undefined when any step is missing or not an object. */
export function getPath(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** Returns the object at `path`, creating empty objects on the way (for defaulting). */
export function ensurePath(obj: JsonObject, path: readonly string[]): JsonObject {
  let cur = obj;
  for (const p of path) {
    if (!isObject(cur[p])) cur[p] = {};
    cur = cur[p] as JsonObject;
  }
  return cur;
}
