// Deployments and ReplicaSets (pkg/apis/apps/validation).
import type { JsonObject } from '../meta.js';
import { forbidden, GoValue, goStringMap, invalid, notSupported, required, type FieldError } from './field-error.js';
import { isValidPercent } from './names.js';
import { goLabelSelector, obj, selectorIsEmpty, selectorMatches, strMap, validateImmutable, validateLabelSelector, validateNonnegative } from './object-meta.js';
import { validatePodTemplate } from './pod.js';

export function validateDeploymentSpec(spec: JsonObject): FieldError[] {
  const errs = validateNonnegative(spec.replicas, 'spec.replicas');
  errs.push(...validateSelectorAndTemplate(spec, 'deployment'));
  errs.push(...validateStrategy(obj(spec.strategy) ?? {}, 'spec.strategy'));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (typeof spec.progressDeadlineSeconds === 'number') {
    errs.push(...validateNonnegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
    if (spec.progressDeadlineSeconds <= minReady) errs.push(invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function validateReplicaSetSpec(spec: JsonObject): FieldError[] {
  const errs = validateNonnegative(spec.replicas, 'spec.replicas');
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateSelectorAndTemplate(spec, 'replicaset'));
  return errs;
}

/** Selector present and non-empty, template labels matching it, template valid with restartPolicy Always. */
function validateSelectorAndTemplate(spec: JsonObject, what: 'deployment' | 'replicaset'): FieldError[] {
  const errs: FieldError[] = [];
  const selector = obj(spec.selector);
  if (!selector) errs.push(required('spec.selector'));
  else {
    errs.push(...validateLabelSelector(selector, 'spec.selector'));
    if (selectorIsEmpty(selector)) errs.push(invalid('spec.selector', goLabelSelector(selector), 'empty selector is invalid for deployment'));
  }
  const template = obj(spec.template);
  if (!template) {
    if (what === 'deployment') errs.push(required('spec.template'));
    return errs;
  }
  const labels = obj(obj(template.metadata)?.labels);
  if (selector && !selectorIsEmpty(selector) && !selectorMatches(selector, strMap(labels))) {
    errs.push(invalid('spec.template.metadata.labels', new GoValue(goStringMap(labels ? strMap(labels) : undefined)), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplate(template, 'spec.template'));
  const podSpec = obj(template.spec) ?? {};
  if (podSpec.restartPolicy !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', typeof podSpec.restartPolicy === 'string' ? podSpec.restartPolicy : '', ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(invalid('spec.template.spec.activeDeadlineSeconds', podSpec.activeDeadlineSeconds, `activeDeadlineSeconds in ${what === 'deployment' ? 'Deployment' : 'ReplicaSet'} is not Supported`));
  }
  return errs;
}

function validateStrategy(strategy: JsonObject, path: string): FieldError[] {
  switch (strategy.type) {
    case 'Recreate':
      return strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null
        ? [forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")]
        : [];
    case 'RollingUpdate': {
      const ru = obj(strategy.rollingUpdate);
      if (!ru) return [required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
      const errs = [...validateIntOrPercent(ru.maxUnavailable, `${path}.rollingUpdate.maxUnavailable`), ...validateIntOrPercent(ru.maxSurge, `${path}.rollingUpdate.maxSurge`)];
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalid(`${path}.rollingUpdate.maxUnavailable`, new GoValue(String(ru.maxUnavailable ?? 0)), 'may not be 0 when `maxSurge` is 0'));
      }
      if (typeof ru.maxUnavailable === 'string' && isValidPercent(ru.maxUnavailable).length === 0 && intOrPercentValue(ru.maxUnavailable) > 100) {
        errs.push(invalid(`${path}.rollingUpdate.maxUnavailable`, new GoValue(ru.maxUnavailable), 'must not be greater than 100%'));
      }
      return errs;
    }
    default:
      return [notSupported(path, new GoValue(`apps.DeploymentStrategy{Type:"${String(strategy.type ?? '')}"}`), ['Recreate', 'RollingUpdate'])];
  }
}

function validateIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((msg) => invalid(path, new GoValue(v), msg));
  return validateNonnegative(v, path);
}

function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^[0-9]+%$/.test(v)) return Number(v.slice(0, -1));
  return -1;
}

/** The selector of a Deployment or ReplicaSet may not change (apps/v1). */
export function validateSelectorUpdate(spec: JsonObject, old: JsonObject): FieldError[] {
  return validateImmutable(spec.selector, old.selector, 'spec.selector', goLabelSelector(spec.selector));
}

/** autoscaling/v1 Scale written through /scale. */
export function validateScale(scale: JsonObject): FieldError[] {
  return validateNonnegative(obj(scale.spec)?.replicas, 'spec.replicas');
}
