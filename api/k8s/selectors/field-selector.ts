// Field selectors (`?fieldSelector=metadata.name=x,spec.nodeName!=y`): terms joined by ',', each `field=value`,
// `field==value` or `field!=value`; `\` escapes `,`, `=` and `\` in values (k8s.io/apimachinery/pkg/fields).
// Each resource supports a fixed set of fields (the apiserver's field label conversion functions and the
// registries' GetAttrs); an unknown one is a 400 with the same message as Kubernetes.
import { SelectorError } from './errors.js';

export interface FieldTerm {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** All terms must hold. No terms = everything. */
export interface FieldSelector {
  readonly terms: readonly FieldTerm[];
}

type Obj = Record<string, any>;
type Getter = (o: Obj) => string;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const name: Getter = (o) => str(o.metadata?.name);
const namespace: Getter = (o) => str(o.metadata?.namespace);
const META: Record<string, Getter> = { 'metadata.name': name, 'metadata.namespace': namespace };

/**
 * The fields each resource accepts. `strict` resources have a conversion function in Kubernetes and reject
 * others with "field label not supported: X"; the rest use the default metadata-only conversion.
 */
const FIELDS: Record<string, { strict: boolean; fields: Record<string, Getter> }> = {
  pods: {
    strict: true,
    fields: {
      ...META,
      'spec.nodeName': (o) => str(o.spec?.nodeName),
      'spec.restartPolicy': (o) => str(o.spec?.restartPolicy),
      'spec.schedulerName': (o) => str(o.spec?.schedulerName),
      'spec.serviceAccountName': (o) => str(o.spec?.serviceAccountName),
      'spec.hostNetwork': (o) => String(o.spec?.hostNetwork === true),
      'status.phase': (o) => str(o.status?.phase),
      // The first of status.podIPs, as PodToSelectableFields reads it.
      'status.podIP': (o) => str(o.status?.podIPs?.[0]?.ip ?? o.status?.podIP),
      'status.nominatedNodeName': (o) => str(o.status?.nominatedNodeName),
    },
  },
  events: {
    strict: true,
    fields: {
      ...META,
      'involvedObject.kind': (o) => str(o.involvedObject?.kind),
      'involvedObject.namespace': (o) => str(o.involvedObject?.namespace),
      'involvedObject.name': (o) => str(o.involvedObject?.name),
      'involvedObject.uid': (o) => str(o.involvedObject?.uid),
      'involvedObject.apiVersion': (o) => str(o.involvedObject?.apiVersion),
      'involvedObject.resourceVersion': (o) => str(o.involvedObject?.resourceVersion),
      'involvedObject.fieldPath': (o) => str(o.involvedObject?.fieldPath),
      reason: (o) => str(o.reason),
      reportingComponent: (o) => str(o.reportingComponent),
      source: (o) => str(o.source?.component),
      type: (o) => str(o.type),
    },
  },
  // Cluster-scoped: Kubernetes does not accept metadata.namespace for these two.
  nodes: { strict: true, fields: { 'metadata.name': name, 'spec.unschedulable': (o) => String(o.spec?.unschedulable === true) } },
  namespaces: { strict: true, fields: { 'metadata.name': name, 'status.phase': (o) => str(o.status?.phase) } },
  secrets: { strict: true, fields: { ...META, type: (o) => str(o.type) } },
  replicasets: { strict: true, fields: { ...META, 'status.replicas': (o) => String(o.status?.replicas ?? 0) } },
};

function fieldsOf(resource: string) {
  return FIELDS[resource] ?? { strict: false, fields: META };
}

/** The field names `resource` can be selected on. */
export function supportedFields(resource: string): string[] {
  return Object.keys(fieldsOf(resource).fields);
}

function unsupported(resource: string, field: string): SelectorError {
  if (fieldsOf(resource).strict) return new SelectorError(`field label not supported: ${field}`);
  return new SelectorError(`${JSON.stringify(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
}

/** Splits on commas not escaped by a backslash. */
function splitTerms(s: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    if (escaped) escaped = false;
    else if (s[i] === '\\') escaped = true;
    else if (s[i] === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** The first unescaped operator, trying `!=`, then `==`, then `=` at each position. */
function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  let escaped = false;
  for (let i = 0; i < term.length; i++) {
    if (escaped) {
      escaped = false;
      continue;
    }
    if (term[i] === '\\') {
      escaped = true;
      continue;
    }
    for (const op of ['!=', '==', '=']) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** fields.UnescapeValue. */
function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let escaped = false;
  for (const c of s) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      throw new SelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`); // Go prints the rune as a number
    } else {
      out += c;
    }
  }
  if (escaped) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** fields.ParseSelector without a resource: syntax only. Terms come out sorted as Kubernetes sorts them. */
export function parseFieldSelectorSyntax(s: string): FieldSelector {
  const terms: FieldTerm[] = [];
  for (const part of splitTerms(s).sort()) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (t === undefined) throw new SelectorError(`invalid selector: '${s}'; can't understand '${part}'`);
    terms.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value: unescapeValue(t.rhs) });
  }
  return { terms };
}

/** Parses and checks every field against what `resource` (plural, e.g. "pods") supports. Throws SelectorError. */
export function parseFieldSelector(resource: string, s: string): FieldSelector {
  const selector = parseFieldSelectorSyntax(s);
  const known = fieldsOf(resource).fields;
  for (const t of selector.terms) if (!Object.prototype.hasOwnProperty.call(known, t.field)) throw unsupported(resource, t.field);
  return selector;
}

/** The value of a selectable field of an object, "" when unset (booleans as "true"/"false"). */
export function fieldValue(resource: string, obj: Obj, field: string): string {
  const get = fieldsOf(resource).fields[field];
  if (get === undefined) throw unsupported(resource, field);
  return get(obj);
}

export function matchesFields(resource: string, selector: FieldSelector, obj: Obj): boolean {
  return selector.terms.every((t) => (fieldValue(resource, obj, t.field) === t.value) === (t.operator === '='));
}

function escapeValue(v: string): string {
  return v.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** The canonical string form: `a=b,c!=d` (values escaped). */
export function fieldSelectorToString(selector: FieldSelector): string {
  return selector.terms.map((t) => `${t.field}${t.operator}${escapeValue(t.value)}`).join(',');
}

/** If the selector pins `field` with `=`, its value (the apiserver uses metadata.name=x for single-object watches). */
export function fieldRequiresExactMatch(selector: FieldSelector, field: string): string | undefined {
  return selector.terms.find((t) => t.field === field && t.operator === '=')?.value;
}
