// The root schema of every served kind and subresource kind, looked up by apiVersion and kind.
// The schemas themselves are generated (generated.ts) from the proto definitions and the markers in gen/.
import { ROOT_SCHEMAS, core_PodTemplateSpec, meta_LabelSelector, meta_ObjectMeta } from './generated.js';
import type { GroupVersionKind, ObjectSchema } from './types.js';

export interface KindSchema {
  readonly apiVersion: string;
  readonly kind: string;
  readonly gvk: GroupVersionKind;
  readonly schema: ObjectSchema;
}

const ALL: readonly KindSchema[] = Object.entries(ROOT_SCHEMAS).map(([key, schema]) => {
  const slash = key.lastIndexOf('/');
  const apiVersion = key.slice(0, slash);
  const kind = key.slice(slash + 1);
  const gv = apiVersion.split('/');
  const gvk: GroupVersionKind = gv.length === 1 ? { group: '', version: gv[0]!, kind } : { group: gv[0]!, version: gv[1]!, kind };
  return { apiVersion, kind, gvk, schema };
});

/** The root schema of `kind` in `apiVersion` ("v1", "apps/v1"), or undefined for a kind we do not serve. */
export function schemaFor(apiVersion: string, kind: string): ObjectSchema | undefined {
  return ROOT_SCHEMAS[`${apiVersion}/${kind}`];
}

/** Every root schema: the served kinds plus Binding, Eviction and Scale. */
export function allSchemas(): readonly KindSchema[] {
  return ALL;
}

/** Shared parts other layers name directly. */
export const objectMetaSchema: ObjectSchema = meta_ObjectMeta;
export const labelSelectorSchema: ObjectSchema = meta_LabelSelector;
export const podTemplateSpecSchema: ObjectSchema = core_PodTemplateSpec;

export { goStructName, goTypeOf, isBytes } from './scalars.js';
export type { ArraySchema, FieldSchema, GroupVersionKind, MapSchema, ObjectSchema, ScalarSchema, ScalarType } from './types.js';
