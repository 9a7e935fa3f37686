// PodSpec validation (ValidatePodSpec): volumes, containers, policies, scheduling constraints.
import { isObject, type JsonObject } from '../meta.js';
import { validateContainers, validateInitContainers } from './container.js';
import { duplicate, forbidden, GoValue, invalid, notSupported, required, type FieldError } from './field-error.js';
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './names.js';
import { obj, objs, str, validateLabelName, validateLabels, validateLabelSelector } from './object-meta.js';

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];
const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validatePodSpec(spec: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const { names: volumes, errors: volumeErrors } = validateVolumes(spec.volumes, `${path}.volumes`);
  errs.push(...volumeErrors);
  const ctx = { volumes };
  errs.push(...validateContainers(spec.containers, `${path}.containers`, ctx));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, `${path}.initContainers`, ctx));
  errs.push(...validateEnum(spec.restartPolicy, `${path}.restartPolicy`, ['Always', 'OnFailure', 'Never']));
  errs.push(...validateEnum(spec.dnsPolicy, `${path}.dnsPolicy`, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validateAffinity(spec.affinity, `${path}.affinity`));
  errs.push(...validateTopologySpread(spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  for (const field of ['serviceAccountName', 'nodeName', 'priorityClassName']) {
    const v = str(spec[field]);
    if (v !== '') for (const msg of isDNS1123Subdomain(v)) errs.push(invalid(`${path}.${field}`, v, msg));
  }
  if (typeof spec.activeDeadlineSeconds === 'number' && (spec.activeDeadlineSeconds < 1 || spec.activeDeadlineSeconds > 2147483647)) {
    errs.push(invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, inclusiveRangeError(1, 2147483647)));
  }
  for (const field of ['hostname', 'subdomain']) {
    const v = str(spec[field]);
    if (v !== '') for (const msg of isDNS1123Label(v)) errs.push(invalid(`${path}.${field}`, v, msg));
  }
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null) {
    errs.push(...validateEnum(spec.preemptionPolicy, `${path}.preemptionPolicy`, ['PreemptLowerPriority', 'Never']));
  }
  return errs;
}

/** Required when empty; NotSupported outside `valid`. */
export function validateEnum(value: unknown, path: string, valid: readonly string[]): FieldError[] {
  if (value === undefined || value === null || value === '') return [required(path)];
  return valid.includes(str(value)) ? [] : [notSupported(path, str(value), valid)];
}

function validateVolumes(volumes: unknown, path: string): { names: Set<string>; errors: FieldError[] } {
  const names = new Set<string>();
  const errors: FieldError[] = [];
  objs(volumes).forEach((vol, i) => {
    const p = `${path}[${i}]`;
    errors.push(...validateVolumeSource(vol, p));
    const name = str(vol.name);
    if (name === '') errors.push(required(`${p}.name`));
    else for (const msg of isDNS1123Label(name)) errors.push(invalid(`${p}.name`, name, msg));
    if (names.has(name)) errors.push(duplicate(`${p}.name`, name));
    else names.add(name);
  });
  return { names, errors };
}

