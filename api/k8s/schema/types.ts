// How a Kubernetes type's fields are described once, for everything that needs to know them: unknown-field
// detection (fieldValidation), strategic merge patch (list merge keys, retainKeys), the OpenAPI v3 document
// kubectl reads, and defaults/validation walking an object.
//
// An object is checked against its kind's root schema (an 'object' whose fields include apiVersion, kind,
// metadata, spec, status, ...). Names and patch strategies follow the Kubernetes Go types' json tags and
// `patchStrategy` / `patchMergeKey` / `+listType` / `+listMapKey` markers.

export type ScalarType =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  /** intstr.IntOrString: a JSON number or string (ports, maxSurge). */
  | 'int-or-string'
  /** resource.Quantity: a string such as "500m" or "1Gi" (a number is accepted and kept). */
  | 'quantity'
  /** metav1.Time: an RFC 3339 string, or null. */
  | 'time'
  /** Anything (runtime.RawExtension, free-form JSON). Not descended into. */
  | 'any';

export interface ScalarSchema {
  readonly type: ScalarType;
  /** For strings: the values allowed, when the API fixes them (e.g. restartPolicy). */
  readonly enum?: readonly string[];
  readonly description?: string;
}

export interface ObjectSchema {
  readonly type: 'object';
  readonly fields: Readonly<Record<string, FieldSchema>>;
  /** Fields that must be present (validation reports `Required value`). */
  readonly required?: readonly string[];
  /**
   * patchStrategy "retainKeys" on a struct (Volume's source, DeploymentStrategy): a strategic merge patch that
   * carries `$retainKeys` clears every field not listed.
   */
  readonly retainKeys?: boolean;
  readonly description?: string;
}

/** map[string]T (labels, annotations, data, nodeSelector, resources.limits). */
export interface MapSchema {
  readonly type: 'map';
  readonly values: FieldSchema;
  readonly description?: string;
}

export interface ArraySchema {
  readonly type: 'array';
  readonly items: FieldSchema;
  /**
   * Strategic merge patch strategy. 'merge' with patchMergeKey: lists of objects merged element by element on
   * that key (containers by name); 'merge' without a key: lists of scalars merged as sets (finalizers).
   * Absent or 'replace': the patch's list replaces the whole list.
   */
  readonly patchStrategy?: 'merge' | 'replace' | 'merge,retainKeys';
  readonly patchMergeKey?: string;
  /** +listType: atomic, set, or map (with listMapKeys). Informational; server-side apply uses it. */
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly listMapKeys?: readonly string[];
  readonly description?: string;
}

export type FieldSchema = ScalarSchema | ObjectSchema | MapSchema | ArraySchema;

/** Which kind a root schema describes. */
export interface GroupVersionKind {
  readonly group: string; // '' for core
  readonly version: string;
  readonly kind: string;
}
