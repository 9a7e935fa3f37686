import { describe, expect, it } from 'vitest';
import { toTable } from './table.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');
const meta = (name: string, createdMsAgo = 65_000, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: ago(createdMsAgo), ...extra });

function rows(resource: string, objects: Record<string, unknown>[]) {
  return toTable(resource, objects, { now: NOW }).rows.map((r) => r.cells);
}
function headers(resource: string) {
  return toTable(resource, [], { now: NOW }).columnDefinitions!.map((c) => `${c.name}${c.priority ? '*' : ''}`);
}

describe('Table envelope', () => {
  it('carries kind, resourceVersion, column definitions and PartialObjectMetadata rows', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('c'), data: { a: '1' }, binaryData: { b: 'AA==' } };
    const t = toTable('configmaps', [cm], { now: NOW, listMeta: { resourceVersion: '42' } });
    expect(t).toEqual({
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: '42' },
      columnDefinitions: [
        expect.objectContaining({ name: 'Name', type: 'string', format: 'name', priority: 0 }),
        expect.objectContaining({ name: 'Data', type: 'string', format: '', priority: 0 }),
        expect.objectContaining({ name: 'Age', type: 'string', format: '', priority: 0 }),
      ],
      rows: [{ cells: ['c', 2, '65s'], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata } }],
    });
    expect(toTable('configmaps', [cm], { now: NOW, includeObject: 'Object' }).rows[0]!.object).toBe(cm);
    expect(toTable('configmaps', [cm], { now: NOW, includeObject: 'None' }).rows[0]).toEqual({ cells: ['c', 2, '65s'] });
    expect(toTable('configmaps', [cm], { now: NOW, noHeaders: true }).columnDefinitions).toBeNull();
  });

  it('uses kubectl column names, with -o wide ones at priority 1', () => {
    expect(headers('pods')).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP*', 'Node*', 'Nominated Node*', 'Readiness Gates*']);
    expect(headers('deployments')).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers*', 'Images*', 'Selector*']);
    expect(headers('replicasets')).toEqual(['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers*', 'Images*', 'Selector*']);
    expect(headers('services')).toEqual(['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector*']);
    expect(headers('nodes')).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP*', 'External-IP*', 'OS-Image*', 'Kernel-Version*', 'Container-Runtime*']);
    expect(headers('namespaces')).toEqual(['Name', 'Status', 'Age']);
    expect(headers('endpoints')).toEqual(['Name', 'Endpoints', 'Age']);
    expect(headers('events')).toEqual(['Last Seen', 'Type', 'Reason', 'Object', 'Subobject*', 'Source*', 'Message', 'First Seen*', 'Count*', 'Name*']);
    expect(headers('secrets')).toEqual(['Name', 'Type', 'Data', 'Age']);
    expect(headers('leases')).toEqual(['Name', 'Holder', 'Age']);
    expect(headers('widgets')).toEqual(['Name', 'Created At']);
  });
});

const running = (name: string, extra: Record<string, unknown> = {}) => ({ name, ready: true, restartCount: 0, state: { running: { startedAt: ago(60_000) } }, ...extra });

