import { describe, expect, it } from 'vitest';
import { admitCreate, applyDefaults, imageTag } from './defaults.js';

const defaultedContainer = {
  name: 'c',
  image: 'nginx',
  imagePullPolicy: 'Always',
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  resources: {},
};

const defaultedPodSpec = {
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
  schedulerName: 'default-scheduler',
};

describe('applyDefaults', () => {
  it('Pod: spec, containers, ports, probes, volumes, env', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'nginx:1.25',
            ports: [{ containerPort: 80 }],
            resources: { limits: { cpu: 0.5, memory: '1024Mi' } },
            livenessProbe: { httpGet: { port: 80 } },
            readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
            startupProbe: { grpc: { port: 9000 } },
            lifecycle: { preStop: { httpGet: { port: 'http' } } },
            env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }, { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } }],
          },
        ],
        volumes: [{ name: 'a' }, { name: 'b', configMap: { name: 'cm' } }, { name: 'c', hostPath: { path: '/x' } }, { name: 'd', secret: { secretName: 's', defaultMode: 256 } }],
      },
    };
    applyDefaults('v1', 'Pod', pod);
    expect(pod.spec).toEqual({
      ...defaultedPodSpec,
      enableServiceLinks: true,
      containers: [
        {
          name: 'c',
          image: 'nginx:1.25',
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } },
          livenessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
          readinessProbe: { tcpSocket: { port: 80 }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 },
          startupProbe: { grpc: { port: 9000, service: '' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
          lifecycle: { preStop: { httpGet: { port: 'http', path: '/', scheme: 'HTTP' } } },
          env: [
            { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName', apiVersion: 'v1' } } },
            { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '0' } } },
          ],
        },
      ],
      volumes: [
        { name: 'a', emptyDir: {} },
        { name: 'b', configMap: { name: 'cm', defaultMode: 420 } },
        { name: 'c', hostPath: { path: '/x', type: '' } },
        { name: 'd', secret: { secretName: 's', defaultMode: 256 } },
      ],
    });
  });

  it('Deployment: replicas, strategy, history, deadline and the template as a pod spec (no enableServiceLinks)', () => {
    const d = { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: {} }] } } } };
    applyDefaults('apps/v1', 'Deployment', d);
    expect(d.spec).toEqual({
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: { metadata: { labels: { app: 'web' } }, spec: { ...defaultedPodSpec, containers: [defaultedContainer] } },
    });
  });

  it('Deployment: Recreate gets no rollingUpdate; explicit values stay', () => {
    const d = { spec: { replicas: 0, strategy: { type: 'Recreate' }, revisionHistoryLimit: 2, template: { spec: {} } } };
    applyDefaults('apps/v1', 'Deployment', d);
    expect(d.spec.replicas).toBe(0);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.revisionHistoryLimit).toBe(2);
  });

  it('ReplicaSet: replicas 1', () => {
    const rs: { spec: Record<string, unknown> } = { spec: { template: { spec: { containers: [] } } } };
    applyDefaults('apps/v1', 'ReplicaSet', rs);
    expect(rs.spec.replicas).toBe(1);
  });

  it.each([
    [{ ports: [{ port: 80 }], selector: { app: 'x' } }, { type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], selector: { app: 'x' }, internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] }],
    [{ type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] }, { type: 'NodePort', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 'http' }], externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] }],
    [{ type: 'ExternalName', externalName: 'example.com' }, { type: 'ExternalName', externalName: 'example.com', sessionAffinity: 'None' }],
    [{ sessionAffinity: 'ClientIP', ports: [] }, { type: 'ClusterIP', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } }, ports: [], internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] }],
  ])('Service %j', (spec, expected) => {
    const svc = { spec };
    applyDefaults('v1', 'Service', svc);
    expect(svc.spec).toEqual(expected);
  });

  it('Secret, Namespace, Node, Endpoints, and kinds without defaults', () => {
    const secret: Record<string, unknown> = { data: {} };
    applyDefaults('v1', 'Secret', secret);
    expect(secret.type).toBe('Opaque');
    const ns = { metadata: { name: 'dev' } };
    applyDefaults('v1', 'Namespace', ns);
    expect(ns).toEqual({ metadata: { name: 'dev', labels: { 'kubernetes.io/metadata.name': 'dev' } }, status: { phase: 'Active' } });
    const node = { status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } } };
    applyDefaults('v1', 'Node', node);
    expect(node.status).toEqual({ capacity: { cpu: '4', memory: '8Gi', pods: '110' }, allocatable: { cpu: '4', memory: '8Gi', pods: '110' } });
    const ep = { subsets: [{ ports: [{ port: 80 }] }] };
    applyDefaults('v1', 'Endpoints', ep);
    expect(ep.subsets[0]!.ports[0]).toEqual({ port: 80, protocol: 'TCP' });
    const cm = { data: { a: 'b' } };
    applyDefaults('v1', 'ConfigMap', cm);
    expect(cm).toEqual({ data: { a: 'b' } });
  });

  it('rounds resource lists up to milli-units and canonicalizes other quantities', () => {
    const pod = { spec: { containers: [{ name: 'c', image: 'x:1', resources: { requests: { cpu: '1n', memory: '1.5Gi' } } }], volumes: [{ name: 'v', emptyDir: { sizeLimit: '1024Mi' } }] } };
    applyDefaults('v1', 'Pod', pod);
    expect(pod.spec.containers[0]!.resources.requests).toEqual({ cpu: '1m', memory: '1536Mi' });
    expect(pod.spec.volumes[0]!.emptyDir.sizeLimit).toBe('1Gi');
  });
});

describe('admitCreate', () => {
  it('Pod: priority, preemptionPolicy and default tolerations', () => {
    const pod = { spec: { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }] } };
    admitCreate('v1', 'Pod', pod);
    expect(pod.spec).toEqual({
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      tolerations: [
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 },
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    });
  });

  it('Namespace: the kubernetes finalizer', () => {
    const ns: Record<string, unknown> = {};
    admitCreate('v1', 'Namespace', ns);
    expect(ns).toEqual({ spec: { finalizers: ['kubernetes'] } });
  });
});

describe('imageTag', () => {
  it.each([
    ['nginx', 'latest'],
    ['nginx:latest', 'latest'],
    ['nginx:1.25', '1.25'],
    ['localhost:5000/app', 'latest'],
    ['localhost:5000/app:v2', 'v2'],
    ['nginx@sha256:abc', ''],
    ['nginx:1.25@sha256:abc', '1.25'],
  ])('%s → %s', (image, tag) => expect(imageTag(image)).toBe(tag));
});
