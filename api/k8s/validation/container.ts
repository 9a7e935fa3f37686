// Container validation (validateContainers / validateContainerCommon in pkg/apis/core/validation): names,
// images, ports, env, mounts, resources, probes and lifecycle handlers.
import { isObject, type JsonObject } from '../meta.js';
import { compareQuantities, formatQuantity, tryParseQuantity } from '../quantity.js';
import { duplicate, forbidden, invalid, notFound, notSupported, required, type FieldError } from './field-error.js';
import { IS_NEGATIVE_ERROR, isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isEnvVarName, isValidPortName, isValidPortNum } from './names.js';
import { obj, objs, str, validateNonnegative } from './object-meta.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

export interface ContainerContext {
  /** Names of the pod's volumes, for volumeMounts. */
  readonly volumes: ReadonlySet<string>;
}

/** Regular containers: at least one, unique names, the common checks, probes and lifecycle. */
export function validateContainers(containers: unknown, path: string, ctx: ContainerContext): FieldError[] {
  const list = objs(containers);
  if (list.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((c, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, p, ctx));
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) errs.push(forbidden(`${p}.restartPolicy`, 'may not be set for non-init containers'));
    if (names.has(str(c.name))) errs.push(duplicate(`${p}.name`, str(c.name)));
    names.add(str(c.name));
    errs.push(...validateLifecycle(c.lifecycle, `${p}.lifecycle`));
    errs.push(...validateProbe(c.livenessProbe, `${p}.livenessProbe`, true));
    errs.push(...validateProbe(c.readinessProbe, `${p}.readinessProbe`, false));
    errs.push(...validateProbe(c.startupProbe, `${p}.startupProbe`, true));
  });
  return errs;
}

/** Init containers: names unique across all containers; probes only for sidecars (restartPolicy Always). */
export function validateInitContainers(containers: unknown, regular: unknown, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(objs(regular).map((c) => str(c.name)));
  objs(containers).forEach((c, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, p, ctx));
    if (names.has(str(c.name))) errs.push(duplicate(`${p}.name`, str(c.name)));
    names.add(str(c.name));
    const sidecar = c.restartPolicy === 'Always';
    if (c.restartPolicy !== undefined && c.restartPolicy !== null && !sidecar) errs.push(notSupported(`${p}.restartPolicy`, str(c.restartPolicy), ['Always']));
    for (const probe of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
      if (c[probe] === undefined || c[probe] === null) continue;
      if (!sidecar) errs.push(forbidden(`${p}.${probe}`, 'may not be set for init containers without restartPolicy=Always'));
      else if (probe === 'lifecycle') errs.push(...validateLifecycle(c.lifecycle, `${p}.lifecycle`));
      else errs.push(...validateProbe(c[probe], `${p}.${probe}`, probe !== 'readinessProbe'));
    }
  });
  return errs;
}

function validateContainerCommon(c: JsonObject, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (name === '') errs.push(required(`${path}.name`));
  else for (const msg of isDNS1123Label(name)) errs.push(invalid(`${path}.name`, name, msg));
  if (str(c.image) === '') errs.push(required(`${path}.image`));
  switch (c.terminationMessagePolicy) {
    case 'File':
    case 'FallbackToLogsOnError':
      break;
    case undefined:
    case '':
      errs.push(required(`${path}.terminationMessagePolicy`, "must be 'File' or 'FallbackToLogsOnError'"));
      break;
    default:
      errs.push(notSupported(`${path}.terminationMessagePolicy`, str(c.terminationMessagePolicy), ['File', 'FallbackToLogsOnError']));
  }
  errs.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(c.volumeMounts, `${path}.volumeMounts`, ctx));
  switch (c.imagePullPolicy) {
    case 'Always':
    case 'IfNotPresent':
    case 'Never':
      break;
    case undefined:
    case '':
      errs.push(required(`${path}.imagePullPolicy`));
      break;
    default:
      errs.push(notSupported(`${path}.imagePullPolicy`, str(c.imagePullPolicy), ['Always', 'IfNotPresent', 'Never']));
  }
  errs.push(...validateResources(c.resources, `${path}.resources`));
  return errs;
}

