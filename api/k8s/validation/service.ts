// Services (ValidateService / ValidateServiceUpdate in pkg/apis/core/validation).
import type { JsonObject } from '../meta.js';
import { duplicate, forbidden, GoValue, invalid, required, type FieldError } from './field-error.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidIP, isValidPortNum } from './names.js';
import { objs, str, validateLabels } from './object-meta.js';
import { validatePortNumOrName, validateProtocol } from './container.js';
import { validateEnum } from './pod-spec.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

export function validateServiceSpec(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(spec.type);
  const ports = objs(spec.ports);
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  if (type === 'ExternalName') {
    const name = str(spec.externalName);
    if (name === '') errs.push(required('spec.externalName'));
    else for (const msg of isDNS1123Subdomain(name.replace(/\.$/, ''))) errs.push(invalid('spec.externalName', name, msg));
  }
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `spec.ports[${i}]`;
    const name = str(port.name);
    if (ports.length > 1 && name === '') errs.push(required(`${p}.name`));
    else if (name !== '') {
      for (const msg of isDNS1123Label(name)) errs.push(invalid(`${p}.name`, name, msg));
      if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
      names.add(name);
    }
    for (const msg of isValidPortNum(Number(port.port ?? 0))) errs.push(invalid(`${p}.port`, port.port ?? 0, msg));
    errs.push(...validateProtocol(port.protocol, `${p}.protocol`));
    errs.push(...validatePortNumOrName(port.targetPort, `${p}.targetPort`));
    if (port.nodePort !== undefined && port.nodePort !== 0 && port.nodePort !== null) {
      if (type === 'ClusterIP' || type === '') errs.push(forbidden(`${p}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
      else for (const msg of isValidPortNum(Number(port.nodePort))) errs.push(invalid(`${p}.nodePort`, port.nodePort, msg));
    }
  });
  const seen = new Set<string>();
  ports.forEach((port, i) => {
    const key = `${str(port.protocol)}/${String(port.port)}`;
    if (seen.has(key)) {
      const text = `core.ServicePort{Name:"", Protocol:"${str(port.protocol)}", AppProtocol:(*string)(nil), Port:${String(port.port)}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
      errs.push(duplicate(`spec.ports[${i}]`, new GoValue(text)));
    }
    seen.add(key);
  });
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...validateEnum(spec.sessionAffinity, 'spec.sessionAffinity', ['ClientIP', 'None']));
  errs.push(...validateEnum(spec.type, 'spec.type', SERVICE_TYPES));
  const clusterIPs = Array.isArray(spec.clusterIPs) ? spec.clusterIPs.map(str) : str(spec.clusterIP) !== '' ? [str(spec.clusterIP)] : [];
  clusterIPs.forEach((ip, i) => {
    if (ip === 'None' && i === 0) return;
    if (!isValidIP(ip)) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  if (Array.isArray(spec.clusterIPs) && str(spec.clusterIP) !== '' && spec.clusterIPs[0] !== spec.clusterIP) {
    errs.push(invalid('spec.clusterIPs', new GoValue(`[]string{${spec.clusterIPs.map((x) => JSON.stringify(str(x))).join(', ')}}`), 'first value must match `clusterIP`'));
  }
  if (type === 'ExternalName' && clusterIPs.length > 0 && str(spec.clusterIP) !== '') errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
  if (spec.externalTrafficPolicy !== undefined && spec.externalTrafficPolicy !== null && spec.externalTrafficPolicy !== '') {
    if (type === 'ClusterIP' || type === 'ExternalName') errs.push(invalid('spec.externalTrafficPolicy', str(spec.externalTrafficPolicy), 'may only be set for externally-accessible services'));
    else errs.push(...validateEnum(spec.externalTrafficPolicy, 'spec.externalTrafficPolicy', ['Cluster', 'Local']));
  }
  if (spec.internalTrafficPolicy !== undefined && spec.internalTrafficPolicy !== null && type !== 'ExternalName') {
    errs.push(...validateEnum(spec.internalTrafficPolicy, 'spec.internalTrafficPolicy', ['Cluster', 'Local']));
  }
  if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) {
    errs.push(...validateEnum(spec.ipFamilyPolicy, 'spec.ipFamilyPolicy', ['SingleStack', 'PreferDualStack', 'RequireDualStack']));
  }
  return errs;
}

/**
 * Once allocated, the primary cluster IP stays (unless the type moves to or from ExternalName). An update that
 * leaves clusterIP out is fine here: the service strategy copies the allocated values forward first.
 */
export function validateServiceUpdate(spec: JsonObject, old: JsonObject): FieldError[] {
  if (spec.type === 'ExternalName' || old.type === 'ExternalName') return [];
  const oldIPs = Array.isArray(old.clusterIPs) ? old.clusterIPs.map(str) : str(old.clusterIP) !== '' ? [str(old.clusterIP)] : [];
  const newIPs = Array.isArray(spec.clusterIPs) ? spec.clusterIPs.map(str) : str(spec.clusterIP) !== '' ? [str(spec.clusterIP)] : [];
  if (oldIPs.length > 0 && newIPs.length > 0 && oldIPs[0] !== newIPs[0]) {
    return [invalid('spec.clusterIPs[0]', new GoValue(`[]string{${newIPs.map((x) => JSON.stringify(x)).join(', ')}}`), 'may not change once set')];
  }
  return [];
}
