import { describe, expect, it } from 'vitest';
import {
  decodeKubernetesProtobuf,
  encodeKubernetesProtobuf,
  kubernetesMessageType,
  kubernetesProtoRoot,
  PROTOBUF_MAGIC,
  ProtobufDecodeError,
} from './index.js';
import { formatGoDuration, formatRfc3339 } from './go-format.js';

const T = 1795341600; // 2026-11-22T10:00:00Z
const roundTrip = (apiVersion: string, kind: string, message: Record<string, unknown>) =>
  decodeKubernetesProtobuf(encodeKubernetesProtobuf(apiVersion, kind, message));

const meta = {
  name: 'x',
  namespace: 'ns',
  uid: 'u1',
  resourceVersion: '7',
  generation: 3,
  creationTimestamp: { seconds: T },
  labels: { app: 'x' },
  annotations: { note: 'y' },
  ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u0', controller: true, blockOwnerDeletion: false }],
  finalizers: ['f'],
  managedFields: [
    {
      manager: 'kubectl',
      operation: 'Update',
      apiVersion: 'v1',
      time: { seconds: T },
      fieldsType: 'FieldsV1',
      fieldsV1: { Raw: Buffer.from('{"f:metadata":{"f:labels":{}}}') },
    },
  ],
};
const metaJson = {
  name: 'x',
  namespace: 'ns',
  uid: 'u1',
  resourceVersion: '7',
  generation: 3,
  creationTimestamp: '2026-11-22T10:00:00Z',
  labels: { app: 'x' },
  annotations: { note: 'y' },
  ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u0', controller: true, blockOwnerDeletion: false }],
  finalizers: ['f'],
  managedFields: [
    {
      manager: 'kubectl',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2026-11-22T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': {} } },
    },
  ],
};