export function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  objs(ports).forEach((port, i) => {
    const p = `${path}[${i}]`;
    const name = str(port.name);
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const msg of msgs) errs.push(invalid(`${p}.name`, name, msg));
      else if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
      else names.add(name);
    }
    if (port.containerPort === undefined || port.containerPort === 0) errs.push(required(`${p}.containerPort`));
    else for (const msg of isValidPortNum(Number(port.containerPort))) errs.push(invalid(`${p}.containerPort`, port.containerPort, msg));
    if (port.hostPort !== undefined && port.hostPort !== 0) for (const msg of isValidPortNum(Number(port.hostPort))) errs.push(invalid(`${p}.hostPort`, port.hostPort, msg));
    errs.push(...validateProtocol(port.protocol, `${p}.protocol`));
  });
  return errs;
}

export function validateProtocol(protocol: unknown, path: string): FieldError[] {
  if (protocol === undefined || protocol === '') return [required(path)];
  return PROTOCOLS.includes(str(protocol)) ? [] : [notSupported(path, str(protocol), PROTOCOLS)];
}

/** ValidatePortNumOrName for int-or-string ports (probes, service targetPort). */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((msg) => invalid(path, port, msg));
  if (typeof port === 'string') return isValidPortName(port).map((msg) => invalid(path, port, msg));
  return [required(path)];
}

const ENV_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];

