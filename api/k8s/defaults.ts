// Defaulting as the real apiserver does it when it decodes an object (k8s.io/kubernetes pkg/apis/*/v1
// SetDefaults_*), plus the create-time additions of the default admission plugins (admitCreate). Both mutate
// in place and leave values the client set alone. Quantities are rewritten to their canonical text, as Go's
// decode/encode round trip does ("0.5" → "500m"; resource lists round up to milli-units).
import { isObject, type JsonObject } from './meta.js';
import { formatQuantity, tryParseQuantity } from './quantity.js';
import { schemaFor } from './schema/index.js';
import type { FieldSchema } from './schema/types.js';

type Defaulter = (obj: JsonObject) => void;

const DEFAULTERS: Readonly<Record<string, Defaulter>> = {
  'v1/Pod': (obj) => {
    const spec = child(obj, 'spec');
    defaultPodSpec(spec);
    setIfAbsent(spec, 'enableServiceLinks', true);
    for (const c of [...list(spec.containers), ...list(spec.initContainers)]) defaultRequestsFromLimits(c);
    if (spec.hostNetwork === true) for (const c of [...list(spec.containers), ...list(spec.initContainers)]) defaultHostNetworkPorts(c);
  },
  'v1/Service': (obj) => defaultServiceSpec(child(obj, 'spec')),
  'v1/Endpoints': (obj) => {
    for (const subset of list(obj.subsets)) for (const port of list(subset.ports)) setIfEmpty(port, 'protocol', 'TCP');
  },
  'v1/Namespace': (obj) => {
    const meta = child(obj, 'metadata');
    if (typeof meta.name === 'string' && meta.name !== '') child(meta, 'labels')['kubernetes.io/metadata.name'] = meta.name;
    setIfEmpty(child(obj, 'status'), 'phase', 'Active');
  },
  'v1/Node': (obj) => {
    const status = obj.status;
    if (isObject(status) && isObject(status.capacity) && status.allocatable === undefined) status.allocatable = { ...status.capacity };
  },
  'v1/Secret': (obj) => setIfEmpty(obj, 'type', 'Opaque'),
  'apps/v1/Deployment': (obj) => {
    const spec = child(obj, 'spec');
    setIfAbsent(spec, 'replicas', 1);
    const strategy = child(spec, 'strategy');
    setIfEmpty(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      setIfAbsent(ru, 'maxUnavailable', '25%');
      setIfAbsent(ru, 'maxSurge', '25%');
    }
    setIfAbsent(spec, 'revisionHistoryLimit', 10);
    setIfAbsent(spec, 'progressDeadlineSeconds', 600);
    defaultPodSpec(child(child(spec, 'template'), 'spec'));
  },
  'apps/v1/ReplicaSet': (obj) => {
    const spec = child(obj, 'spec');
    setIfAbsent(spec, 'replicas', 1);
    defaultPodSpec(child(child(spec, 'template'), 'spec'));
  },
};

/** Fills the defaults of `kind` into `obj` and canonicalizes its quantities. Unknown kinds are left alone. */
export function applyDefaults(apiVersion: string, kind: string, obj: JsonObject): void {
  DEFAULTERS[`${apiVersion}/${kind}`]?.(obj);
  const schema = schemaFor(apiVersion, kind);
  if (schema) canonicalizeQuantities(schema, obj);
}

/**
 * What the default admission plugins add to a new object: Priority (pods get priority 0 and preemptionPolicy
 * PreemptLowerPriority when no class is named), DefaultTolerationSeconds (300 s tolerations of the not-ready and
 * unreachable NoExecute taints) and the namespace lifecycle finalizer "kubernetes".
 */
