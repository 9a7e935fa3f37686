// The defaults the real apiserver fills in for the kinds kubectl users write most (so `kubectl get -o yaml`
// shows what it would on Kubernetes): Pods and pod templates, Deployments, ReplicaSets, Services, Secrets.
import type { KubeObject } from './registry/object-store.js';

type Obj = Record<string, any>;

function podSpecDefaults(spec: Obj | undefined): void {
  if (!spec) return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])] as Obj[]) {
    if (c.imagePullPolicy === undefined && typeof c.image === 'string') {
      // Always for :latest or no tag (a digest counts as pinned), IfNotPresent otherwise.
      const tagged = /@sha256:/.test(c.image) || /:[^/]+$/.test(c.image);
      c.imagePullPolicy = !tagged || c.image.endsWith(':latest') ? 'Always' : 'IfNotPresent';
    }
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
    for (const p of (c.ports ?? []) as Obj[]) p.protocol ??= 'TCP';
    for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe] as Array<Obj | undefined>) {
      if (!probe) continue;
      probe.timeoutSeconds ??= 1;
      probe.periodSeconds ??= 10;
      probe.successThreshold ??= 1;
      probe.failureThreshold ??= 3;
      if (probe.httpGet) probe.httpGet.scheme ??= 'HTTP';
    }
  }
}

export function applyDefaults(obj: KubeObject): void {
  const o = obj as Obj;
  switch (`${o.apiVersion}/${o.kind}`) {
    case 'v1/Pod':
      o.spec ??= {};
      podSpecDefaults(o.spec);
      o.spec.enableServiceLinks ??= true;
      break;
    case 'apps/v1/Deployment':
      o.spec ??= {};
      o.spec.replicas ??= 1;
      o.spec.strategy ??= { type: 'RollingUpdate' };
      if (o.spec.strategy.type === 'RollingUpdate') o.spec.strategy.rollingUpdate = { maxSurge: '25%', maxUnavailable: '25%', ...(o.spec.strategy.rollingUpdate ?? {}) };
      o.spec.revisionHistoryLimit ??= 10;
      o.spec.progressDeadlineSeconds ??= 600;
      podSpecDefaults(o.spec.template?.spec);
      break;
    case 'apps/v1/ReplicaSet':
      o.spec ??= {};
      o.spec.replicas ??= 1;
      podSpecDefaults(o.spec.template?.spec);
      break;
    case 'v1/Service':
      o.spec ??= {};
      o.spec.type ??= 'ClusterIP';
      if (o.spec.type !== 'ExternalName') {
        o.spec.sessionAffinity ??= 'None';
        o.spec.internalTrafficPolicy ??= 'Cluster';
        o.spec.ipFamilies ??= ['IPv4'];
        o.spec.ipFamilyPolicy ??= 'SingleStack';
      }
      for (const p of (o.spec.ports ?? []) as Obj[]) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      break;
    case 'v1/Secret':
      o.type ??= 'Opaque';
      break;
    default:
  }
}
