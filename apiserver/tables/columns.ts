// The columns kubectl shows for each served resource, as the apiserver's table convertor defines them
// (pkg/printers/internalversion AddHandlers): name, type, format, description and priority (0 = default,
// 1 = `-o wide`). The server always fills every column; kubectl hides priority-1 ones unless -o wide.
import { formatLabelSelector, formatLabels } from '../../api/k8s/selectors/index.js';
import { since } from './duration.js';
import { podCells, readinessGates } from './pod-row.js';

type Obj = Record<string, any>;

export interface Column {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format: string;
  readonly description: string;
  readonly priority: 0 | 1;
  readonly cell: (o: Obj, now: number) => string | number | boolean;
}

function col(name: string, description: string, cell: Column['cell'], more: Partial<Pick<Column, 'type' | 'format' | 'priority'>> = {}): Column {
  return { name, type: 'string', format: '', description, priority: 0, cell, ...more };
}
const wide = { priority: 1 } as const;

const NAME_DOC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const AGE_DOC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

const name = col('Name', NAME_DOC, (o) => o.metadata?.name ?? '', { format: 'name' });
const age = col('Age', AGE_DOC, (o, now) => since(o.metadata?.creationTimestamp, now));
const orNone = (v: unknown): string => (v === undefined || v === null || v === '' ? '<none>' : String(v));
const int = (v: unknown): number => (typeof v === 'number' ? v : 0);

const templateContainers = (o: Obj): Obj[] => o.spec?.template?.spec?.containers ?? [];
const containersCol = col('Containers', 'Names of each container in the template.', (o) => templateContainers(o).map((c) => c.name ?? '').join(','), wide);
const imagesCol = col('Images', 'Images referenced by each container in the template.', (o) => templateContainers(o).map((c) => c.image ?? '').join(','), wide);

// Pods compute three cells together; cache per object within one conversion.
const podCache = new WeakMap<Obj, { now: number; cells: ReturnType<typeof podCells> }>();
function pod(o: Obj, now: number) {
  const hit = podCache.get(o);
  if (hit && hit.now === now) return hit.cells;
  const cells = podCells(o, now);
  podCache.set(o, { now, cells });
  return cells;
}

function serviceExternalIP(o: Obj): string {
  const spec: Obj = o.spec ?? {};
  const external: string[] = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = [...new Set(((o.status?.loadBalancer?.ingress ?? []) as Obj[]).map((i) => i.ip || i.hostname).filter(Boolean))].sort();
      let lbText = lb.join(',');
      if (lbText.length > 16) lbText = `${lbText.slice(0, 13)}...`;
      if (external.length > 0) return [...(lbText ? lbText.split(',') : []), ...external].join(',');
      return lbText || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

function servicePorts(o: Obj): string {
  const ports: Obj[] = o.spec?.ports ?? [];
  const text = ports.map((p) => (p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
  return text === '' ? '<none>' : text;
}

/** formatEndpoints: at most three "ip:port", then " + N more...". */
function endpoints(o: Obj): string {
  const subsets: Obj[] = o.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  let more = false;
  for (const ss of subsets) {
    const addresses: Obj[] = ss.addresses ?? [];
    const ports: Obj[] = ss.ports ?? [];
    const targets = ports.length === 0 ? [undefined] : ports;
    for (const port of targets) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === 3) {
          more = true;
          break;
        }
        const ip = String(a.ip ?? '');
        list.push(port === undefined ? ip : ip.includes(':') ? `[${ip}]:${port.port}` : `${ip}:${port.port}`);
      }
    }
  }
  const text = list.join(',');
  return more ? `${text} + ${count - 3} more...` : text;
}

