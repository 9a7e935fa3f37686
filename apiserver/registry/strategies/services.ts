// Services: a ClusterIP (unless headless or ExternalName) and, for NodePort and LoadBalancer, a node port per port,
// allocated on create and kept on update (clusterIP is immutable); released when the Service is deleted.
import type { KubeObject } from '../object-store.js';
import type { Strategy } from '../strategy.js';
import type { ServiceAllocations } from './service-allocations.js';

interface ServicePort {
  port?: number;
  nodePort?: number;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
}

function specOf(obj: KubeObject): ServiceSpec {
  return (obj.spec ??= {}) as ServiceSpec;
}

function wantsNodePorts(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

export function serviceStrategy(alloc: ServiceAllocations): Strategy {
  const allocateNodePorts = async (spec: ServiceSpec, keep: Set<number>) => {
    const ports = spec.ports ?? [];
    for (let i = 0; i < ports.length; i++) {
      const p = ports[i]!;
      if (p.nodePort !== undefined && keep.has(p.nodePort)) continue;
      p.nodePort = await alloc.allocateNodePort(p.nodePort, `spec.ports[${i}].nodePort`);
    }
  };
  return {
    async prepareForCreate(obj) {
      const spec = specOf(obj);
      obj.status = { loadBalancer: {} };
      if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None') {
        const requested = spec.clusterIP && spec.clusterIP !== '' ? spec.clusterIP : spec.clusterIPs?.[0];
        const ip = await alloc.allocateIp(requested, 'spec.clusterIPs');
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
      } else if (spec.clusterIP === 'None') {
        spec.clusterIPs = ['None'];
      }
      if (wantsNodePorts(spec)) await allocateNodePorts(spec, new Set());
    },
    async prepareForUpdate(obj, old) {
      const spec = specOf(obj);
      const before = specOf(old);
      if (!spec.clusterIP && before.clusterIP) spec.clusterIP = before.clusterIP;
      if (!spec.clusterIPs && before.clusterIPs) spec.clusterIPs = [...before.clusterIPs];
      const had = new Set((before.ports ?? []).map((p) => p.nodePort).filter((p): p is number => p !== undefined));
      if (wantsNodePorts(spec)) {
        // A port the client left without nodePort keeps the one it had (matched by port number).
        for (const p of spec.ports ?? []) {
          if (p.nodePort === undefined) p.nodePort = (before.ports ?? []).find((b) => b.port === p.port)?.nodePort;
        }
        await allocateNodePorts(spec, had);
      } else {
        for (const p of spec.ports ?? []) delete p.nodePort;
      }
      const kept = new Set((spec.ports ?? []).map((p) => p.nodePort));
      for (const p of had) if (!kept.has(p)) await alloc.releaseNodePort(p);
    },
    async afterDelete(obj) {
      const spec = specOf(obj);
      for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) if (ip !== 'None') await alloc.releaseIp(ip);
      for (const p of spec.ports ?? []) if (p.nodePort !== undefined) await alloc.releaseNodePort(p.nodePort);
    },
  };
}
