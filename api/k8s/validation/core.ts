// The smaller core/v1 kinds (Namespace, Node, ConfigMap, Secret, Endpoints, Event), coordination/v1 Lease and
// the pod subresource kinds Binding and Eviction.
import { isObject, type JsonObject } from '../meta.js';
import { forbidden, invalid, notSupported, required, tooLong, type FieldError } from './field-error.js';
import { isConfigMapKey, isDNS1123Label, isValidIP, isValidPortNum } from './names.js';
import { obj, objs, str, validateImmutable, validateNonnegative } from './object-meta.js';
import { validateProtocol } from './container.js';
import { validateTaints } from './pod-spec.js';

/** 1 MiB: the most a ConfigMap's or Secret's data may hold. */
export const MAX_DATA_SIZE = 1024 * 1024;

export function validateConfigMap(cm: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = isObject(cm.data) ? cm.data : {};
  const binary = isObject(cm.binaryData) ? cm.binaryData : {};
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(`data[${key}]`, key, msg));
    if (key in binary) errs.push(invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
    size += str(value).length;
  }
  for (const [key, value] of Object.entries(binary)) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(`binaryData[${key}]`, key, msg));
    size += Math.floor((str(value).length * 3) / 4);
  }
  if (size > MAX_DATA_SIZE) errs.push(tooLong('', MAX_DATA_SIZE));
  return errs;
}