function nodeStatus(o: Obj): string {
  const ready = ((o.status?.conditions ?? []) as Obj[]).find((c) => c.type === 'Ready');
  const parts = [ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (o.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(o: Obj): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries((o.metadata?.labels ?? {}) as Record<string, string>)) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 24) roles.add(k.slice(24));
    else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

const nodeAddress = (o: Obj, type: string) => ((o.status?.addresses ?? []) as Obj[]).find((a) => a.type === type)?.address ?? '<none>';
const unknownIfEmpty = (v: unknown) => (v ? String(v) : '<unknown>');

function eventTimes(o: Obj, now: number): { first: string; last: string; count: number } {
  const first = o.firstTimestamp ? since(o.firstTimestamp, now) : since(o.eventTime, now);
  let last = o.lastTimestamp ? since(o.lastTimestamp, now) : first;
  let count: number = o.count ?? 0;
  if (o.series) {
    last = since(o.series.lastObservedTime, now);
    count = o.series.count ?? 0;
  } else if (count === 0) {
    count = 1;
  }
  return { first, last, count };
}

function eventSource(o: Obj): string {
  const component = o.source?.component || o.reportingComponent || '';
  const instance = o.source?.host || o.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

export const COLUMNS: Readonly<Record<string, readonly Column[]>> = {
  pods: [
    name,
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.', (o, now) => pod(o, now).ready),
    col('Status', 'The aggregate status of the containers in this pod.', (o, now) => pod(o, now).status),
    col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.', (o, now) => pod(o, now).restarts),
    age,
    col('IP', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', (o) => orNone(o.status?.podIPs?.[0]?.ip ?? o.status?.podIP), wide),
    col('Node', 'NodeName indicates in which node this pod is scheduled.', (o) => orNone(o.spec?.nodeName), wide),
    col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.', (o) => orNone(o.status?.nominatedNodeName), wide),
    col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', readinessGates, wide),
  ],
  deployments: [
    name,
    col('Ready', 'Number of the pod with ready state', (o) => `${int(o.status?.readyReplicas)}/${int(o.spec?.replicas)}`),
    col('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', (o) => int(o.status?.updatedReplicas)),
    col('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', (o) => int(o.status?.availableReplicas)),
    age,
    containersCol,
    imagesCol,
    col('Selector', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', (o) => {
      const s = formatLabelSelector(o.spec?.selector);
      return s === '<none>' ? '' : s === '<error>' ? '<invalid>' : s;
    }, wide),
  ],
  replicasets: [
    name,
    col('Desired', 'Replicas is the number of desired replicas.', (o) => int(o.spec?.replicas), { type: 'integer' }),
    col('Current', 'Replicas is the most recently observed number of replicas.', (o) => int(o.status?.replicas), { type: 'integer' }),
    col('Ready', 'The number of ready replicas for this replica set.', (o) => int(o.status?.readyReplicas), { type: 'integer' }),
    age,
    containersCol,
    imagesCol,
    col('Selector', 'Selector is a label query over pods that should match the replica count.', (o) => formatLabelSelector(o.spec?.selector), wide),
  ],
  services: [
    name,
    col('Type', 'type determines how the Service is exposed.', (o) => o.spec?.type ?? ''),
    col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.', (o) => o.spec?.clusterIPs?.[0] ?? o.spec?.clusterIP ?? '<none>'),
    col('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.', serviceExternalIP),
    col('Port(s)', 'The list of ports that are exposed by this service.', servicePorts),
    age,
    col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', (o) => formatLabels(o.spec?.selector), wide),
  ],
  nodes: [
    name,
    col('Status', 'The status of the node', nodeStatus),
    col('Roles', 'The roles of the node', nodeRoles),
    age,
    col('Version', 'Kubelet Version reported by the node.', (o) => o.status?.nodeInfo?.kubeletVersion ?? ''),
    col('Internal-IP', 'List of addresses reachable to the node.', (o) => nodeAddress(o, 'InternalIP'), wide),
    col('External-IP', 'List of addresses reachable to the node.', (o) => nodeAddress(o, 'ExternalIP'), wide),
    col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', (o) => unknownIfEmpty(o.status?.nodeInfo?.osImage), wide),
    col('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", (o) => unknownIfEmpty(o.status?.nodeInfo?.kernelVersion), wide),
    col('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', (o) => unknownIfEmpty(o.status?.nodeInfo?.containerRuntimeVersion), wide),
  ],
  namespaces: [name, col('Status', 'The status of the namespace', (o) => o.status?.phase ?? ''), age],
  endpoints: [name, col('Endpoints', 'The set of all endpoints is the union of all subsets.', endpoints), age],
  events: [
    col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.', (o, now) => eventTimes(o, now).last),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future', (o) => o.type ?? ''),
    col('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.', (o) => o.reason ?? ''),
    col('Object', 'The object that this event is about.', (o) => {
      const kind = String(o.involvedObject?.kind ?? '').toLowerCase();
      return o.involvedObject?.name ? `${kind}/${o.involvedObject.name}` : kind;
    }),
    col('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', (o) => o.involvedObject?.fieldPath ?? '', wide),
    col('Source', 'The component reporting this event. Should be a short machine understandable string.', eventSource, wide),
    col('Message', 'A human-readable description of the status of this operation.', (o) => String(o.message ?? '').trim()),
    col('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', (o, now) => eventTimes(o, now).first, wide),
    col('Count', 'The number of times this event has occurred.', (o, now) => eventTimes(o, now).count, wide),
    col('Name', NAME_DOC, (o) => o.metadata?.name ?? '', { priority: 1, format: 'name' }),
  ],
  configmaps: [name, col('Data', 'Data contains the configuration data.', (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length), age],
  secrets: [
    name,
    col('Type', 'Used to facilitate programmatic handling of secret data.', (o) => o.type ?? ''),
    col('Data', 'Data contains the secret data.', (o) => Object.keys(o.data ?? {}).length),
    age,
  ],
  leases: [name, col('Holder', 'holderIdentity contains the identity of the holder of a current lease.', (o) => o.spec?.holderIdentity ?? ''), age],
};

/** Resources without their own printer get NAME and AGE, like the apiserver's default table convertor. */
export const DEFAULT_COLUMNS: readonly Column[] = [name, col('Created At', AGE_DOC, (o) => o.metadata?.creationTimestamp ?? '', { type: 'date' })];

export function columnsFor(resource: string): readonly Column[] {
  return COLUMNS[resource] ?? DEFAULT_COLUMNS;
}
