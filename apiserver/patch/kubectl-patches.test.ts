// The patches kubectl v1.32 sends, applied through applyPatch as the apiserver would. The patch bodies are what
// kubectl's client-side three-way merge (CreateThreeWayMergePatch) and its commands produce.
import { describe, expect, it } from 'vitest';
import { applyPatch } from './index.js';
import { deepFreeze, deploymentSchema, podSchema } from './testdata/schemas.js';

const SMP = 'application/strategic-merge-patch+json';
const MERGE = 'application/merge-patch+json';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Deployment = {
  status?: unknown;
  metadata: { labels: Record<string, string>; annotations: Record<string, string> };
  spec: {
    replicas: number;
    strategy: Record<string, unknown>;
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: { containers: Record<string, unknown>[]; volumes: Record<string, unknown>[]; paused?: boolean };
    };
  };
};

/** A Deployment as the apiserver stores it after `kubectl apply` and defaulting. */
const live = deepFreeze({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'default',
    generation: 1,
    resourceVersion: '100',
    labels: { app: 'web', tier: 'frontend' },
    annotations: { 'deployment.kubernetes.io/revision': '1', [LAST_APPLIED]: '{"old":true}\n' },
  },
  spec: {
    replicas: 2,
    revisionHistoryLimit: 10,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.25',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            env: [
              { name: 'MODE', value: 'prod' },
              { name: 'DEBUG', value: '1' },
            ],
          },
          { name: 'sidecar', image: 'busybox', imagePullPolicy: 'Always' },
        ],
        volumes: [{ name: 'data', emptyDir: {} }],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
      },
    },
  },
  status: { replicas: 2, observedGeneration: 1 },
});

const apply = (patch: unknown) => applyPatch(SMP, live, deepFreeze(patch), deploymentSchema) as Deployment;
const containers = (d: Deployment) => d.spec.template.spec.containers;

describe('kubectl apply (client-side, strategic merge patch)', () => {
  it('changed image: $setElementOrder/containers, the image, and the new last-applied annotation', () => {
    const out = apply({
      metadata: { annotations: { [LAST_APPLIED]: '{"new":true}\n' } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
            containers: [{ image: 'nginx:1.27', name: 'web' }],
          },
        },
      },
    });
    expect(out.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1', [LAST_APPLIED]: '{"new":true}\n' });
    expect(containers(out)).toEqual([{ ...live.spec.template.spec.containers[0], image: 'nginx:1.27' }, live.spec.template.spec.containers[1]]);
    expect(out.spec.replicas).toBe(2);
    expect(out.status).toEqual(live.status);
  });

  it('removed env var: $patch: delete inside the container, with $setElementOrder/env', () => {
    const out = apply({
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
            containers: [{ '$setElementOrder/env': [{ name: 'MODE' }], env: [{ $patch: 'delete', name: 'DEBUG' }], name: 'web' }],
          },
        },
      },
    });
    expect(containers(out)[0]!.env).toEqual([{ name: 'MODE', value: 'prod' }]);
    expect(containers(out)[1]).toEqual(live.spec.template.spec.containers[1]);
  });

  it('removed container: $patch: delete and the shorter order', () => {
    const out = apply({
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ $patch: 'delete', name: 'sidecar' }] } } },
    });
    expect(containers(out).map((c) => c.name)).toEqual(['web']);
  });

  it('added container in the middle of the list', () => {
    const out = apply({
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }, { name: 'metrics' }, { name: 'sidecar' }],
            containers: [{ image: 'prom/exporter', name: 'metrics', ports: [{ containerPort: 9100 }] }],
          },
        },
      },
    });
    expect(containers(out).map((c) => c.name)).toEqual(['web', 'metrics', 'sidecar']);
    expect(containers(out)[1]).toEqual({ image: 'prom/exporter', name: 'metrics', ports: [{ containerPort: 9100 }] });
  });

  it('reordered containers only: $setElementOrder without a list', () => {
    const out = apply({ spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }] } } } });
    expect(containers(out).map((c) => c.name)).toEqual(['sidecar', 'web']);
  });

  it('changed replicas and a removed label', () => {
    const out = apply({ metadata: { labels: { tier: null } }, spec: { replicas: 5 } });
    expect(out.metadata.labels).toEqual({ app: 'web' });
    expect(out.spec.replicas).toBe(5);
  });

  it('volume source switched emptyDir → configMap: $retainKeys with emptyDir: null', () => {
    const out = apply({
      spec: {
        template: {
          spec: {
            '$setElementOrder/volumes': [{ name: 'data' }],
            volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cfg' }, emptyDir: null, name: 'data' }],
          },
        },
      },
    });
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'data', configMap: { name: 'cfg' } }]);
  });

  it('strategy switched to Recreate: $retainKeys clears the defaulted rollingUpdate', () => {
    const out = apply({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('strategy switched to Recreate with rollingUpdate: null from last-applied', () => {
    const out = apply({ spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } });
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });
});

describe('other kubectl commands', () => {
  it('kubectl set image: strategic patch of one container', () => {
    const out = apply({ spec: { template: { spec: { containers: [{ image: 'nginx:1.26', name: 'web' }] } } } });
    expect(containers(out).map((c) => [c.name, c.image])).toEqual([
      ['web', 'nginx:1.26'],
      ['sidecar', 'busybox'],
    ]);
  });

  it('kubectl rollout restart: restartedAt annotation on the template', () => {
    const at = '2025-01-01T00:00:00Z';
    const out = apply({ spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } } });
    expect(out.spec.template.metadata).toEqual({ labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': at } });
  });

  it('kubectl rollout pause: a field outside the schema is still set', () => {
    const out = apply({ spec: { paused: true } }) as unknown as { spec: { paused: boolean } };
    expect(out.spec.paused).toBe(true);
  });

  it('kubectl label: merge patch of metadata.labels', () => {
    const out = applyPatch(MERGE, live, { metadata: { labels: { env: 'prod', tier: null } } }, deploymentSchema) as Deployment;
    expect(out.metadata.labels).toEqual({ app: 'web', env: 'prod' });
  });

  it('kubectl patch -p (default strategic) of labels', () => {
    const out = apply({ metadata: { labels: { env: 'prod' } } });
    expect(out.metadata.labels).toEqual({ app: 'web', tier: 'frontend', env: 'prod' });
  });

  it('kubectl scale: merge patch of spec.replicas', () => {
    const out = applyPatch(MERGE, live, { spec: { replicas: 0 } }, deploymentSchema) as Deployment;
    expect(out.spec.replicas).toBe(0);
    expect(containers(out)).toEqual(live.spec.template.spec.containers);
  });

  it('a merge patch replaces the container list, unlike a strategic one', () => {
    const out = applyPatch(MERGE, live, { spec: { template: { spec: { containers: [{ name: 'web', image: 'x' }] } } } }, deploymentSchema) as Deployment;
    expect(containers(out)).toEqual([{ name: 'web', image: 'x' }]);
  });

  it('pod status patch (kubelet-style): conditions merged by type', () => {
    const pod = deepFreeze({
      metadata: { name: 'p' },
      status: {
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
        ],
      },
    });
    const patch = {
      status: {
        phase: 'Running',
        '$setElementOrder/conditions': [{ type: 'PodScheduled' }, { type: 'Ready' }],
        conditions: [{ type: 'Ready', status: 'True', reason: null }],
      },
    };
    const out = applyPatch(SMP, pod, patch, podSchema);
    expect(out).toEqual({
      metadata: { name: 'p' },
      status: { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }] },
    });
  });
});
