// The strategic-merge view of each served kind: only the lists that merge by key (and the structs with
// retainKeys), as the Kubernetes Go types declare them with patchStrategy / patchMergeKey. Every other field
// merges as a plain map or is replaced, which is what strategic merge patch does with fields it has no
// strategy for; so this partial schema patches exactly as the full one would.
import type { ArraySchema, FieldSchema, ObjectSchema } from '../api/k8s/schema/types.js';

const any: FieldSchema = { type: 'any' };
const obj = (fields: Record<string, FieldSchema>, extra: Partial<ObjectSchema> = {}): ObjectSchema => ({ type: 'object', fields, ...extra });
const mergeList = (key: string, items: FieldSchema): ArraySchema => ({ type: 'array', items, patchStrategy: 'merge', patchMergeKey: key });
const mergeSet: ArraySchema = { type: 'array', items: { type: 'string' }, patchStrategy: 'merge' };
const conditions = mergeList('type', obj({}));

const metadata = obj({ ownerReferences: mergeList('uid', obj({})), finalizers: mergeSet, labels: { type: 'map', values: { type: 'string' } }, annotations: { type: 'map', values: { type: 'string' } } });

const container = obj({
  ports: mergeList('containerPort', obj({})),
  env: mergeList('name', obj({ valueFrom: any })),
  volumeMounts: mergeList('mountPath', obj({})),
  volumeDevices: mergeList('devicePath', obj({})),
  resizePolicy: { type: 'array', items: obj({}), listType: 'atomic' },
});

const podSpec = obj({
  containers: mergeList('name', container),
  initContainers: mergeList('name', container),
  ephemeralContainers: mergeList('name', container),
  volumes: { type: 'array', items: obj({}, { retainKeys: true }), patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' },
  imagePullSecrets: mergeList('name', obj({})),
  hostAliases: mergeList('ip', obj({})),
});

const podStatus = obj({ conditions, containerStatuses: { type: 'array', items: obj({}) }, podIPs: mergeList('ip', obj({})) });
const template = obj({ metadata, spec: podSpec });
const workloadStatus = obj({ conditions });

const SCHEMAS: Record<string, ObjectSchema> = {
  'v1/Pod': obj({ metadata, spec: podSpec, status: podStatus }),
  'v1/Service': obj({ metadata, spec: obj({ ports: mergeList('port', obj({})) }), status: obj({ conditions }) }),
  'v1/Node': obj({ metadata, status: obj({ conditions, addresses: mergeList('type', obj({})) }) }),
  'v1/Namespace': obj({ metadata, status: obj({ conditions }) }),
  'apps/v1/Deployment': obj({ metadata, spec: obj({ template, strategy: obj({}, { retainKeys: true }) }), status: workloadStatus }),
  'apps/v1/ReplicaSet': obj({ metadata, spec: obj({ template }), status: workloadStatus }),
};

/** The strategic-merge schema of a kind: every served kind has one (at least for its metadata). */
export function mergeSchemaFor(apiVersion: string, kind: string): ObjectSchema {
  return SCHEMAS[`${apiVersion}/${kind}`] ?? obj({ metadata });
}