describe('the envelope', () => {
  it('rejects a body without the k8s magic', () => {
    expect(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Pod"}'))).toThrow(ProtobufDecodeError);
    expect(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Pod"}'))).toThrow(/bad magic/);
    expect(() => decodeKubernetesProtobuf(Buffer.alloc(2))).toThrow(/bad magic/);
  });

  it('rejects a malformed envelope and a malformed object', () => {
    expect(() => decodeKubernetesProtobuf(Buffer.concat([PROTOBUF_MAGIC, Buffer.from([0x0a, 0x50, 0x01])]))).toThrow(
      /malformed runtime.Unknown/,
    );
    const unknown = kubernetesProtoRoot().lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
    const envelope = (raw: Uint8Array, apiVersion = 'v1', kind = 'Pod') =>
      Buffer.concat([PROTOBUF_MAGIC, unknown.encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw })).finish()]);
    expect(() => decodeKubernetesProtobuf(envelope(Buffer.from([0x0a, 0x7f])))).toThrow(/malformed Pod/);
    expect(() => decodeKubernetesProtobuf(envelope(Buffer.alloc(0), 'v1', 'Gizmo'))).toThrow(/unknown kind Gizmo/);
    expect(() => decodeKubernetesProtobuf(envelope(Buffer.alloc(0), 'example.com/v1', 'Gizmo'))).toThrow(/unknown API group/);
    expect(() => decodeKubernetesProtobuf(envelope(Buffer.alloc(0), '', 'Pod'))).toThrow(/no apiVersion/);
  });

  it('maps apiVersion and kind to upstream message names', () => {
    expect(kubernetesMessageType('v1', 'Pod').fullName).toBe('.k8s.io.api.core.v1.Pod');
    expect(kubernetesMessageType('apps/v1', 'Deployment').fullName).toBe('.k8s.io.api.apps.v1.Deployment');
    expect(kubernetesMessageType('coordination.k8s.io/v1', 'Lease').fullName).toBe('.k8s.io.api.coordination.v1.Lease');
    expect(kubernetesMessageType('policy/v1', 'DeleteOptions').fullName).toBe('.k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
    expect(kubernetesMessageType('meta.k8s.io/v1', 'DeleteOptions').fullName).toBe('.k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
  });
});

describe('kinds', () => {
  it('Namespace: kind and apiVersion first, empty structs printed as Go does', () => {
    const json = roundTrip('v1', 'Namespace', { metadata: { name: 't1' }, spec: { finalizers: ['kubernetes'] } });
    expect(Object.keys(json).slice(0, 2)).toEqual(['kind', 'apiVersion']);
    expect(json).toEqual({
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { name: 't1', creationTimestamp: null },
      spec: { finalizers: ['kubernetes'] },
      status: {},
    });
  });

  it('ConfigMap: data, binaryData as base64, immutable', () => {
    expect(
      roundTrip('v1', 'ConfigMap', { metadata: meta, data: { a: 'b' }, binaryData: { bin: Buffer.from([0, 1, 255]) }, immutable: false }),
    ).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: metaJson,
      immutable: false,
      data: { a: 'b' },
      binaryData: { bin: 'AAH/' },
    });
  });

  it('Secret: data values as base64, stringData, type', () => {
    expect(
      roundTrip('v1', 'Secret', { metadata: { name: 's' }, data: { p: Buffer.from('q') }, stringData: { s: 't' }, type: 'Opaque' }),
    ).toEqual({
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's', creationTimestamp: null },
      data: { p: 'cQ==' },
      stringData: { s: 't' },
      type: 'Opaque',
    });
  });

  it('Service: IntOrString as number or string, session affinity, status', () => {
    const json = roundTrip('v1', 'Service', {
      metadata: { name: 's' },
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: { type: 0, intVal: 8080 } },
          { name: 'named', port: 81, targetPort: { type: 1, strVal: 'web' }, nodePort: 30001 },
        ],
        selector: { app: 's' },
        clusterIP: '10.0.0.1',
        clusterIPs: ['10.0.0.1'],
        type: 'NodePort',
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } },
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        allocateLoadBalancerNodePorts: false,
        trafficDistribution: 'PreferClose',
      },
      status: { loadBalancer: { ingress: [{ ip: '1.2.3.4', ports: [{ port: 80, protocol: 'TCP' }] }] } },
    });
    expect(json.spec).toEqual({
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 },
        { name: 'named', port: 81, targetPort: 'web', nodePort: 30001 },
      ],
      selector: { app: 's' },
      clusterIP: '10.0.0.1',
      clusterIPs: ['10.0.0.1'],
      type: 'NodePort',
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } },
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      allocateLoadBalancerNodePorts: false,
      trafficDistribution: 'PreferClose',
    });
    expect(json.status).toEqual({ loadBalancer: { ingress: [{ ip: '1.2.3.4', ports: [{ port: 80, protocol: 'TCP' }] }] } });
  });

  const podSpec = {
    volumes: [
      { name: 'cm', volumeSource: { configMap: { localObjectReference: { name: 'c1' }, items: [{ key: 'a', path: 'a.txt' }], defaultMode: 420 } } },
      { name: 'tmp', volumeSource: { emptyDir: { medium: 'Memory', sizeLimit: { string: '64Mi' } } } },
      { name: 'sec', volumeSource: { secret: { secretName: 's1', optional: true } } },
      { name: 'pvc', volumeSource: { persistentVolumeClaim: { claimName: 'data', readOnly: true } } },
      {
        name: 'proj',
        volumeSource: {
          projected: { sources: [{ serviceAccountToken: { audience: 'api', expirationSeconds: 3600, path: 'token' } }] },
        },
      },
    ],
    initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'] }],
    containers: [
      {
        name: 'app',
        image: 'nginx',
        args: ['-g', 'daemon off;'],
        ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
        env: [
          { name: 'A', value: '1' },
          { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'KEY', valueFrom: { secretKeyRef: { localObjectReference: { name: 's1' }, key: 'p', optional: false } } },
        ],
        envFrom: [{ prefix: 'CM_', configMapRef: { localObjectReference: { name: 'c1' } } }],
        resources: {
          limits: { cpu: { string: '500m' }, memory: { string: '128Mi' } },
          requests: { cpu: { string: '250m' } },
        },
        volumeMounts: [{ name: 'cm', mountPath: '/etc/cm', readOnly: true }],
        livenessProbe: {
          handler: { httpGet: { path: '/healthz', port: { type: 1, strVal: 'http' }, scheme: 'HTTP' } },
          initialDelaySeconds: 5,
          periodSeconds: 10,
          failureThreshold: 3,
        },
        readinessProbe: { handler: { tcpSocket: { port: { type: 0, intVal: 80 } } } },
        startupProbe: { handler: { exec: { command: ['cat', '/ready'] } }, terminationGracePeriodSeconds: 0 },
        lifecycle: { preStop: { sleep: { seconds: 5 } } },
        imagePullPolicy: 'IfNotPresent',
        securityContext: {
          runAsUser: 0,
          runAsNonRoot: false,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
        stdin: false,
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    nodeSelector: { disk: 'ssd' },
    serviceAccountName: 'default',
    securityContext: { fsGroup: 2000, sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
        },
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'x' } }, topologyKey: 'kubernetes.io/hostname' } },
        ],
      },
    },
    tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }],
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'x' } } },
    ],
    priority: 0,
    enableServiceLinks: true,
    overhead: { cpu: { string: '10m' } },
  };

  const podSpecJson = {
    volumes: [
      { name: 'cm', configMap: { name: 'c1', items: [{ key: 'a', path: 'a.txt' }], defaultMode: 420 } },
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'sec', secret: { secretName: 's1', optional: true } },
      { name: 'pvc', persistentVolumeClaim: { claimName: 'data', readOnly: true } },
      { name: 'proj', projected: { sources: [{ serviceAccountToken: { audience: 'api', expirationSeconds: 3600, path: 'token' } }] } },
    ],
    initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'], resources: {} }],
    containers: [
      {
        name: 'app',
        image: 'nginx',
        args: ['-g', 'daemon off;'],
        ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
        envFrom: [{ prefix: 'CM_', configMapRef: { name: 'c1' } }],
        env: [
          { name: 'A', value: '1' },
          { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'KEY', valueFrom: { secretKeyRef: { name: 's1', key: 'p', optional: false } } },
        ],
        resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } },
        volumeMounts: [{ name: 'cm', mountPath: '/etc/cm', readOnly: true }],
        livenessProbe: {
          httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
          initialDelaySeconds: 5,
          periodSeconds: 10,
          failureThreshold: 3,
        },
        readinessProbe: { tcpSocket: { port: 80 } },
        startupProbe: { exec: { command: ['cat', '/ready'] }, terminationGracePeriodSeconds: 0 },
        lifecycle: { preStop: { sleep: { seconds: 5 } } },
        imagePullPolicy: 'IfNotPresent',
        securityContext: {
          capabilities: { drop: ['ALL'] },
          runAsUser: 0,
          runAsNonRoot: false,
          allowPrivilegeEscalation: false,
          seccompProfile: { type: 'RuntimeDefault' },
        },
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    nodeSelector: { disk: 'ssd' },
    serviceAccountName: 'default',
    securityContext: { fsGroup: 2000, sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
        },
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'x' } }, topologyKey: 'kubernetes.io/hostname' } },
        ],
      },
    },
    tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }],
    priority: 0,
    enableServiceLinks: true,
    overhead: { cpu: '10m' },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'x' } } },
    ],
  };

  it('Pod: the whole spec (inline volume sources, probe handlers, quantities, pointers keep zero) and status', () => {
    const json = roundTrip('v1', 'Pod', {
      metadata: meta,
      spec: podSpec,
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: { seconds: T } }],
        hostIP: '10.0.0.2',
        podIP: '10.1.0.5',
        podIPs: [{ ip: '10.1.0.5' }],
        startTime: { seconds: T },
        containerStatuses: [
          {
            name: 'app',
            state: { running: { startedAt: { seconds: T } } },
            ready: false,
            restartCount: 0,
            image: 'nginx',
            imageID: 'sha256:1',
            started: true,
          },
        ],
        qosClass: 'Burstable',
      },
    });
    expect(json.metadata).toEqual(metaJson);
    expect(json.spec).toEqual(podSpecJson);
    expect(json.status).toEqual({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-22T10:00:00Z' }],
      hostIP: '10.0.0.2',
      podIP: '10.1.0.5',
      podIPs: [{ ip: '10.1.0.5' }],
      startTime: '2026-11-22T10:00:00Z',
      containerStatuses: [
        {
          name: 'app',
          state: { running: { startedAt: '2026-11-22T10:00:00Z' } },
          lastState: {},
          ready: false,
          restartCount: 0,
          image: 'nginx',
          imageID: 'sha256:1',
          started: true,
        },
      ],
      qosClass: 'Burstable',
    });
  });

  it('Deployment: replicas 0 is kept (pointer), strategy with IntOrString percentages', () => {
    const json = roundTrip('apps/v1', 'Deployment', {
      metadata: { name: 'd' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'd' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] },
        template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: { type: 1, strVal: '25%' }, maxSurge: { type: 0, intVal: 1 } } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: { observedGeneration: 2, replicas: 1, conditions: [{ type: 'Available', status: 'True', lastUpdateTime: { seconds: T } }] },
    });
    expect(json).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'd', creationTimestamp: null },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'd' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] },
        template: { metadata: { labels: { app: 'd' }, creationTimestamp: null }, spec: { containers: [{ name: 'c', image: 'nginx', resources: {} }] } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: {
        observedGeneration: 2,
        replicas: 1,
        conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2026-11-22T10:00:00Z', lastTransitionTime: null }],
      },
    });
  });

  it('ReplicaSet', () => {
    expect(
      roundTrip('apps/v1', 'ReplicaSet', {
        metadata: { name: 'rs' },
        spec: { replicas: 3, minReadySeconds: 0, selector: { matchLabels: { a: 'b' } }, template: { spec: podSpec } },
        status: { replicas: 3, readyReplicas: 3 },
      }),
    ).toEqual({
      kind: 'ReplicaSet',
      apiVersion: 'apps/v1',
      metadata: { name: 'rs', creationTimestamp: null },
      spec: { replicas: 3, selector: { matchLabels: { a: 'b' } }, template: { metadata: { creationTimestamp: null }, spec: podSpecJson } },
      status: { replicas: 3, readyReplicas: 3 },
    });
  });

  it('Endpoints', () => {
    expect(
      roundTrip('v1', 'Endpoints', {
        metadata: { name: 's' },
        subsets: [
          {
            addresses: [{ ip: '10.1.0.5', nodeName: 'n1', targetRef: { kind: 'Pod', name: 'p', namespace: 'ns', uid: 'u' } }],
            notReadyAddresses: [{ ip: '10.1.0.6' }],
            ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
          },
        ],
      }),
    ).toEqual({
      kind: 'Endpoints',
      apiVersion: 'v1',
      metadata: { name: 's', creationTimestamp: null },
      subsets: [
        {
          addresses: [{ ip: '10.1.0.5', nodeName: 'n1', targetRef: { kind: 'Pod', name: 'p', namespace: 'ns', uid: 'u' } }],
          notReadyAddresses: [{ ip: '10.1.0.6' }],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        },
      ],
    });
  });

  it('Event: Time, MicroTime with 6 fractional digits, series', () => {
    const json = roundTrip('v1', 'Event', {
      metadata: { name: 'e', namespace: 'ns' },
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'ns', fieldPath: 'spec.containers{app}' },
      reason: 'Pulled',
      message: 'ok',
      source: { component: 'kubelet', host: 'n1' },
      firstTimestamp: { seconds: T },
      lastTimestamp: { seconds: T + 5 },
      count: 2,
      type: 'Normal',
      eventTime: { seconds: T, nanos: 123456789 },
      series: { count: 2, lastObservedTime: { seconds: T, nanos: 5000 } },
      reportingComponent: 'kubelet',
      reportingInstance: 'n1',
    });
    expect(json).toEqual({
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name: 'e', namespace: 'ns', creationTimestamp: null },
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'ns', fieldPath: 'spec.containers{app}' },
      reason: 'Pulled',
      message: 'ok',
      source: { component: 'kubelet', host: 'n1' },
      firstTimestamp: '2026-11-22T10:00:00Z',
      lastTimestamp: '2026-11-22T10:00:05Z',
      count: 2,
      type: 'Normal',
      eventTime: '2026-11-22T10:00:00.123456Z',
      series: { count: 2, lastObservedTime: '2026-11-22T10:00:00.000005Z' },
      reportingComponent: 'kubelet',
      reportingInstance: 'n1',
    });
  });

  it('Node: taints, capacity, addresses, conditions, nodeInfo', () => {
    const json = roundTrip('v1', 'Node', {
      metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } },
      spec: { podCIDR: '10.1.0.0/24', podCIDRs: ['10.1.0.0/24'], unschedulable: true, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] },
      status: {
        capacity: { cpu: { string: '4' }, memory: { string: '8Gi' }, pods: { string: '110' } },
        allocatable: { cpu: { string: '3800m' } },
        conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: { seconds: T }, lastTransitionTime: { seconds: T }, reason: 'KubeletReady' }],
        addresses: [{ type: 'InternalIP', address: '10.0.0.2' }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: { kubeletVersion: 'v1.32.0', architecture: 'amd64', operatingSystem: 'linux' },
        images: [{ names: ['nginx:latest'], sizeBytes: 1e9 }],
      },
    });
    expect(json.spec).toEqual({ podCIDR: '10.1.0.0/24', podCIDRs: ['10.1.0.0/24'], unschedulable: true, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] });
    expect(json.status).toEqual({
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '3800m' },
      conditions: [
        { type: 'Ready', status: 'True', lastHeartbeatTime: '2026-11-22T10:00:00Z', lastTransitionTime: '2026-11-22T10:00:00Z', reason: 'KubeletReady' },
      ],
      addresses: [{ type: 'InternalIP', address: '10.0.0.2' }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: '',
        osImage: '',
        containerRuntimeVersion: '',
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      images: [{ names: ['nginx:latest'], sizeBytes: 1e9 }],
    });
  });

  it('Lease: MicroTime renewTime, pointer zero kept', () => {
    expect(
      roundTrip('coordination.k8s.io/v1', 'Lease', {
        metadata: { name: 'n1', namespace: 'kube-node-lease' },
        spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: { seconds: T, nanos: 1_000_000 }, leaseTransitions: 0 },
      }),
    ).toEqual({
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: { name: 'n1', namespace: 'kube-node-lease', creationTimestamp: null },
      spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: '2026-11-22T10:00:00.001000Z', leaseTransitions: 0 },
    });
  });

  it('Binding', () => {
    expect(roundTrip('v1', 'Binding', { metadata: { name: 'p1', namespace: 'ns' }, target: { kind: 'Node', name: 'n1' } })).toEqual({
      kind: 'Binding',
      apiVersion: 'v1',
      metadata: { name: 'p1', namespace: 'ns', creationTimestamp: null },
      target: { kind: 'Node', name: 'n1' },
    });
  });

  it('Scale (autoscaling/v1): a non-pointer replicas of 0 is omitted like Go', () => {
    expect(roundTrip('autoscaling/v1', 'Scale', { metadata: { name: 'd' }, spec: { replicas: 0 } })).toEqual({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'd', creationTimestamp: null },
      spec: {},
      status: { replicas: 0 },
    });
    expect(roundTrip('autoscaling/v1', 'Scale', { metadata: { name: 'd' }, spec: { replicas: 5 } }).spec).toEqual({ replicas: 5 });
  });

  it('Eviction (policy/v1) with DeleteOptions', () => {
    expect(
      roundTrip('policy/v1', 'Eviction', {
        metadata: { name: 'p1', namespace: 'ns' },
        deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'u1' }, propagationPolicy: 'Background', dryRun: ['All'] },
      }),
    ).toEqual({
      kind: 'Eviction',
      apiVersion: 'policy/v1',
      metadata: { name: 'p1', namespace: 'ns', creationTimestamp: null },
      deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'u1' }, propagationPolicy: 'Background', dryRun: ['All'] },
    });
  });

  it('DeleteOptions sent in any group version, and as meta.k8s.io/v1', () => {
    expect(roundTrip('v1', 'DeleteOptions', { propagationPolicy: 'Foreground', orphanDependents: false })).toEqual({
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      orphanDependents: false,
      propagationPolicy: 'Foreground',
    });
    expect(roundTrip('meta.k8s.io/v1', 'DeleteOptions', {})).toEqual({ kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1' });
  });

  it('RawExtension holds JSON (ControllerRevision.data)', () => {
    expect(
      roundTrip('apps/v1', 'ControllerRevision', { metadata: { name: 'r' }, data: { raw: Buffer.from('{"spec":{"x":1}}') }, revision: 2 }),
    ).toEqual({
      kind: 'ControllerRevision',
      apiVersion: 'apps/v1',
      metadata: { name: 'r', creationTimestamp: null },
      data: { spec: { x: 1 } },
      revision: 2,
    });
  });
});

describe('Go formats', () => {
  it('RFC 3339 times', () => {
    expect(formatRfc3339(T, 999_999_999, 0)).toBe('2026-11-22T10:00:00Z');
    expect(formatRfc3339(T, 999_999_999, 6)).toBe('2026-11-22T10:00:00.999999Z');
    expect(formatRfc3339(0, 0, 6)).toBe('1970-01-01T00:00:00.000000Z');
  });

  it('durations as time.Duration.String()', () => {
    expect(formatGoDuration(0n)).toBe('0s');
    expect(formatGoDuration(1n)).toBe('1ns');
    expect(formatGoDuration(1_500n)).toBe('1.5µs');
    expect(formatGoDuration(300_000_000n)).toBe('300ms');
    expect(formatGoDuration(1_500_000_000n)).toBe('1.5s');
    expect(formatGoDuration(60_000_000_000n)).toBe('1m0s');
    expect(formatGoDuration(3_600_000_000_000n)).toBe('1h0m0s');
    expect(formatGoDuration(3_661_500_000_000n)).toBe('1h1m1.5s');
    expect(formatGoDuration(-90_000_000_000n)).toBe('-1m30s');
  });
});
