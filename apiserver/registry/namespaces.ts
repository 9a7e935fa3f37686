// Namespace lifecycle, as Kubernetes' NamespaceLifecycle admission and namespace controller together: objects are
// created only in a namespace that exists and is not being deleted; a deleted namespace (Terminating) has its
// contents deleted, then its "kubernetes" finalizer removed, and so leaves the store. The built-in namespaces are
// created at start.
import type { Logger } from 'pino';
import { errors, StatusError } from '../http/status.js';
import type { KubeObject } from './object-store.js';
import type { Namespaces, Registry } from './registry.js';

export const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export class NamespaceLifecycle implements Namespaces {
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly namespaces: Registry,
    private readonly namespaced: () => Registry[],
    private readonly logger: Logger,
  ) {}

  async checkCreatable(namespace: string): Promise<void> {
    let ns: KubeObject;
    try {
      ns = await this.namespaces.get(undefined, namespace);
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) throw errors.notFound(this.namespaces.info, namespace);
      throw e;
    }
    if (ns.metadata.deletionTimestamp) {
      throw errors.forbidden(`unable to create new content in namespace ${namespace} because it is being terminated`, {
        name: namespace,
        kind: 'namespaces',
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }

  async ensureBuiltIns(): Promise<void> {
    for (const name of BUILT_IN_NAMESPACES) {
      try {
        await this.namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 409)) throw e;
      }
    }
  }

  /** Sweeps Terminating namespaces every `intervalMs` (and once at once). */
  start(intervalMs = 1000): void {
    const tick = () => {
      if (this.sweeping) return;
      this.sweeping = true;
      this.sweep()
        .catch((e: unknown) => this.logger.warn({ err: (e as Error).message }, 'namespace sweep failed'))
        .finally(() => (this.sweeping = false));
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    const list = (await this.namespaces.list(undefined, { resourceVersion: '0' })).items as KubeObject[];
    for (const ns of list) {
      if (!ns.metadata.deletionTimestamp) continue;
      const name = ns.metadata.name!;
      let remaining = 0;
      for (const registry of this.namespaced()) {
        const items = (await registry.list(name, {})).items as KubeObject[];
        for (const obj of items) {
          remaining++;
          if (obj.metadata.deletionTimestamp) continue;
          try {
            await registry.delete(name, obj.metadata.name!, { propagationPolicy: 'Background' });
          } catch (e) {
            if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
          }
        }
      }
      if (remaining > 0) continue;
      this.logger.info({ namespace: name }, 'namespace is empty; finalizing it');
      try {
        await this.namespaces.patchWith(undefined, name, {}, (obj) => {
          const spec = (obj.spec ??= {}) as { finalizers?: string[] };
          spec.finalizers = (spec.finalizers ?? []).filter((f) => f !== 'kubernetes');
          return obj;
        });
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
  }
}
