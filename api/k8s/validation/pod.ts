// Pods and pod templates: create-time validation and the narrow set of changes a pod update may make.
import { isObject, type JsonObject } from '../meta.js';
import { forbidden, invalid, type FieldError } from './field-error.js';
import { inclusiveRangeError } from './names.js';
import { deepEqual, obj, objs, str, validateAnnotations, validateLabels } from './object-meta.js';
import { validatePodSpec, validateTolerations } from './pod-spec.js';

export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** The spec of a new Pod (metadata is validated by the caller). */
export function validatePodCreate(pod: JsonObject): FieldError[] {
  const spec = obj(pod.spec) ?? {};
  const errs = validatePodSpec(spec, 'spec');
  if (objs(spec.ephemeralContainers).length > 0) errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  return errs;
}

/** ValidatePodTemplateSpec: the template's labels and annotations, then its pod spec. */
export function validatePodTemplate(template: JsonObject, path: string): FieldError[] {
  const meta = obj(template.metadata) ?? {};
  const errs = validateLabels(meta.labels, `${path}.metadata.labels`);
  errs.push(...validateAnnotations(meta.annotations, `${path}.metadata.annotations`));
  const spec = obj(template.spec) ?? {};
  errs.push(...validatePodSpec(spec, `${path}.spec`));
  if (objs(spec.ephemeralContainers).length > 0) errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  return errs;
}

/** ValidatePodUpdate's spec part: only images, activeDeadlineSeconds, added tolerations and a few more may change. */
export function validatePodUpdate(pod: JsonObject, old: JsonObject): FieldError[] {
  const spec = obj(pod.spec) ?? {};
  const oldSpec = obj(old.spec) ?? {};
  const errs = validatePodSpec(spec, 'spec');
  for (const kind of ['containers', 'initContainers']) {
    if (objs(spec[kind]).length !== objs(oldSpec[kind]).length) {
      errs.push(forbidden(`spec.${kind}`, 'pod updates may not add or remove containers'));
      return errs;
    }
  }
  const deadline = spec.activeDeadlineSeconds;
  if (typeof deadline === 'number') {
    if (deadline < 0 || deadline > 2147483647) return [...errs, invalid('spec.activeDeadlineSeconds', deadline, inclusiveRangeError(0, 2147483647))];
    if (typeof oldSpec.activeDeadlineSeconds === 'number' && oldSpec.activeDeadlineSeconds < deadline) {
      return [...errs, invalid('spec.activeDeadlineSeconds', deadline, 'must be less than or equal to previous value')];
    }
  } else if (typeof oldSpec.activeDeadlineSeconds === 'number') {
    errs.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(spec.tolerations, oldSpec.tolerations));

  // Copy what may change from the old spec into the new one; anything still different is forbidden.
  const munged: JsonObject = structuredClone(spec);
  for (const kind of ['containers', 'initContainers']) {
    const oldList = objs(oldSpec[kind]);
    objs(munged[kind]).forEach((c, i) => {
      c.image = oldList[i]?.image;
    });
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.tolerations = oldSpec.tolerations;
  if (typeof oldSpec.terminationGracePeriodSeconds === 'number' && oldSpec.terminationGracePeriodSeconds < 0 && spec.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  // Scheduling gates may only be removed.
  const oldGates = objs(oldSpec.schedulingGates).map((g) => str(g.name));
  if (objs(spec.schedulingGates).every((g) => oldGates.includes(str(g.name)))) munged.schedulingGates = oldSpec.schedulingGates;
  if (!deepEqual(munged, oldSpec)) errs.push(forbidden('spec', `${POD_UPDATE_FORBIDDEN}\n${specDiff(oldSpec, munged)}`));
  return errs;
}

function validateOnlyAddedTolerations(tolerations: unknown, oldTolerations: unknown): FieldError[] {
  const next = objs(tolerations);
  for (const old of objs(oldTolerations)) {
    const found = next.some((t) => deepEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(tolerations, 'spec.tolerations');
}

/** A short rendering of what differs, in the spirit of the cmp.Diff the apiserver appends. */
function specDiff(old: JsonObject, next: JsonObject): string {
  const lines = ['  core.PodSpec{'];
  const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])];
  for (const k of keys) {
    if (deepEqual(old[k], next[k])) continue;
    const field = k.charAt(0).toUpperCase() + k.slice(1);
    if (old[k] !== undefined) lines.push(`- \t${field}: ${render(old[k])},`);
    if (next[k] !== undefined) lines.push(`+ \t${field}: ${render(next[k])},`);
  }
  lines.push('  }');
  return `${lines.join('\n')}\n`;
}

function render(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v) || isObject(v)) return JSON.stringify(v);
  return String(v);
}
