// What the apiserver's JSON decoder finds before any validation runs: fields the kind does not have (reported
// under fieldValidation=Strict as `strict decoding error: unknown field "spec.foo"`) and values of the wrong JSON
// type (`json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`).
import { isObject } from './meta.js';
import { QUANTITY_FORMAT_ERROR, tryParseQuantity } from './quantity.js';
import { goStructName, goTypeOf, isBytes } from './schema/scalars.js';
import type { FieldSchema, ObjectSchema } from './schema/types.js';

/**
 * Paths of the fields `obj` has and `schema` does not, each with a leading dot: ".spec.containers[0].foo".
 * The decoder's message drops the leading dot: `unknown field "spec.containers[0].foo"`. Values of the wrong
 * type are not descended into (typeErrors reports them).
 */
export function findUnknownFields(schema: ObjectSchema, obj: unknown): string[] {
  const out: string[] = [];
  walkUnknown(schema, obj, '', out);
  return out;
}

function walkUnknown(schema: FieldSchema, value: unknown, path: string, out: string[]): void {
  switch (schema.type) {
    case 'object':
      if (!isObject(value)) return;
      for (const [key, v] of Object.entries(value)) {
        const field = schema.fields[key];
        if (field === undefined) out.push(`${path}.${key}`);
        else walkUnknown(field, v, `${path}.${key}`, out);
      }
      return;
    case 'array':
      if (Array.isArray(value)) value.forEach((item, i) => walkUnknown(schema.items, item, `${path}[${i}]`, out));
      return;
    case 'map':
      if (isObject(value)) for (const [key, v] of Object.entries(value)) walkUnknown(schema.values, v, `${path}[${key}]`, out);
      return;
    default:
      return;
  }
}

/** The message for a list of unknown-field paths, as the strict decoder words it. */
export function strictDecodingMessage(paths: readonly string[]): string {
  return `strict decoding error: ${paths.map((p) => `unknown field "${p.replace(/^\./, '')}"`).join(', ')}`;
}

interface Where {
  /** The innermost Go struct holding the field ("DeploymentSpec"); undefined at the top. */
  readonly struct: string | undefined;
  /** Dotted JSON names from the root, without list indices (as encoding/json reports them). */
  readonly path: string;
}

/**
 * Decoding errors for values of the wrong JSON type, in document order, worded as Go's encoding/json and the
 * custom unmarshalers (Quantity, Time, IntOrString, []byte) word them. The apiserver reports the first one as
 * `<Kind> in version "<v>" cannot be handled as a <Kind>: <message>`.
 */
export function typeErrors(schema: ObjectSchema, obj: unknown): string[] {
  const out: string[] = [];
  walkTypes(schema, obj, { struct: undefined, path: '' }, out);
  return out;
}

function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function mismatch(value: unknown, schema: FieldSchema, where: Where, kindText = jsonKind(value)): string {
  const into = where.struct === undefined ? 'Go value' : `Go struct field ${where.struct}.${where.path}`;
  return `json: cannot unmarshal ${kindText} into ${into} of type ${goTypeOf(schema)}`;
}

function walkTypes(schema: FieldSchema, value: unknown, where: Where, out: string[]): void {
  if (value === null || value === undefined) return;
  switch (schema.type) {
    case 'object': {
      if (!isObject(value)) {
        out.push(mismatch(value, schema, where));
        return;
      }
      const struct = goStructName(schema);
      for (const [key, v] of Object.entries(value)) {
        const field = schema.fields[key];
        if (field) walkTypes(field, v, { struct, path: where.path === '' ? key : `${where.path}.${key}` }, out);
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value)) out.push(mismatch(value, schema, where));
      else for (const item of value) walkTypes(schema.items, item, where, out);
      return;
    case 'map':
      if (!isObject(value)) out.push(mismatch(value, schema, where));
      else for (const v of Object.values(value)) walkTypes(schema.values, v, where, out);
      return;
    case 'string':
      if (typeof value !== 'string') out.push(mismatch(value, schema, where));
      else if (isBytes(schema)) {
        const bad = base64Error(value);
        if (bad !== undefined) out.push(bad);
      }
      return;
    case 'integer': {
      if (typeof value !== 'number') {
        out.push(mismatch(value, schema, where));
        return;
      }
      const type = goTypeOf(schema);
      const limit = type === 'int32' ? 2 ** 31 : 2 ** 63;
      if (!Number.isInteger(value) || value < -limit || value >= limit) out.push(mismatch(value, schema, where, `number ${String(value)}`));
      return;
    }
    case 'number':
      if (typeof value !== 'number') out.push(mismatch(value, schema, where));
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(mismatch(value, schema, where));
      return;
    case 'int-or-string':
      if (typeof value === 'string') return;
      if (typeof value !== 'number') out.push(`json: cannot unmarshal ${jsonKind(value)} into Go value of type int32`);
      else if (!Number.isInteger(value) || Math.abs(value) >= 2 ** 31) out.push(`json: cannot unmarshal number ${String(value)} into Go value of type int32`);
      return;
    case 'quantity':
      if (tryParseQuantity(value) === undefined) out.push(QUANTITY_FORMAT_ERROR);
      return;
    case 'time':
      if (typeof value !== 'string') out.push(`json: cannot unmarshal ${jsonKind(value)} into Go value of type string`);
      else if (value !== '' && !isRfc3339(value)) out.push(`parsing time "${value}" as "2006-01-02T15:04:05Z07:00": cannot parse "${value}" as "2006"`);
      return;
    case 'any':
      return;
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export function isRfc3339(s: string): boolean {
  return RFC3339.test(s) && !Number.isNaN(Date.parse(s));
}

/** Go's base64.StdEncoding error for a malformed string, or undefined when it decodes. */
export function base64Error(s: string): string | undefined {
  // Go ignores \r and \n; anything else outside the alphabet, bad padding or a short final quantum is an error.
  const clean = s.replace(/[\r\n]/g, '');
  for (let i = 0; i < clean.length; i++) {
    const c = clean[i]!;
    if (/[A-Za-z0-9+/]/.test(c)) continue;
    if (c === '=') {
      const rest = clean.slice(i);
      const quantumPos = i % 4;
      if ((quantumPos === 2 && rest === '==') || (quantumPos === 3 && rest === '=')) return undefined;
      return `illegal base64 data at input byte ${i}`;
    }
    return `illegal base64 data at input byte ${i}`;
  }
  if (clean.length % 4 !== 0) {
    // A short final quantum is reported at the quantum's first byte.
    return `illegal base64 data at input byte ${clean.length - (clean.length % 4)}`;
  }
  return undefined;
}