describe('pods', () => {
  const base = (status: Record<string, unknown>, spec: Record<string, unknown> = {}, m: Record<string, unknown> = {}) => ({
    metadata: meta('p', 65_000, m),
    spec: { containers: [{ name: 'a' }, { name: 'b' }], ...spec },
    status,
  });
  const cases: [string, Record<string, unknown>, (string | number)[]][] = [
    ['pending, unscheduled', base({ phase: 'Pending' }), ['p', '0/2', 'Pending', '0', '65s', '<none>', '<none>', '<none>', '<none>']],
    [
      'running and ready',
      base({ phase: 'Running', podIP: '10.1.0.5', podIPs: [{ ip: '10.1.0.5' }], containerStatuses: [running('a'), running('b')] }, { nodeName: 'n1' }),
      ['p', '2/2', 'Running', '0', '65s', '10.1.0.5', 'n1', '<none>', '<none>'],
    ],
    [
      'crash looping with restarts "(5m ago)"',
      base({
        phase: 'Running',
        containerStatuses: [
          running('a'),
          { name: 'b', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(5 * 60_000) } } },
        ],
      }),
      ['p', '1/2', 'CrashLoopBackOff', '4 (5m ago)', '65s', '<none>', '<none>', '<none>', '<none>'],
    ],
    ['image pull', base({ phase: 'Pending', containerStatuses: [{ name: 'a', state: { waiting: { reason: 'ErrImagePull' } } }] }), ['p', '0/2', 'ErrImagePull', '0', '65s', '<none>', '<none>', '<none>', '<none>']],
    [
      'completed',
      base({ phase: 'Succeeded', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }),
      ['p', '0/2', 'Completed', '0', '65s', '<none>', '<none>', '<none>', '<none>'],
    ],
    [
      'terminated without reason',
      base({ phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 137, signal: 9 } } }] }),
      ['p', '0/2', 'Signal:9', '0', '65s', '<none>', '<none>', '<none>', '<none>'],
    ],
    [
      'init container 1 of 2 running',
      base(
        { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 0 } } }, { name: 'i2', state: { running: {} } }] },
        { initContainers: [{ name: 'i1' }, { name: 'i2' }] },
      ),
      ['p', '0/2', 'Init:1/2', '0', '65s', '<none>', '<none>', '<none>', '<none>'],
    ],
    [
      'init container crash looping',
      base(
        { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(30_000) } } }] },
        { initContainers: [{ name: 'i1' }] },
      ),
      ['p', '0/2', 'Init:CrashLoopBackOff', '3 (30s ago)', '65s', '<none>', '<none>', '<none>', '<none>'],
    ],
    [
      'init container failed',
      base({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 2 } } }] }, { initContainers: [{ name: 'i1' }] }),
      ['p', '0/2', 'Init:ExitCode:2', '0', '65s', '<none>', '<none>', '<none>', '<none>'],
    ],
    [
      'sidecar counts towards READY',
      base(
        { phase: 'Running', initContainerStatuses: [{ name: 's', started: true, ready: true, state: { running: {} } }], containerStatuses: [running('a'), running('b')], conditions: [{ type: 'Initialized', status: 'True' }] },
        { initContainers: [{ name: 's', restartPolicy: 'Always' }] },
      ),
      ['p', '3/3', 'Running', '0', '65s', '<none>', '<none>', '<none>', '<none>'],
    ],
    ['terminating', base({ phase: 'Running', containerStatuses: [running('a'), running('b')] }, {}, { deletionTimestamp: ago(1000) }), ['p', '2/2', 'Terminating', '0', '65s', '<none>', '<none>', '<none>', '<none>']],
    ['terminal pods are not Terminating', base({ phase: 'Succeeded' }, {}, { deletionTimestamp: ago(1000) }), ['p', '0/2', 'Succeeded', '0', '65s', '<none>', '<none>', '<none>', '<none>']],
    ['evicted reason', base({ phase: 'Failed', reason: 'Evicted' }), ['p', '0/2', 'Evicted', '0', '65s', '<none>', '<none>', '<none>', '<none>']],
    ['scheduling gated', base({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), ['p', '0/2', 'SchedulingGated', '0', '65s', '<none>', '<none>', '<none>', '<none>']],
    [
      'readiness gates and nominated node',
      base({ phase: 'Pending', nominatedNodeName: 'n2', conditions: [{ type: 'x/ready', status: 'True' }] }, { readinessGates: [{ conditionType: 'x/ready' }, { conditionType: 'y' }] }),
      ['p', '0/2', 'Pending', '0', '65s', '<none>', '<none>', 'n2', '1/2'],
    ],
  ];
  it.each(cases)('%s', (_, pod, want) => expect(rows('pods', [pod])).toEqual([want]));
});

describe('workloads', () => {
  const template = { spec: { containers: [{ name: 'web', image: 'nginx:1.25' }, { name: 'side', image: 'busybox' }] } };
  it('deployments', () => {
    const d = { metadata: meta('web', 3 * 3600_000 + 5 * 60_000), spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } };
    expect(rows('deployments', [d, { metadata: meta('empty', 5000), spec: { template: { spec: {} } } }])).toEqual([
      ['web', '2/3', 3, 2, '3h5m', 'web,side', 'nginx:1.25,busybox', 'app=web'],
      ['empty', '0/0', 0, 0, '5s', '', '', ''],
    ]);
  });
  it('replicasets', () => {
    const rs = { metadata: meta('web-abc', 2 * 86400_000 + 3 * 3600_000), spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': 'abc' } }, template }, status: { replicas: 3, readyReplicas: 1 } };
    expect(rows('replicasets', [rs])).toEqual([['web-abc', 3, 3, 1, '2d3h', 'web,side', 'nginx:1.25,busybox', 'app=web,pod-template-hash=abc']]);
  });
});

