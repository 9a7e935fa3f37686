// Resources whose server rules are the generic ones, with a flag or two.
import type { KubeObject } from '../object-store.js';
import type { Strategy } from '../strategy.js';

/** Deployments and ReplicaSets: generation follows spec; status starts empty and only the controller sets it. */
export const workloadStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate(obj: KubeObject) {
    obj.status = {};
  },
};

export const namespaceStrategy: Strategy = {
  prepareForCreate(obj: KubeObject) {
    const spec = (obj.spec ??= {}) as { finalizers?: string[] };
    // The "kubernetes" finalizer holds a deleted namespace until its contents are gone.
    if (!spec.finalizers) spec.finalizers = ['kubernetes'];
    obj.status = { phase: 'Active' };
  },
};

/** Endpoints and Leases may be created by PUT (controllers and leader election write them that way). */
export const createOnUpdateStrategy: Strategy = { allowCreateOnUpdate: true };

export const plainStrategy: Strategy = {};
