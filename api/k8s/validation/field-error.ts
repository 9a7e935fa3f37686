// Field errors as k8s.io/apimachinery/pkg/util/validation/field words them, and the 422 Invalid message the
// apiserver builds from a list of them (apierrors.NewInvalid).

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound'
  | 'InternalError';

export interface FieldError {
  readonly type: FieldErrorType;
  /** The JSON path as Kubernetes prints it: "spec.containers[0].image", "data[key]". */
  readonly field: string;
  /** The offending value, printed as Go's %#v would (strings quoted); absent for types that omit it. */
  readonly value?: unknown;
  readonly detail: string;
  /** The error body without the field: `Invalid value: "x": detail` (a StatusCause's message). */
  readonly message: string;
}

/** A value printed verbatim in an error body (Go's Stringer output or a %#v rendering built by hand). */
export class GoValue {
  constructor(readonly text: string) {}
}

const TYPE_TEXT: Readonly<Record<FieldErrorType, string>> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueNotFound: 'Not found',
  InternalError: 'Internal error',
};

const OMITS_VALUE: ReadonlySet<FieldErrorType> = new Set(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'InternalError']);

function make(type: FieldErrorType, field: string, value: unknown, detail: string): FieldError {
  let body = TYPE_TEXT[type];
  if (!OMITS_VALUE.has(type)) body += `: ${goFormat(value)}`;
  if (detail !== '') body += `: ${detail}`;
  return OMITS_VALUE.has(type) ? { type, field, detail, message: body } : { type, field, value, detail, message: body };
}

export const required = (field: string, detail = ''): FieldError => make('FieldValueRequired', field, undefined, detail);
export const invalid = (field: string, value: unknown, detail: string): FieldError => make('FieldValueInvalid', field, value, detail);
export const forbidden = (field: string, detail: string): FieldError => make('FieldValueForbidden', field, undefined, detail);
export const duplicate = (field: string, value: unknown, detail = ''): FieldError => make('FieldValueDuplicate', field, value, detail);
export const notFound = (field: string, value: unknown): FieldError => make('FieldValueNotFound', field, value, '');
export const tooLong = (field: string, maxBytes: number): FieldError => make('FieldValueTooLong', field, undefined, `must have at most ${maxBytes} bytes`);
export const notSupported = (field: string, value: unknown, valid: readonly string[]): FieldError =>
  make('FieldValueNotSupported', field, value, valid.length > 0 ? `supported values: ${valid.map(goQuote).join(', ')}` : '');

/** `<field>: <body>`, as field.Error.Error() prints it. */
export function formatError(e: FieldError): string {
  return `${e.field}: ${e.message}`;
}

/** The StatusCause the apiserver lists in details.causes. */
export function formatCause(e: FieldError): { reason: FieldErrorType; message: string; field: string } {
  return { reason: e.type, message: e.message, field: e.field };
}

/** "Deployment.apps" for apps/Deployment, "Pod" for the core group: how NewInvalid names the kind. */
export function qualifiedKind(kind: string, group: string): string {
  return group === '' ? kind : `${kind}.${group}`;
}

/**
 * The 422 message: `Deployment.apps "web" is invalid: <error>` for one error, `... is invalid: [<e1>, <e2>]` for
 * several (duplicates dropped, as utilerrors.Aggregate does).
 */
export function invalidMessage(qualified: string, name: string, errors: readonly FieldError[]): string {
  const seen = [...new Set(errors.map(formatError))];
  if (seen.length === 0) return `${qualified} ${goQuote(name)} is invalid`;
  return `${qualified} ${goQuote(name)} is invalid: ${seen.length === 1 ? seen[0] : `[${seen.join(', ')}]`}`;
}

/** Go's strconv.Quote for the printable ASCII and common escapes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** How ErrorBody prints a bad value: strings quoted, numbers and booleans bare, maps and lists as %#v. */
export function goFormat(value: unknown): string {
  if (value instanceof GoValue) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return `[]string{${value.map((v) => goQuote(v as string)).join(', ')}}`;
    return JSON.stringify(value);
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.every(([, v]) => typeof v === 'string')) return goStringMap(value as Record<string, string>);
    return JSON.stringify(value);
  }
  return String(value);
}

/** %#v of a map[string]string: keys sorted, `map[string]string{"a":"b", "c":"d"}`; nil as `map[string]string(nil)`. */
export function goStringMap(m: Readonly<Record<string, string>> | undefined): string {
  if (m === undefined) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(m[k]!)}`).join(', ')}}`;
}
