// ClusterIPs and NodePorts for Services. Each allocation is a key in the store created only if absent, so two
// apiservers on one store never hand out the same IP or port (Kubernetes keeps a bitmap object for the same job).
import { errors } from '../../http/status.js';
import { StoreAlreadyExists, type ObjectStore } from '../object-store.js';

const IP_PREFIX = '/registry/yawl.allocations/serviceips/';
const PORT_PREFIX = '/registry/yawl.allocations/nodeports/';

export interface ServiceRanges {
  /** --service-cluster-ip-range, an IPv4 CIDR (Kubernetes' kubeadm default 10.96.0.0/12). */
  clusterIpRange: string;
  /** --service-node-port-range, inclusive (default 30000-32767). */
  nodePortRange: readonly [number, number];
}

export const DEFAULT_SERVICE_RANGES: ServiceRanges = { clusterIpRange: '10.96.0.0/12', nodePortRange: [30000, 32767] };

export function parseCidr(cidr: string): { base: number; size: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`invalid CIDR ${cidr}: want an IPv4 CIDR such as 10.96.0.0/12`);
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits < 8 || bits > 30) throw new Error(`invalid CIDR ${cidr}: prefix length must be 8..30`);
  const size = 2 ** (32 - bits);
  const addr = ((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]!;
  return { base: addr - (addr % size), size };
}

export function ipToString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function ipToNumber(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!;
}

export class ServiceAllocations {
  private readonly ips: { base: number; size: number };

  constructor(
    private readonly store: ObjectStore,
    readonly ranges: ServiceRanges = DEFAULT_SERVICE_RANGES,
  ) {
    this.ips = parseCidr(ranges.clusterIpRange);
  }

  /** The first usable address: Kubernetes gives it to the "kubernetes" Service. */
  get firstIp(): string {
    return ipToString(this.ips.base + 1);
  }

  async allocateIp(requested: string | undefined, field: string): Promise<string> {
    if (requested !== undefined) {
      const n = ipToNumber(requested);
      if (n === undefined || n <= this.ips.base || n >= this.ips.base + this.ips.size - 1) {
        throw errors.invalidField(field, `[]string{"${requested}"}`, `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.ranges.clusterIpRange}`);
      }
      if (!(await this.claim(IP_PREFIX + requested))) throw errors.invalidField(field, `[]string{"${requested}"}`, `failed to allocate IP ${requested}: provided IP is already allocated`);
      return requested;
    }
    // Random probes first (cheap while the range is sparse), then a scan (so a nearly full range still works).
    const usable = this.ips.size - 2;
    for (let i = 0; i < 16; i++) {
      const ip = ipToString(this.ips.base + 2 + Math.floor(Math.random() * (usable - 1)));
      if (await this.claim(IP_PREFIX + ip)) return ip;
    }
    const taken = new Set((await this.store.list(IP_PREFIX, {})).items.map((o) => o.metadata.name));
    for (let n = this.ips.base + 2; n < this.ips.base + this.ips.size - 1; n++) {
      const ip = ipToString(n);
      if (!taken.has(ip) && (await this.claim(IP_PREFIX + ip))) return ip;
    }
    throw errors.internal(`failed to allocate a serviceIP: range is full`);
  }

  async allocateNodePort(requested: number | undefined, field: string): Promise<number> {
    const [lo, hi] = this.ranges.nodePortRange;
    if (requested !== undefined) {
      if (requested < lo || requested > hi) throw errors.invalidField(field, String(requested), `provided port is not in the valid range. The range of valid ports is ${lo}-${hi}`);
      if (!(await this.claim(PORT_PREFIX + requested))) throw errors.invalidField(field, String(requested), 'provided port is already allocated');
      return requested;
    }
    for (let i = 0; i < 16; i++) {
      const port = lo + Math.floor(Math.random() * (hi - lo + 1));
      if (await this.claim(PORT_PREFIX + port)) return port;
    }
    for (let port = lo; port <= hi; port++) if (await this.claim(PORT_PREFIX + port)) return port;
    throw errors.internal('failed to allocate a nodePort: range is full');
  }

  async releaseIp(ip: string): Promise<void> {
    await this.store.delete(IP_PREFIX + ip);
  }

  async releaseNodePort(port: number): Promise<void> {
    await this.store.delete(PORT_PREFIX + port);
  }

  private async claim(key: string): Promise<boolean> {
    try {
      await this.store.create(key, { metadata: { name: key.slice(key.lastIndexOf('/') + 1) } });
      return true;
    } catch (e) {
      if (e instanceof StoreAlreadyExists) return false;
      throw e;
    }
  }
}
