// meta.k8s.io/v1 Tables with the columns kubectl shows for each served kind (priority 1 = the -o wide extras).
import type { ResourceInfo } from '../api/k8s/resources.js';
import type { KubeObject } from './registry/object-store.js';

type Obj = Record<string, any>;
interface Column {
  name: string;
  type?: string;
  format?: string;
  priority?: number;
  cell(o: Obj, now: number): unknown;
}

/** kubectl's duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  const d = Math.floor(h / 24);
  if (d < 730) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

const name: Column = { name: 'Name', format: 'name', cell: (o) => o.metadata?.name };
const age: Column = { name: 'Age', cell: (o, now) => (o.metadata?.creationTimestamp ? humanDuration(now - Date.parse(o.metadata.creationTimestamp)) : '<unknown>') };
const none = (v: unknown) => (v === undefined || v === null || v === '' ? '<none>' : v);
const images = (o: Obj) => ((o.spec?.template?.spec?.containers ?? []) as Obj[]).map((c) => c.image).join(',');
const containers = (o: Obj) => ((o.spec?.template?.spec?.containers ?? []) as Obj[]).map((c) => c.name).join(',');
const selector = (o: Obj) => none(Object.entries(o.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(','));

function podStatus(o: Obj): string {
  if (o.metadata?.deletionTimestamp) return 'Terminating';
  let reason = o.status?.reason ?? o.status?.phase ?? 'Unknown';
  for (const c of (o.status?.containerStatuses ?? []) as Obj[]) {
    if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
  }
  return reason;
}

function servicePorts(o: Obj): string {
  const ports = (o.spec?.ports ?? []) as Obj[];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

const COLUMNS: Record<string, Column[]> = {
  pods: [
    name,
    { name: 'Ready', cell: (o) => `${((o.status?.containerStatuses ?? []) as Obj[]).filter((c) => c.ready).length}/${(o.spec?.containers ?? []).length}` },
    { name: 'Status', cell: podStatus },
    { name: 'Restarts', type: 'string', cell: (o) => String(((o.status?.containerStatuses ?? []) as Obj[]).reduce((n, c) => n + (c.restartCount ?? 0), 0)) },
    age,
    { name: 'IP', priority: 1, cell: (o) => none(o.status?.podIP) },
    { name: 'Node', priority: 1, cell: (o) => none(o.spec?.nodeName) },
    { name: 'Nominated Node', priority: 1, cell: (o) => none(o.status?.nominatedNodeName) },
    { name: 'Readiness Gates', priority: 1, cell: () => '<none>' },
  ],
  deployments: [
    name,
    { name: 'Ready', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => o.status?.availableReplicas ?? 0 },
    age,
    { name: 'Containers', priority: 1, cell: containers },
    { name: 'Images', priority: 1, cell: images },
    { name: 'Selector', priority: 1, cell: selector },
  ],
  replicasets: [
    name,
    { name: 'Desired', type: 'integer', cell: (o) => o.spec?.replicas ?? 0 },
    { name: 'Current', type: 'integer', cell: (o) => o.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', cell: (o) => o.status?.readyReplicas ?? 0 },
    age,
    { name: 'Containers', priority: 1, cell: containers },
    { name: 'Images', priority: 1, cell: images },
    { name: 'Selector', priority: 1, cell: selector },
  ],
  services: [
    name,
    { name: 'Type', cell: (o) => o.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', cell: (o) => none(o.spec?.clusterIP) },
    { name: 'External-IP', cell: (o) => none(o.spec?.externalIPs?.join(',') ?? (o.spec?.type === 'ExternalName' ? o.spec?.externalName : undefined)) },
    { name: 'Port(s)', cell: servicePorts },
    age,
    { name: 'Selector', priority: 1, cell: (o) => none(Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',')) },
  ],
  namespaces: [name, { name: 'Status', cell: (o) => o.status?.phase ?? 'Active' }, age],
  nodes: [
    name,
    {
      name: 'Status',
      cell: (o) => {
        const ready = ((o.status?.conditions ?? []) as Obj[]).find((c) => c.type === 'Ready');
        const s = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
        return o.spec?.unschedulable ? `${s},SchedulingDisabled` : s;
      },
    },
    { name: 'Roles', cell: (o) => none(Object.keys(o.metadata?.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice(24)).join(',')) },
    age,
    { name: 'Version', cell: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
  ],
  configmaps: [name, { name: 'Data', type: 'integer', cell: (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length }, age],
  secrets: [name, { name: 'Type', cell: (o) => o.type ?? 'Opaque' }, { name: 'Data', type: 'integer', cell: (o) => Object.keys(o.data ?? {}).length }, age],
  endpoints: [
    name,
    {
      name: 'Endpoints',
      cell: (o) => none(((o.subsets ?? []) as Obj[]).flatMap((s) => ((s.addresses ?? []) as Obj[]).flatMap((a) => ((s.ports ?? [{}]) as Obj[]).map((p) => (p.port ? `${a.ip}:${p.port}` : a.ip)))).join(',')),
    },
    age,
  ],
  events: [
    { name: 'Last Seen', cell: (o, now) => (o.lastTimestamp ? humanDuration(now - Date.parse(o.lastTimestamp)) : '<unknown>') },
    { name: 'Type', cell: (o) => o.type ?? '' },
    { name: 'Reason', cell: (o) => o.reason ?? '' },
    { name: 'Object', cell: (o) => `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}` },
    { name: 'Message', cell: (o) => o.message ?? '' },
  ],
  leases: [name, { name: 'Holder', cell: (o) => o.spec?.holderIdentity ?? '' }, age],
};

export function tableFor(info: ResourceInfo, objects: KubeObject[], listMeta: Record<string, unknown>, includeObject: 'None' | 'Metadata' | 'Object', now = Date.now()): Record<string, unknown> {
  const columns = COLUMNS[info.resource] ?? [name, age];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type ?? 'string', format: c.format ?? '', description: c.name, priority: c.priority ?? 0 })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      ...(includeObject === 'None'
        ? {}
        : { object: includeObject === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } }),
    })),
  };
}