describe('services, endpoints, nodes', () => {
  it('services', () => {
    const np = { metadata: meta('web'), spec: { type: 'NodePort', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] } };
    const headless = { metadata: meta('db'), spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [] } };
    const lb = { metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIPs: ['10.96.0.11'], ports: [{ port: 443, protocol: 'TCP', nodePort: 31443 }] }, status: {} };
    const ext = { metadata: meta('ext'), spec: { type: 'ExternalName', externalName: 'example.com' } };
    expect(rows('services', [np, headless, lb, ext])).toEqual([
      ['web', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP,53/UDP', '65s', 'app=web'],
      ['db', 'ClusterIP', 'None', '<none>', '<none>', '65s', '<none>'],
      ['lb', 'LoadBalancer', '10.96.0.11', '<pending>', '443:31443/TCP', '65s', '<none>'],
      ['ext', 'ExternalName', '<none>', 'example.com', '<none>', '65s', '<none>'],
    ]);
  });
  it('endpoints', () => {
    const addrs = (n: number) => Array.from({ length: n }, (_, i) => ({ ip: `10.1.0.${i + 1}` }));
    expect(
      rows('endpoints', [
        { metadata: meta('one'), subsets: [{ addresses: addrs(2), ports: [{ port: 8080 }] }] },
        { metadata: meta('many'), subsets: [{ addresses: addrs(5), ports: [{ port: 80 }] }] },
        { metadata: meta('headless'), subsets: [{ addresses: addrs(1) }] },
        { metadata: meta('none') },
      ]),
    ).toEqual([
      ['one', '10.1.0.1:8080,10.1.0.2:8080', '65s'],
      ['many', '10.1.0.1:80,10.1.0.2:80,10.1.0.3:80 + 2 more...', '65s'],
      ['headless', '10.1.0.1', '65s'],
      ['none', '<none>', '65s'],
    ]);
  });
  it('nodes', () => {
    const node = (name: string, ready: string | undefined, unschedulable = false, labels: Record<string, string> = {}) => ({
      metadata: { name, creationTimestamp: ago(10 * 86400_000), labels },
      spec: unschedulable ? { unschedulable: true } : {},
      status: {
        conditions: ready === undefined ? [] : [{ type: 'Ready', status: ready }],
        addresses: [{ type: 'InternalIP', address: '192.168.0.2' }],
        nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian', kernelVersion: '6.1', containerRuntimeVersion: 'yawl://0.1.0' },
      },
    });
    expect(
      rows('nodes', [
        node('a', 'True', false, { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'worker' }),
        node('b', 'False'),
        node('c', 'Unknown', true),
        node('d', undefined),
      ]).map((r) => r.slice(0, 6)),
    ).toEqual([
      ['a', 'Ready', 'control-plane,worker', '10d', 'v1.32.0', '192.168.0.2'],
      ['b', 'NotReady', '<none>', '10d', 'v1.32.0', '192.168.0.2'],
      ['c', 'NotReady,SchedulingDisabled', '<none>', '10d', 'v1.32.0', '192.168.0.2'],
      ['d', 'Unknown', '<none>', '10d', 'v1.32.0', '192.168.0.2'],
    ]);
    expect(rows('nodes', [node('a', 'True')])[0]!.slice(6)).toEqual(['<none>', 'Debian', '6.1', 'yawl://0.1.0']);
  });
});

describe('namespaces, events, secrets, leases', () => {
  it('namespaces', () => {
    expect(rows('namespaces', [{ metadata: { name: 'default', creationTimestamp: ago(3 * 60_000) }, status: { phase: 'Active' } }])).toEqual([['default', 'Active', '3m']]);
  });
  it('events', () => {
    const ev = {
      metadata: meta('web.17a'),
      involvedObject: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{web}' },
      reason: 'Pulled',
      message: ' Successfully pulled image \n',
      type: 'Normal',
      source: { component: 'kubelet', host: 'node-a' },
      firstTimestamp: ago(10 * 60_000),
      lastTimestamp: ago(30_000),
      count: 3,
    };
    const newStyle = { metadata: meta('x'), involvedObject: { kind: 'Node' }, reason: 'R', type: 'Warning', eventTime: ago(5000), reportingComponent: 'ctrl' };
    expect(rows('events', [ev, newStyle])).toEqual([
      ['30s', 'Normal', 'Pulled', 'pod/web', 'spec.containers{web}', 'kubelet, node-a', 'Successfully pulled image', '10m', 3, 'web.17a'],
      ['5s', 'Warning', 'R', 'node', '', 'ctrl', '', '5s', 1, 'x'],
    ]);
  });
  it('secrets and leases', () => {
    expect(rows('secrets', [{ metadata: meta('s'), type: 'Opaque', data: { a: 'YQ==', b: 'Yg==' } }])).toEqual([['s', 'Opaque', 2, '65s']]);
    expect(rows('leases', [{ metadata: meta('l'), spec: { holderIdentity: 'node-a' } }, { metadata: meta('m'), spec: {} }])).toEqual([
      ['l', 'node-a', '65s'],
      ['m', '', '65s'],
    ]);
  });
});