function validateVolumeSource(vol: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const source of VOLUME_SOURCES) {
    const s = vol[source];
    if (s === undefined || s === null) continue;
    if (count > 0) {
      errs.push(forbidden(`${path}.${source}`, 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    const v = isObject(s) ? s : {};
    const p = `${path}.${source}`;
    switch (source) {
      case 'configMap':
        if (str(v.name) === '') errs.push(required(`${p}.name`));
        errs.push(...validateMode(v.defaultMode, `${p}.defaultMode`), ...validateKeyToPaths(v.items, `${p}.items`));
        break;
      case 'secret':
        if (str(v.secretName) === '') errs.push(required(`${p}.secretName`));
        errs.push(...validateMode(v.defaultMode, `${p}.defaultMode`), ...validateKeyToPaths(v.items, `${p}.items`));
        break;
      case 'hostPath':
        if (str(v.path) === '') errs.push(required(`${p}.path`));
        if (v.type !== undefined && v.type !== null && !HOST_PATH_TYPES.includes(str(v.type))) errs.push(notSupported(`${p}.type`, str(v.type), HOST_PATH_TYPES));
        break;
      case 'persistentVolumeClaim':
        if (str(v.claimName) === '') errs.push(required(`${p}.claimName`));
        break;
      case 'downwardAPI':
        errs.push(...validateMode(v.defaultMode, `${p}.defaultMode`));
        objs(v.items).forEach((item, j) => {
          if (str(item.path) === '') errs.push(required(`${p}.items[${j}].path`));
        });
        break;
      case 'projected':
        errs.push(...validateMode(v.defaultMode, `${p}.defaultMode`));
        break;
      default:
        break;
    }
  }
  if (count === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

function validateMode(mode: unknown, path: string): FieldError[] {
  return typeof mode === 'number' && (mode < 0 || mode > 0o777) ? [invalid(path, mode, FILE_MODE_ERROR)] : [];
}

function validateKeyToPaths(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objs(items).forEach((item, i) => {
    const p = `${path}[${i}]`;
    if (str(item.key) === '') errs.push(required(`${p}.key`));
    const itemPath = str(item.path);
    if (itemPath === '') errs.push(required(`${p}.path`));
    else if (itemPath.startsWith('/')) errs.push(invalid(`${p}.path`, itemPath, 'must be a relative path'));
    else if (itemPath.split('/').includes('..')) errs.push(invalid(`${p}.path`, itemPath, "must not contain '..'"));
    errs.push(...validateMode(item.mode, `${p}.mode`));
  });
  return errs;
}

export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objs(tolerations).forEach((t, i) => {
    const p = `${path}[${i}]`;
    const key = str(t.key);
    if (key !== '') errs.push(...validateLabelName(key, `${p}.key`));
    if (key === '' && t.operator !== 'Exists') {
      errs.push(invalid(`${p}.operator`, str(t.operator), 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errs.push(invalid(`${p}.effect`, str(t.effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (t.operator ?? '') {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(str(t.value));
        if (msgs.length > 0) errs.push(invalid(`${p}.operator`, str(t.value), msgs.join(';')));
        break;
      }
      case 'Exists':
        if (str(t.value) !== '') errs.push(invalid(`${p}.operator`, str(t.value), "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(`${p}.operator`, str(t.operator), ['Equal', 'Exists']));
    }
    if (str(t.effect) !== '' && !TAINT_EFFECTS.includes(str(t.effect))) errs.push(notSupported(`${p}.effect`, str(t.effect), TAINT_EFFECTS));
  });
  return errs;
}

/** Taints on a node: key and effect required, effect one of the three. */
export function validateTaints(taints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  objs(taints).forEach((t, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateLabelName(str(t.key), `${p}.key`));
    const value = str(t.value);
    if (value !== '') for (const msg of isValidLabelValue(value)) errs.push(invalid(`${p}.value`, value, msg));
    errs.push(...validateEnum(t.effect, `${p}.effect`, TAINT_EFFECTS));
    const id = `${str(t.key)}:${str(t.effect)}`;
    const text = value === '' ? `${str(t.key)}:${str(t.effect)}` : `${str(t.key)}=${value}:${str(t.effect)}`;
    if (seen.has(id)) errs.push(duplicate(p, new GoValue(text), 'taints must be unique by key and effect pair'));
    seen.add(id);
  });
  return errs;
}

function validateNodeSelectorTerms(selector: unknown, path: string): FieldError[] {
  const sel = obj(selector);
  if (!sel) return [];
  const terms = objs(sel.nodeSelectorTerms);
  if (terms.length === 0) return [required(`${path}.nodeSelectorTerms`, 'must have at least one node selector term')];
  const errs: FieldError[] = [];
  terms.forEach((term, i) => errs.push(...validateNodeSelectorTerm(term, `${path}.nodeSelectorTerms[${i}]`)));
  return errs;
}

function validateNodeSelectorTerm(term: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objs(term.matchExpressions).forEach((req, j) => {
    const p = `${path}.matchExpressions[${j}]`;
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
      case 'Gt':
      case 'Lt':
        if (values.length !== 1) errs.push(required(`${p}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
        break;
      default:
        errs.push(invalid(`${p}.operator`, str(req.operator), 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(str(req.key), `${p}.key`));
  });
  return errs;
}

function validateAffinity(affinity: unknown, path: string): FieldError[] {
  const a = obj(affinity);
  if (!a) return [];
  const errs: FieldError[] = [];
  const node = obj(a.nodeAffinity);
  if (node) {
    const p = `${path}.nodeAffinity`;
    errs.push(...validateNodeSelectorTerms(node.requiredDuringSchedulingIgnoredDuringExecution, `${p}.requiredDuringSchedulingIgnoredDuringExecution`));
    objs(node.preferredDuringSchedulingIgnoredDuringExecution).forEach((term, i) => {
      const tp = `${p}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...validateWeight(term.weight, `${tp}.weight`));
      errs.push(...validateNodeSelectorTerm(obj(term.preference) ?? {}, `${tp}.preference`));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pa = obj(a[kind]);
    if (!pa) continue;
    const p = `${path}.${kind}`;
    objs(pa.requiredDuringSchedulingIgnoredDuringExecution).forEach((term, i) => {
      errs.push(...validatePodAffinityTerm(term, `${p}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`));
    });
    objs(pa.preferredDuringSchedulingIgnoredDuringExecution).forEach((term, i) => {
      const tp = `${p}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...validateWeight(term.weight, `${tp}.weight`));
      errs.push(...validatePodAffinityTerm(obj(term.podAffinityTerm) ?? {}, `${tp}.podAffinityTerm`));
    });
  }
  return errs;
}

function validateWeight(weight: unknown, path: string): FieldError[] {
  return typeof weight === 'number' && weight >= 1 && weight <= 100 ? [] : [invalid(path, weight ?? 0, 'must be in the range 1-100')];
}

function validatePodAffinityTerm(term: JsonObject, path: string): FieldError[] {
  const errs = validateLabelSelector(term.labelSelector, `${path}.labelSelector`);
  errs.push(...validateLabelSelector(term.namespaceSelector, `${path}.namespaceSelector`));
  for (const ns of Array.isArray(term.namespaces) ? term.namespaces : []) {
    for (const msg of isDNS1123Label(str(ns))) errs.push(invalid(`${path}.namespace`, str(ns), msg));
  }
  const key = str(term.topologyKey);
  if (key === '') errs.push(required(`${path}.topologyKey`, 'can not be empty'));
  else for (const msg of isQualifiedName(key)) errs.push(invalid(`${path}.topologyKey`, key, msg));
  return errs;
}

function validateTopologySpread(constraints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  objs(constraints).forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (typeof c.maxSkew !== 'number' || c.maxSkew <= 0) errs.push(invalid(`${p}.maxSkew`, c.maxSkew ?? 0, 'must be greater than zero'));
    const key = str(c.topologyKey);
    if (key === '') errs.push(required(`${p}.topologyKey`, 'can not be empty'));
    else for (const msg of isQualifiedName(key)) errs.push(invalid(`${p}.topologyKey`, key, msg));
    errs.push(...validateEnum(c.whenUnsatisfiable, `${p}.whenUnsatisfiable`, ['DoNotSchedule', 'ScheduleAnyway']));
    const id = `${key}/${str(c.whenUnsatisfiable)}`;
    if (seen.has(id)) errs.push(duplicate(`${p}.{topologyKey, whenUnsatisfiable}`, `{${key}, ${str(c.whenUnsatisfiable)}}`));
    seen.add(id);
    if (typeof c.minDomains === 'number' && c.minDomains <= 0) errs.push(invalid(`${p}.minDomains`, c.minDomains, 'must be greater than 0'));
    errs.push(...validateLabelSelector(c.labelSelector, `${p}.labelSelector`));
  });
  return errs;
}
