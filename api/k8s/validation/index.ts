// Kind-aware validation for the served resources: validateCreate / validateUpdate return field errors as the
// real apiserver reports them; invalidMessage turns them into the 422 message.
import type { ResourceInfo } from '../resources.js';
import { isObject, type JsonObject } from '../meta.js';
import { validateDeploymentSpec, validateReplicaSetSpec, validateScale, validateSelectorUpdate } from './apps.js';
import {
  validateBinding,
  validateConfigDataUpdate,
  validateConfigMap,
  validateEndpoints,
  validateEvent,
  validateEviction,
  validateLease,
  validateNamespaceSpec,
  validateNodeSpec,
  validateNodeUpdate,
  validateSecret,
} from './core.js';
import type { FieldError } from './field-error.js';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, type NameValidator } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { validatePodCreate, validatePodUpdate } from './pod.js';
import { validateServiceSpec, validateServiceUpdate } from './service.js';

interface KindRules {
  readonly name: NameValidator;
  readonly create?: (obj: JsonObject) => FieldError[];
  /** Update-only rules; the create rules run on updates too unless `update` replaces them. */
  readonly update?: (obj: JsonObject, old: JsonObject) => FieldError[];
  readonly updateReplacesCreate?: boolean;
}

const spec = (o: JsonObject): JsonObject => (isObject(o.spec) ? o.spec : {});

const RULES: Readonly<Record<string, KindRules>> = {
  Namespace: { name: nameIsDNSLabel, create: validateNamespaceSpec },
  Node: { name: nameIsDNSSubdomain, create: validateNodeSpec, update: validateNodeUpdate },
  Pod: { name: nameIsDNSSubdomain, create: validatePodCreate, update: validatePodUpdate, updateReplacesCreate: true },
  Service: { name: nameIsDNS1035Label, create: (o) => validateServiceSpec(spec(o)), update: (o, old) => validateServiceUpdate(spec(o), spec(old)) },
  Endpoints: { name: nameIsDNSSubdomain, create: validateEndpoints },
  Event: { name: nameIsDNSSubdomain, create: validateEvent },
  ConfigMap: { name: nameIsDNSSubdomain, create: validateConfigMap, update: (o, old) => validateConfigDataUpdate('ConfigMap', o, old) },
  Secret: { name: nameIsDNSSubdomain, create: validateSecret, update: (o, old) => validateConfigDataUpdate('Secret', o, old) },
  Deployment: { name: nameIsDNSSubdomain, create: (o) => validateDeploymentSpec(spec(o)), update: (o, old) => validateSelectorUpdate(spec(o), spec(old)) },
  ReplicaSet: { name: nameIsDNSSubdomain, create: (o) => validateReplicaSetSpec(spec(o)), update: (o, old) => validateSelectorUpdate(spec(o), spec(old)) },
  Lease: { name: nameIsDNSSubdomain, create: validateLease },
};

const metaOf = (o: JsonObject): JsonObject => (isObject(o.metadata) ? o.metadata : {});

/** Field errors of a new object of `info`'s kind; empty when valid. */
export function validateCreate(info: ResourceInfo, obj: JsonObject): FieldError[] {
  const rules = RULES[info.kind];
  const errs = validateObjectMeta(metaOf(obj), info.namespaced, rules?.name ?? nameIsDNSSubdomain);
  if (rules?.create) errs.push(...rules.create(obj));
  return errs;
}

/** Field errors of an update from `old` to `obj`: metadata immutability plus the kind's update rules. */
export function validateUpdate(info: ResourceInfo, obj: JsonObject, old: JsonObject): FieldError[] {
  const rules = RULES[info.kind];
  const errs = validateObjectMetaUpdate(metaOf(obj), metaOf(old));
  if (rules?.create && !rules.updateReplacesCreate) errs.push(...rules.create(obj));
  if (rules?.update) errs.push(...rules.update(obj, old));
  return errs;
}

/** Field errors of a subresource body: Binding (pods/binding), Eviction (pods/eviction), Scale (the scale subresource). */
export function validateSubresource(kind: 'Binding' | 'Eviction' | 'Scale', obj: JsonObject, parentName: string): FieldError[] {
  switch (kind) {
    case 'Binding':
      return validateBinding(obj);
    case 'Eviction':
      return validateEviction(obj, parentName);
    case 'Scale':
      return validateScale(obj);
  }
}

export { formatCause, formatError, GoValue, invalidMessage, qualifiedKind, type FieldError, type FieldErrorType } from './field-error.js';
export * as names from './names.js';