/** Data keys plus the keys each well-known Secret type requires. */
export function validateSecret(secret: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = isObject(secret.data) ? secret.data : {};
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(`data[${key}]`, key, msg));
    size += Math.floor((str(value).length * 3) / 4);
  }
  if (size > MAX_DATA_SIZE) errs.push(tooLong('data', MAX_DATA_SIZE));
  const has = (k: string) => k in data || (isObject(secret.stringData) && k in secret.stringData);
  switch (secret.type) {
    case 'kubernetes.io/dockerconfigjson':
      if (!has('.dockerconfigjson')) errs.push(required('data[.dockerconfigjson]'));
      break;
    case 'kubernetes.io/dockercfg':
      if (!has('.dockercfg')) errs.push(required('data[.dockercfg]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required('data[tls.crt]'));
      if (!has('tls.key')) errs.push(required('data[tls.key]'));
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) errs.push(required('data[username]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!has('ssh-privatekey')) errs.push(required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/service-account-token': {
      const annotations = obj(obj(secret.metadata)?.annotations) ?? {};
      if (str(annotations['kubernetes.io/service-account.name']) === '') errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    }
    default:
      break;
  }
  return errs;
}

/** ConfigMaps and Secrets marked immutable keep their data; the type of a Secret never changes. */
export function validateConfigDataUpdate(kind: 'ConfigMap' | 'Secret', next: JsonObject, old: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  if (kind === 'Secret') errs.push(...validateImmutable(str(next.type), str(old.type), 'type'));
  if (old.immutable === true) {
    if (next.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    for (const field of kind === 'Secret' ? ['data'] : ['data', 'binaryData']) {
      if (JSON.stringify(next[field] ?? {}) !== JSON.stringify(old[field] ?? {})) errs.push(forbidden(field, 'field is immutable when `immutable` is set'));
    }
  }
  return errs;
}

export function validateNamespaceSpec(ns: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const finalizers = Array.isArray(obj(ns.spec)?.finalizers) ? (obj(ns.spec)!.finalizers as unknown[]) : [];
  for (const f of finalizers) {
    const name = str(f);
    if (name !== 'kubernetes' && !name.includes('/')) errs.push(invalid('spec.finalizers', name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

export function validateNodeSpec(node: JsonObject): FieldError[] {
  const spec = obj(node.spec) ?? {};
  const errs = validateTaints(spec.taints, 'spec.taints');
  const cidrs = Array.isArray(spec.podCIDRs) ? spec.podCIDRs.map(str) : [];
  if (str(spec.podCIDR) !== '' && cidrs.length > 0 && cidrs[0] !== spec.podCIDR) errs.push(invalid('spec.podCIDRs', spec.podCIDR, 'first value must match `podCIDR`'));
  cidrs.forEach((cidr, i) => {
    const [ip, bits] = cidr.split('/');
    if (!ip || !isValidIP(ip) || bits === undefined || !/^\d+$/.test(bits)) errs.push(invalid(`spec.podCIDRs[${i}]`, cidr, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  return errs;
}

/** podCIDR(s) and providerID may only go from "" to a value. */
export function validateNodeUpdate(node: JsonObject, old: JsonObject): FieldError[] {
  const spec = obj(node.spec) ?? {};
  const oldSpec = obj(old.spec) ?? {};
  const errs: FieldError[] = [];
  const oldCidrs = Array.isArray(oldSpec.podCIDRs) ? oldSpec.podCIDRs : [];
  if (oldCidrs.length > 0 && JSON.stringify(oldCidrs) !== JSON.stringify(spec.podCIDRs ?? [])) {
    errs.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (str(oldSpec.providerID) !== '' && str(oldSpec.providerID) !== str(spec.providerID)) {
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

export function validateEndpoints(ep: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  objs(ep.subsets).forEach((subset, i) => {
    const p = `subsets[${i}]`;
    const addresses = [...objs(subset.addresses), ...objs(subset.notReadyAddresses)];
    if (addresses.length === 0 && objs(subset.ports).length > 0) errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    for (const field of ['addresses', 'notReadyAddresses']) {
      objs(subset[field]).forEach((addr, j) => {
        const ip = str(addr.ip);
        if (!isValidIP(ip)) errs.push(invalid(`${p}.${field}[${j}].ip`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
        const nodeName = str(addr.nodeName);
        if (nodeName !== '') for (const msg of isDNS1123Label(nodeName.split('.')[0]!)) errs.push(invalid(`${p}.${field}[${j}].nodeName`, nodeName, msg));
      });
    }
    const ports = objs(subset.ports);
    ports.forEach((port, j) => {
      const pp = `${p}.ports[${j}]`;
      const name = str(port.name);
      if (ports.length > 1 && name === '') errs.push(required(`${pp}.name`));
      else if (name !== '') for (const msg of isDNS1123Label(name)) errs.push(invalid(`${pp}.name`, name, msg));
      for (const msg of isValidPortNum(Number(port.port ?? 0))) errs.push(invalid(`${pp}.port`, port.port ?? 0, msg));
      errs.push(...validateProtocol(port.protocol, `${pp}.protocol`));
    });
  });
  return errs;
}

export function validateEvent(event: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const involved = obj(event.involvedObject) ?? {};
  const namespace = str(obj(event.metadata)?.namespace);
  const involvedNs = str(involved.namespace);
  if (involvedNs !== '' && involvedNs !== namespace) errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  if (event.type !== undefined && event.type !== '' && event.type !== 'Normal' && event.type !== 'Warning') {
    errs.push(notSupported('type', str(event.type), ['Normal', 'Warning']));
  }
  errs.push(...validateNonnegative(event.count, 'count'));
  return errs;
}

export function validateLease(lease: JsonObject): FieldError[] {
  const spec = obj(lease.spec) ?? {};
  const errs: FieldError[] = [];
  if (typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds <= 0) {
    errs.push(invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  errs.push(...validateNonnegative(spec.leaseTransitions, 'spec.leaseTransitions'));
  if (spec.strategy !== undefined && spec.strategy !== null && spec.strategy !== 'OldestEmulationVersion') {
    errs.push(notSupported('spec.strategy', str(spec.strategy), ['OldestEmulationVersion']));
  }
  if (str(spec.preferredHolder) !== '' && (spec.strategy === undefined || spec.strategy === null)) {
    errs.push(forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

/** v1 Binding posted to pods/<name>/binding. */
export function validateBinding(binding: JsonObject): FieldError[] {
  const target = obj(binding.target) ?? {};
  const errs: FieldError[] = [];
  if (str(target.kind) !== '' && target.kind !== 'Node') errs.push(notSupported('target.kind', str(target.kind), ['Node', '<empty>']));
  if (str(target.name) === '') errs.push(required('target.name'));
  return errs;
}

/** policy/v1 Eviction posted to pods/<name>/eviction: the name must be the pod's. */
export function validateEviction(eviction: JsonObject, podName: string): FieldError[] {
  const name = str(obj(eviction.metadata)?.name);
  return name !== '' && name !== podName ? [invalid('metadata.name', name, `must match the pod name "${podName}"`)] : [];
}

