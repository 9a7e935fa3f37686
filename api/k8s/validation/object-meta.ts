// ObjectMeta, labels, annotations and label selectors (apimachinery's api/validation and meta/v1/validation).
import { isObject, type JsonObject } from '../meta.js';
import { forbidden, GoValue, goQuote, goStringMap, invalid, required, tooLong, type FieldError } from './field-error.js';
import { FIELD_IMMUTABLE, IS_NEGATIVE_ERROR, isQualifiedName, isValidLabelValue, nameIsDNSLabel, type NameValidator } from './names.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const strMap = (v: unknown): Record<string, string> => (isObject(v) ? (v as Record<string, string>) : {});
export const objs = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.map((x) => (isObject(x) ? x : {})) : []);
export const obj = (v: unknown): JsonObject | undefined => (isObject(v) ? v : undefined);

export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(strMap(labels))) {
    errs.push(...validateLabelName(k, path));
    for (const msg of isValidLabelValue(str(v))) errs.push(invalid(path, str(v), msg));
  }
  return errs;
}

export function validateLabelName(key: string, path: string): FieldError[] {
  return isQualifiedName(key).map((msg) => invalid(path, key, msg));
}

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(strMap(annotations))) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    size += k.length + str(v).length;
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

export function validateNonnegative(value: unknown, path: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(path, value, IS_NEGATIVE_ERROR)] : [];
}

export function validateImmutable(newValue: unknown, oldValue: unknown, path: string, shown: unknown = newValue): FieldError[] {
  return deepEqual(newValue, oldValue) ? [] : [invalid(path, shown, FIELD_IMMUTABLE)];
}

/** ValidateObjectMeta: name/generateName by the kind's rule, namespace presence, labels, annotations, owners. */
export function validateObjectMeta(meta: JsonObject, namespaced: boolean, nameFn: NameValidator, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  const generateName = str(meta.generateName);
  if (generateName !== '') for (const msg of nameFn(generateName, true)) errs.push(invalid(`${path}.generateName`, generateName, msg));
  const name = str(meta.name);
  if (name === '') errs.push(required(`${path}.name`, 'name or generateName is required'));
  else for (const msg of nameFn(name, false)) errs.push(invalid(`${path}.name`, name, msg));
  const namespace = str(meta.namespace);
  if (namespaced) {
    if (namespace === '') errs.push(required(`${path}.namespace`));
    else for (const msg of nameIsDNSLabel(namespace, false)) errs.push(invalid(`${path}.namespace`, namespace, msg));
  } else if (namespace !== '') {
    errs.push(forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  errs.push(...validateNonnegative(meta.generation, `${path}.generation`));
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(meta.finalizers, `${path}.finalizers`));
  return errs;
}

export function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  for (const ref of objs(refs)) {
    const apiVersion = str(ref.apiVersion);
    if (apiVersion === '' || apiVersion.split('/').length > 2) errs.push(invalid(`${path}.apiVersion`, apiVersion, 'version must not be empty'));
    if (str(ref.kind) === '') errs.push(invalid(`${path}.kind`, str(ref.kind), 'must not be empty'));
    if (str(ref.name) === '') errs.push(invalid(`${path}.name`, str(ref.name), 'must not be empty'));
    if (str(ref.uid) === '') errs.push(invalid(`${path}.uid`, str(ref.uid), 'must not be empty'));
    if (ref.controller === true) controllers.push(`${str(ref.kind)}/${str(ref.name)}`);
  }
  if (controllers.length > 1) {
    errs.push(invalid(path, new GoValue('[]v1.OwnerReference{...}'), `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`));
  }
  return errs;
}

export function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = Array.isArray(finalizers) ? finalizers.map(str) : [];
  for (const f of list) for (const msg of isQualifiedName(f)) errs.push(invalid(path, f, msg));
  return errs;
}

/** ValidateObjectMetaUpdate: the new metadata's own rules plus the fields an update may not change. */
export function validateObjectMetaUpdate(meta: JsonObject, old: JsonObject, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp !== undefined && old.deletionTimestamp !== null) {
    const before = new Set(Array.isArray(old.finalizers) ? old.finalizers : []);
    const added = (Array.isArray(meta.finalizers) ? meta.finalizers : []).filter((f) => !before.has(f));
    if (added.length > 0) errs.push(forbidden(`${path}.finalizers`, `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => goQuote(str(f))).join(', ')}}`));
  }
  if (typeof meta.generation === 'number' && typeof old.generation === 'number' && meta.generation < old.generation) {
    errs.push(invalid(`${path}.generation`, meta.generation, 'must not be decremented'));
  }
  errs.push(...validateImmutable(str(meta.name), str(old.name), `${path}.name`));
  errs.push(...validateImmutable(str(meta.namespace), str(old.namespace), `${path}.namespace`));
  errs.push(...validateImmutable(str(meta.uid), str(old.uid), `${path}.uid`));
  errs.push(...validateImmutable(meta.creationTimestamp ?? null, old.creationTimestamp ?? null, `${path}.creationTimestamp`, new GoValue(timeText(meta.creationTimestamp))));
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(meta.finalizers, `${path}.finalizers`));
  return errs;
}

function timeText(t: unknown): string {
  if (typeof t !== 'string') return '<nil>';
  return new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000 UTC');
}

/** metav1 ValidateLabelSelector (matchLabels and matchExpressions). */
export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  const sel = obj(selector);
  if (!sel) return [];
  const errs: FieldError[] = [];
  objs(sel.matchExpressions).forEach((req, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = Array.isArray(req.values) ? req.values : [];
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(`${p}.operator`, str(req.operator), 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(str(req.key), `${p}.key`));
  });
  errs.push(...validateLabels(sel.matchLabels, `${path}.matchLabels`));
  return errs;
}

/** %#v of a *metav1.LabelSelector, as immutable-selector errors print it. */
export function goLabelSelector(selector: unknown): GoValue {
  const sel = obj(selector);
  if (!sel) return new GoValue('(*v1.LabelSelector)(nil)');
  const labels = isObject(sel.matchLabels) ? goStringMap(strMap(sel.matchLabels)) : 'map[string]string(nil)';
  const exprs = Array.isArray(sel.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${objs(sel.matchExpressions)
        .map((r) => `v1.LabelSelectorRequirement{Key:${goQuote(str(r.key))}, Operator:${goQuote(str(r.operator))}, Values:${Array.isArray(r.values) ? `[]string{${r.values.map((v) => goQuote(str(v))).join(', ')}}` : '[]string(nil)'}}`)
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoValue(`v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`);
}

/** Whether a label selector matches a label set (for template-vs-selector checks). */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  const sel = obj(selector);
  if (!sel) return false;
  for (const [k, v] of Object.entries(strMap(sel.matchLabels))) if (labels[k] !== v) return false;
  for (const req of objs(sel.matchExpressions)) {
    const key = str(req.key);
    const values = (Array.isArray(req.values) ? req.values : []).map(str);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export function selectorIsEmpty(selector: unknown): boolean {
  const sel = obj(selector);
  return !sel || (Object.keys(strMap(sel.matchLabels)).length === 0 && objs(sel.matchExpressions).length === 0);
}

/** Semantic equality for JSON: null, absent and empty lists are the same (as Go's nil and empty slices). */
export function deepEqual(a: unknown, b: unknown): boolean {
  const na = normalize(a);
  const nb = normalize(b);
  return JSON.stringify(na) === JSON.stringify(nb);
}

function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(normalize);
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const n = normalize(v[k]);
      if (n !== undefined && n !== null) out[k] = n;
    }
    return out;
  }
  return v === null ? undefined : v;
}