export function admitCreate(apiVersion: string, kind: string, obj: JsonObject): void {
  if (apiVersion === 'v1' && kind === 'Pod') {
    const spec = child(obj, 'spec');
    if (spec.priority === undefined && (spec.priorityClassName === undefined || spec.priorityClassName === '')) spec.priority = 0;
    setIfAbsent(spec, 'preemptionPolicy', 'PreemptLowerPriority');
    const tolerations = list(spec.tolerations);
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      const tolerated = tolerations.some(
        (t) => (t.operator === 'Exists' && (t.key === undefined || t.key === '') && (t.effect === undefined || t.effect === '' || t.effect === 'NoExecute')) ||
          (t.key === key && (t.effect === undefined || t.effect === '' || t.effect === 'NoExecute')),
      );
      if (!tolerated) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
    spec.tolerations = tolerations;
  } else if (apiVersion === 'v1' && kind === 'Namespace') {
    const spec = child(obj, 'spec');
    if (!Array.isArray(spec.finalizers)) spec.finalizers = ['kubernetes'];
  }
}

/** SetDefaults_PodSpec and the defaults of everything a pod spec holds (pods and pod templates alike). */
export function defaultPodSpec(spec: JsonObject): void {
  setIfEmpty(spec, 'dnsPolicy', 'ClusterFirst');
  setIfEmpty(spec, 'restartPolicy', 'Always');
  if (!isObject(spec.securityContext)) spec.securityContext = {};
  setIfAbsent(spec, 'terminationGracePeriodSeconds', 30);
  setIfEmpty(spec, 'schedulerName', 'default-scheduler');
  for (const c of [...list(spec.containers), ...list(spec.initContainers), ...list(spec.ephemeralContainers)]) defaultContainer(c);
  for (const v of list(spec.volumes)) defaultVolume(v);
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

function defaultVolume(v: JsonObject): void {
  if (!VOLUME_SOURCES.some((s) => v[s] !== undefined && v[s] !== null)) v.emptyDir = {};
  if (isObject(v.hostPath)) setIfAbsent(v.hostPath, 'type', '');
  for (const source of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const s = v[source];
    if (isObject(s)) setIfAbsent(s, 'defaultMode', 420);
  }
  if (isObject(v.downwardAPI)) for (const item of list(v.downwardAPI.items)) defaultFieldRef(item);
  if (isObject(v.projected)) {
    for (const src of list(v.projected.sources)) {
      if (isObject(src.serviceAccountToken)) setIfAbsent(src.serviceAccountToken, 'expirationSeconds', 3600);
      if (isObject(src.downwardAPI)) for (const item of list(src.downwardAPI.items)) defaultFieldRef(item);
    }
  }
}

function defaultFieldRef(holder: JsonObject): void {
  if (isObject(holder.fieldRef)) setIfEmpty(holder.fieldRef, 'apiVersion', 'v1');
  if (isObject(holder.resourceFieldRef)) setIfAbsent(holder.resourceFieldRef, 'divisor', '0');
}

/** SetDefaults_Container plus its ports, probes, lifecycle handlers and env sources. */
export function defaultContainer(c: JsonObject): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === '') c.imagePullPolicy = imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  setIfEmpty(c, 'terminationMessagePath', '/dev/termination-log');
  setIfEmpty(c, 'terminationMessagePolicy', 'File');
  for (const p of list(c.ports)) setIfEmpty(p, 'protocol', 'TCP');
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const p = c[probe];
    if (!isObject(p)) continue;
    setIfZero(p, 'timeoutSeconds', 1);
    setIfZero(p, 'periodSeconds', 10);
    setIfZero(p, 'successThreshold', 1);
    setIfZero(p, 'failureThreshold', 3);
    defaultHandler(p);
  }
  if (isObject(c.lifecycle)) for (const h of ['postStart', 'preStop']) if (isObject(c.lifecycle[h])) defaultHandler(c.lifecycle[h] as JsonObject);
  for (const e of list(c.env)) if (isObject(e.valueFrom)) defaultFieldRef(e.valueFrom);
}

