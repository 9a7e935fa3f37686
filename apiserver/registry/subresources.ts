// Subresources that speak another kind: pods/binding (the scheduler's write), pods/eviction (a delete that asks
// first), and the autoscaling/v1 Scale of Deployments and ReplicaSets (kubectl scale).
import { errors } from '../http/status.js';
import { timestamp } from './meta.js';
import type { KubeObject } from './object-store.js';
import type { Registry, WriteOptions } from './registry.js';

/** POST pods/{name}/binding: sets spec.nodeName once; a second binding is a 409, as in Kubernetes. */
export async function bindPod(pods: Registry, namespace: string, name: string, binding: Record<string, unknown>, options: WriteOptions): Promise<void> {
  const target = binding.target as { kind?: string; name?: string } | undefined;
  if (!target?.name) throw errors.badRequest('binding target must name a node: target.name is required');
  if (target.kind !== undefined && target.kind !== '' && target.kind !== 'Node') throw errors.badRequest(`binding target kind must be Node, got ${target.kind}`);
  await pods.patchWith(namespace, name, options, (pod) => {
    const spec = (pod.spec ??= {}) as { nodeName?: string };
    if (pod.metadata.deletionTimestamp) throw errors.conflict(pods.info, name, 'pod is being deleted, cannot be assigned to a host');
    if (spec.nodeName) throw errors.conflict(pods.info, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
    spec.nodeName = target.name;
    const status = (pod.status ??= {}) as { conditions?: Array<Record<string, unknown>> };
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp() });
    status.conditions = conditions;
    return pod;
  });
}

/** The Scale view of a Deployment or ReplicaSet. */
export function scaleOf(obj: KubeObject): Record<string, unknown> {
  const m = obj.metadata;
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } };
  const status = (obj.status ?? {}) as { replicas?: number };
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: selectorString(spec.selector) },
  };
}

function selectorString(sel: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } | undefined): string {
  if (!sel) return '';
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.sort().join(',');
}

/** A Scale written back: only spec.replicas moves; a resourceVersion in it is a precondition. */
export async function writeScale(registry: Registry, namespace: string, name: string, scale: Record<string, unknown>, options: WriteOptions): Promise<KubeObject> {
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid('Scale', 'autoscaling', name, `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, [
      { reason: 'FieldValueInvalid', message: 'must be greater than or equal to 0', field: 'spec.replicas' },
    ]);
  }
  const rv = (scale.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
  return registry.patchWith(namespace, name, options, (obj) => {
    if (rv && rv !== obj.metadata.resourceVersion) throw errors.conflict(registry.info, name);
    (obj.spec as Record<string, unknown>).replicas = replicas;
    return obj;
  });
}