function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objs(env).forEach((ev, i) => {
    const p = `${path}[${i}]`;
    const name = str(ev.name);
    if (name === '') errs.push(required(`${p}.name`));
    else for (const msg of isEnvVarName(name)) errs.push(invalid(`${p}.name`, name, msg));
    const from = obj(ev.valueFrom);
    if (!from) return;
    const fp = `${p}.valueFrom`;
    let sources = 0;
    const fieldRef = obj(from.fieldRef);
    if (fieldRef) {
      sources++;
      const fieldPath = str(fieldRef.fieldPath);
      if (str(fieldRef.apiVersion) === '') errs.push(required(`${fp}.fieldRef.apiVersion`));
      if (fieldPath === '') errs.push(required(`${fp}.fieldRef.fieldPath`));
      else if (!ENV_FIELD_PATHS.includes(fieldPath) && !/^metadata\.(annotations|labels)\['[^']+'\]$/.test(fieldPath)) {
        errs.push(notSupported(`${fp}.fieldRef.fieldPath`, fieldPath, ENV_FIELD_PATHS));
      }
    }
    const resourceRef = obj(from.resourceFieldRef);
    if (resourceRef) {
      sources++;
      if (str(resourceRef.resource) === '') errs.push(required(`${fp}.resourceFieldRef.resource`));
    }
    for (const ref of ['configMapKeyRef', 'secretKeyRef']) {
      const sel = obj(from[ref]);
      if (!sel) continue;
      sources++;
      errs.push(...validateKeySelector(sel, `${fp}.${ref}`));
    }
    if (sources === 0) errs.push(invalid(fp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (str(ev.value) !== '') errs.push(invalid(fp, '', 'may not be specified when `value` is not empty'));
    else if (sources > 1) errs.push(invalid(fp, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateKeySelector(sel: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(sel.name);
  if (name === '') errs.push(required(`${path}.name`));
  else for (const msg of isDNS1123Subdomain(name)) errs.push(invalid(`${path}.name`, name, msg));
  const key = str(sel.key);
  if (key === '') errs.push(required(`${path}.key`));
  else for (const msg of isConfigMapKey(key)) errs.push(invalid(`${path}.key`, key, msg));
  return errs;
}

function validateEnvFrom(envFrom: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objs(envFrom).forEach((ef, i) => {
    const p = `${path}[${i}]`;
    let sources = 0;
    for (const ref of ['configMapRef', 'secretRef']) {
      const r = obj(ef[ref]);
      if (!r) continue;
      sources++;
      const name = str(r.name);
      if (name === '') errs.push(required(`${p}.${ref}.name`));
      else for (const msg of isDNS1123Subdomain(name)) errs.push(invalid(`${p}.${ref}.name`, name, msg));
    }
    if (sources === 0) errs.push(invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(invalid(p, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  objs(mounts).forEach((m, i) => {
    const p = `${path}[${i}]`;
    const name = str(m.name);
    const mountPath = str(m.mountPath);
    if (name === '') errs.push(required(`${p}.name`));
    if (!ctx.volumes.has(name)) errs.push(notFound(`${p}.name`, name));
    if (mountPath === '') errs.push(required(`${p}.mountPath`));
    if (seen.has(mountPath)) errs.push(invalid(`${p}.mountPath`, mountPath, 'must be unique'));
    seen.add(mountPath);
  });
  return errs;
}

function validateResources(resources: unknown, path: string): FieldError[] {
  const r = obj(resources);
  if (!r) return [];
  const errs: FieldError[] = [];
  const limits = obj(r.limits) ?? {};
  const requests = obj(r.requests) ?? {};
  const check = (name: string, value: unknown, p: string) => {
    if (!name.includes('/') && !STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith('hugepages-')) errs.push(invalid(p, name, 'must be a standard resource for containers'));
    const q = tryParseQuantity(value);
    if (q && q.nanos < 0n) errs.push(invalid(p, formatQuantity(q), IS_NEGATIVE_ERROR));
  };
  for (const [name, value] of Object.entries(limits)) check(name, value, `${path}.limits[${name}]`);
  for (const [name, value] of Object.entries(requests)) {
    check(name, value, `${path}.requests[${name}]`);
    const req = tryParseQuantity(value);
    const lim = tryParseQuantity(limits[name]);
    if (!req || !lim) continue;
    const overcommit = !name.startsWith('hugepages-') && (!name.includes('/') || name.includes('kubernetes.io/'));
    if (!overcommit && compareQuantities(req, lim) !== 0) errs.push(invalid(`${path}.requests`, formatQuantity(req), `must be equal to ${name} limit of ${formatQuantity(lim)}`));
    else if (compareQuantities(req, lim) > 0) errs.push(invalid(`${path}.requests`, formatQuantity(req), `must be less than or equal to ${name} limit of ${formatQuantity(lim)}`));
  }
  return errs;
}

/** validateHandler: exactly one of exec, httpGet, tcpSocket, grpc (probes) or sleep (lifecycle). */
function validateHandler(h: JsonObject, path: string, kinds: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of kinds) {
    const action = h[kind];
    if (action === undefined || action === null) continue;
    if (count > 0) {
      errs.push(forbidden(`${path}.${kind}`, 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    const a = isObject(action) ? action : {};
    const p = `${path}.${kind}`;
    if (kind === 'exec' && !(Array.isArray(a.command) && a.command.length > 0)) errs.push(required(`${p}.command`));
    if (kind === 'httpGet') {
      if (str(a.path) === '') errs.push(required(`${p}.path`));
      errs.push(...validatePortNumOrName(a.port, `${p}.port`));
      if (a.scheme !== undefined && a.scheme !== 'HTTP' && a.scheme !== 'HTTPS') errs.push(notSupported(`${p}.scheme`, str(a.scheme), ['HTTP', 'HTTPS']));
    }
    if (kind === 'tcpSocket') errs.push(...validatePortNumOrName(a.port, `${p}.port`));
    if (kind === 'grpc') for (const msg of isValidPortNum(Number(a.port))) errs.push(invalid(`${p}.port`, a.port ?? 0, msg));
    if (kind === 'sleep' && typeof a.seconds === 'number' && a.seconds < 0) errs.push(invalid(`${p}.seconds`, a.seconds, IS_NEGATIVE_ERROR));
  }
  if (count === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(probe: unknown, path: string, successMustBeOne: boolean): FieldError[] {
  const p = obj(probe);
  if (!p) return [];
  const errs = validateHandler(p, path, ['exec', 'httpGet', 'tcpSocket', 'grpc']);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) errs.push(...validateNonnegative(p[f], `${path}.${f}`));
  if (typeof p.terminationGracePeriodSeconds === 'number' && p.terminationGracePeriodSeconds <= 0) {
    errs.push(invalid(`${path}.terminationGracePeriodSeconds`, p.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  if (successMustBeOne && p.successThreshold !== undefined && p.successThreshold !== 1) errs.push(invalid(`${path}.successThreshold`, p.successThreshold, 'must be 1'));
  return errs;
}

function validateLifecycle(lifecycle: unknown, path: string): FieldError[] {
  const l = obj(lifecycle);
  if (!l) return [];
  const errs: FieldError[] = [];
  for (const h of ['postStart', 'preStop']) {
    const handler = obj(l[h]);
    if (handler) errs.push(...validateHandler(handler, `${path}.${h}`, ['exec', 'httpGet', 'tcpSocket', 'sleep']));
  }
  return errs;
}
