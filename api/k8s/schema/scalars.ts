// Shared scalar schemas and the Go type behind each schema node. The Go names only serve error messages that
// must read like the real apiserver's JSON decoder ("... of type int32"); the schema format itself
// (types.ts) stays language-neutral.
import type { FieldSchema, ObjectSchema, ScalarSchema } from './types.js';

const goNames = new WeakMap<object, string>();

/** Records the Go type a schema node stands for ("v1.PodSpec", "int32") and returns the node. */
export function named<T extends FieldSchema>(goType: string, schema: T): T {
  goNames.set(schema, goType);
  return schema;
}

/** The Go type of a schema node as encoding/json names it: "int32", "v1.PodSpec", "[]v1.Container", "map[string]string". */
export function goTypeOf(schema: FieldSchema): string {
  const known = goNames.get(schema);
  if (known !== undefined) return known;
  switch (schema.type) {
    case 'array':
      return `[]${goTypeOf(schema.items)}`;
    case 'map':
      return `map[string]${goTypeOf(schema.values)}`;
    case 'object':
      return 'struct';
    case 'integer':
      return 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'int-or-string':
      return 'intstr.IntOrString';
    case 'quantity':
      return 'resource.Quantity';
    case 'time':
      return 'v1.Time';
    case 'any':
      return 'interface {}';
    default:
      return 'string';
  }
}

/** The Go struct name without its package ("PodSpec"), as encoding/json prints it in "Go struct field X.path". */
export function goStructName(schema: ObjectSchema): string {
  const full = goTypeOf(schema);
  return full.slice(full.lastIndexOf('.') + 1);
}

/** Whether a string field holds []byte: JSON carries it base64-encoded (Secret.data, ConfigMap.binaryData). */
export function isBytes(schema: FieldSchema): boolean {
  return goNames.get(schema) === '[]uint8';
}

export const STRING: ScalarSchema = named('string', { type: 'string' });
export const INT32: ScalarSchema = named('int32', { type: 'integer' });
export const INT64: ScalarSchema = named('int64', { type: 'integer' });
export const FLOAT64: ScalarSchema = named('float64', { type: 'number' });
export const BOOL: ScalarSchema = named('bool', { type: 'boolean' });
export const BYTES: ScalarSchema = named('[]uint8', { type: 'string' });
export const QUANTITY: ScalarSchema = named('resource.Quantity', { type: 'quantity' });
export const INT_OR_STRING: ScalarSchema = named('intstr.IntOrString', { type: 'int-or-string' });
export const TIME: ScalarSchema = named('v1.Time', { type: 'time' });
export const MICRO_TIME: ScalarSchema = named('v1.MicroTime', { type: 'time' });
export const DURATION: ScalarSchema = named('v1.Duration', { type: 'string' });
export const ANY: ScalarSchema = named('interface {}', { type: 'any' });
