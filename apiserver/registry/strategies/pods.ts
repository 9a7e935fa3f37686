// Pods: a new pod is Pending with its QoS class; deleting a pod that runs on a node is graceful (the node agent
// stops its containers, then deletes it with grace 0); an unscheduled or finished pod goes at once.
import type { KubeObject } from '../object-store.js';
import type { Strategy } from '../strategy.js';

interface Container {
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

/** Kubernetes' QoS class: Guaranteed (limits = requests for cpu and memory everywhere), BestEffort (none), else Burstable. */
export function qosClass(spec: { containers?: Container[]; initContainers?: Container[] } | undefined): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      // Requests default to limits when only limits are given.
      const q = req[r] ?? l;
      if (l === undefined || String(q) !== String(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export const podStrategy: Strategy = {
  returnDeletedObject: true,
  prepareForCreate(obj: KubeObject) {
    obj.status = { phase: 'Pending', qosClass: qosClass(obj.spec as never) };
  },
  gracePeriod(obj: KubeObject, requested: number | undefined): number {
    const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
    const phase = (obj.status as { phase?: string } | undefined)?.phase;
    if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    const grace = requested ?? spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, grace);
  },
};
