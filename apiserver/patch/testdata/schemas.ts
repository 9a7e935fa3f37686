// Cut-down Pod and Deployment schemas for the patch tests: only the fields and patch strategies the tests use,
// with the same strategies as the Kubernetes Go types (containers by name, ports by containerPort, env by name,
// volumes by name with retainKeys, finalizers as a set, conditions by type, tolerations replaced).
import type { ArraySchema, FieldSchema, ObjectSchema } from '../../../api/k8s/schema/types.js';

const str: FieldSchema = { type: 'string' };
const int: FieldSchema = { type: 'integer' };
const obj = (fields: Record<string, FieldSchema>, retainKeys = false): ObjectSchema =>
  retainKeys ? { type: 'object', fields, retainKeys } : { type: 'object', fields };
const mergeBy = (key: string, items: FieldSchema, strategy: ArraySchema['patchStrategy'] = 'merge'): ArraySchema => ({
  type: 'array',
  items,
  patchStrategy: strategy,
  patchMergeKey: key,
});
const atomic = (items: FieldSchema): ArraySchema => ({ type: 'array', items });
const stringMap: FieldSchema = { type: 'map', values: str };

export const objectMeta = obj({
  name: str,
  namespace: str,
  resourceVersion: str,
  generation: int,
  labels: stringMap,
  annotations: stringMap,
  finalizers: { type: 'array', items: str, patchStrategy: 'merge' },
  ownerReferences: mergeBy('uid', obj({ uid: str, kind: str, name: str, controller: { type: 'boolean' } })),
});

const envVar = obj({ name: str, value: str, valueFrom: obj({ fieldRef: obj({ fieldPath: str }) }) });
const containerPort = obj({ name: str, containerPort: int, protocol: str });

export const container = obj({
  name: str,
  image: str,
  imagePullPolicy: str,
  command: atomic(str),
  args: atomic(str),
  env: mergeBy('name', envVar),
  ports: mergeBy('containerPort', containerPort),
  volumeMounts: mergeBy('mountPath', obj({ name: str, mountPath: str, readOnly: { type: 'boolean' } })),
  resources: obj({ limits: { type: 'map', values: { type: 'quantity' } }, requests: { type: 'map', values: { type: 'quantity' } } }),
});

const volume = obj(
  {
    name: str,
    emptyDir: obj({ medium: str, sizeLimit: { type: 'quantity' } }),
    configMap: obj({ name: str, defaultMode: int }),
    secret: obj({ secretName: str }),
  },
  true,
);

export const podSpec = obj({
  containers: mergeBy('name', container),
  initContainers: mergeBy('name', container),
  volumes: mergeBy('name', volume, 'merge,retainKeys'),
  tolerations: atomic(obj({ key: str, operator: str, value: str, effect: str, tolerationSeconds: int })),
  nodeSelector: stringMap,
  affinity: obj({ nodeAffinity: { type: 'any' } }),
  restartPolicy: str,
  terminationGracePeriodSeconds: int,
});

const condition = obj({ type: str, status: str, reason: str, message: str, lastTransitionTime: { type: 'time' } });

export const podSchema = obj({
  apiVersion: str,
  kind: str,
  metadata: objectMeta,
  spec: podSpec,
  status: obj({ phase: str, conditions: mergeBy('type', condition) }),
});

export const deploymentSchema = obj({
  apiVersion: str,
  kind: str,
  metadata: objectMeta,
  spec: obj({
    replicas: int,
    revisionHistoryLimit: int,
    selector: obj({ matchLabels: stringMap }),
    strategy: obj(
      { type: str, rollingUpdate: obj({ maxSurge: { type: 'int-or-string' }, maxUnavailable: { type: 'int-or-string' } }) },
      true,
    ),
    template: obj({ metadata: objectMeta, spec: podSpec }),
  }),
  status: obj({ replicas: int, observedGeneration: int, conditions: mergeBy('type', condition) }),
});

/** Freezes a JSON value all the way down, so a test fails if the code under test changes its input. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