function defaultHandler(h: JsonObject): void {
  if (isObject(h.httpGet)) {
    setIfEmpty(h.httpGet, 'path', '/');
    setIfEmpty(h.httpGet, 'scheme', 'HTTP');
  }
  if (isObject(h.grpc)) setIfAbsent(h.grpc, 'service', '');
}

/** The tag of an image reference: "latest" when none is given and there is no digest, "" with a digest only. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon >= 0) return lastSegment.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function defaultRequestsFromLimits(c: JsonObject): void {
  const resources = c.resources;
  if (!isObject(resources) || !isObject(resources.limits)) return;
  const requests = isObject(resources.requests) ? resources.requests : {};
  for (const [name, value] of Object.entries(resources.limits)) if (requests[name] === undefined) requests[name] = value;
  if (Object.keys(requests).length > 0) resources.requests = requests;
}

function defaultHostNetworkPorts(c: JsonObject): void {
  for (const p of list(c.ports)) if (p.hostPort === undefined || p.hostPort === 0) p.hostPort = p.containerPort;
}

/** SetDefaults_Service plus the IP family fields the service registry fills (single-stack IPv4). */
export function defaultServiceSpec(spec: JsonObject): void {
  setIfEmpty(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = child(child(spec, 'sessionAffinityConfig'), 'clientIP');
    setIfAbsent(clientIP, 'timeoutSeconds', 10800);
  }
  setIfEmpty(spec, 'type', 'ClusterIP');
  for (const p of list(spec.ports)) {
    setIfEmpty(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && (spec.externalTrafficPolicy === undefined || spec.externalTrafficPolicy === '')) spec.externalTrafficPolicy = 'Cluster';
  if (spec.type !== 'ExternalName') {
    setIfAbsent(spec, 'internalTrafficPolicy', 'Cluster');
    setIfAbsent(spec, 'ipFamilyPolicy', 'SingleStack');
    setIfAbsent(spec, 'ipFamilies', ['IPv4']);
  }
  if (spec.type === 'LoadBalancer') setIfAbsent(spec, 'allocateLoadBalancerNodePorts', true);
}

/**
 * Rewrites every quantity to its canonical text; values in resource lists (maps of quantities: requests,
 * limits, capacity) are first rounded up to milli-units, as SetDefaults_ResourceList does. Malformed values are
 * left for typeErrors to report.
 */
export function canonicalizeQuantities(schema: FieldSchema, value: unknown): void {
  if (schema.type === 'object' && isObject(value)) {
    for (const [key, field] of Object.entries(schema.fields)) {
      const v = value[key];
      if (v === undefined || v === null) continue;
      if (field.type === 'quantity') value[key] = canonical(v, false);
      else if (field.type === 'map' && field.values.type === 'quantity' && isObject(v)) {
        for (const k of Object.keys(v)) v[k] = canonical(v[k], true);
      } else canonicalizeQuantities(field, v);
    }
  } else if (schema.type === 'array' && Array.isArray(value)) {
    for (const item of value) canonicalizeQuantities(schema.items, item);
  }
}

function canonical(v: unknown, roundToMilli: boolean): unknown {
  const q = tryParseQuantity(v);
  if (!q) return v;
  if (!roundToMilli) return formatQuantity(q);
  const step = 1_000_000n;
  const rem = q.nanos % step;
  const nanos = rem === 0n ? q.nanos : q.nanos - rem + (q.nanos > 0n ? step : -step);
  return formatQuantity({ nanos, format: q.format });
}

// ---- small helpers ----

function child(obj: JsonObject, key: string): JsonObject {
  if (!isObject(obj[key])) obj[key] = {};
  return obj[key] as JsonObject;
}

function list(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function setIfAbsent(obj: JsonObject, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

function setIfEmpty(obj: JsonObject, key: string, value: string): void {
  if (obj[key] === undefined || obj[key] === null || obj[key] === '') obj[key] = value;
}

function setIfZero(obj: JsonObject, key: string, value: number): void {
  if (obj[key] === undefined || obj[key] === null || obj[key] === 0) obj[key] = value;
}
