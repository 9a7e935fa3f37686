// `yawl apiserver`: wires the store (any etcd v3 endpoints), the registries with their strategies, the type
// system (api/k8s), patching, selectors, tables, discovery and OpenAPI into the HTTP edge, then serves.
import pino from 'pino';
import { RESOURCES, type ResourceInfo } from '../api/k8s/resources.js';
import type { ApiServerFlags } from '../cli/apiserver-command.js';
import { ApiServer } from './http/server.js';
import { EtcdObjectStore } from './registry/etcd-object-store.js';
import { NamespaceLifecycle } from './registry/namespaces.js';
import { Registry } from './registry/registry.js';
import type { Strategy } from './registry/strategy.js';
import { podStrategy } from './registry/strategies/pods.js';
import { DEFAULT_SERVICE_RANGES, ServiceAllocations } from './registry/strategies/service-allocations.js';
import { serviceStrategy } from './registry/strategies/services.js';
import { createOnUpdateStrategy, namespaceStrategy, plainStrategy, workloadStrategy } from './registry/strategies/simple.js';
import { nonResourceHandler, predicateFor, tableFor, typeSystem } from './wiring.js';

export interface ApiServerConfig {
  etcdServers: string[];
  bindAddress: string;
  port: number;
  serviceClusterIpRange: string;
  serviceNodePortRange: readonly [number, number];
  logLevel: string;
}

export function configFromFlags(flags: ApiServerFlags): ApiServerConfig {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port takes a port number, got ${JSON.stringify(flags.port)}`);
  const range = /^(\d+)-(\d+)$/.exec(flags.serviceNodePortRange);
  if (!range || Number(range[1]) > Number(range[2])) throw new Error(`--service-node-port-range takes LOW-HIGH, got ${JSON.stringify(flags.serviceNodePortRange)}`);
  const etcdServers = flags.etcdServers.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (etcdServers.length === 0) throw new Error('--etcd-servers names no endpoint');
  return { etcdServers, bindAddress: flags.bindAddress, port, serviceClusterIpRange: flags.serviceClusterIpRange, serviceNodePortRange: [Number(range[1]), Number(range[2])], logLevel: flags.logLevel };
}

export interface RunningApiServer {
  readonly port: number;
  stop(): Promise<void>;
}

export async function startApiServer(config: ApiServerConfig): Promise<RunningApiServer> {
  const logger = pino({ level: config.logLevel, base: { component: 'apiserver' } });
  const store = new EtcdObjectStore(config.etcdServers);
  const allocations = new ServiceAllocations(store, { ...DEFAULT_SERVICE_RANGES, clusterIpRange: config.serviceClusterIpRange, nodePortRange: config.serviceNodePortRange });
  const types = typeSystem();
  const registries = new Map<ResourceInfo, Registry>();
  let lifecycle: NamespaceLifecycle | undefined;
  const namespaces = { checkCreatable: (ns: string) => lifecycle!.checkCreatable(ns) };
  const strategyFor = (info: ResourceInfo): Strategy => {
    switch (info.resource) {
      case 'pods':
        return podStrategy;
      case 'services':
        return serviceStrategy(allocations);
      case 'deployments':
      case 'replicasets':
        return workloadStrategy;
      case 'namespaces':
        return namespaceStrategy;
      case 'endpoints':
      case 'leases':
        return createOnUpdateStrategy;
      default:
        return plainStrategy;
    }
  };
  for (const info of RESOURCES) registries.set(info, new Registry(info, store, types, strategyFor(info), namespaces));
  const registryOf = (info: ResourceInfo) => registries.get(info)!;
  const nsInfo = RESOURCES.find((r) => r.resource === 'namespaces')!;
  lifecycle = new NamespaceLifecycle(registryOf(nsInfo), () => RESOURCES.filter((r) => r.namespaced).map(registryOf), logger);

  // The store must answer before anything is served: a misconfigured --etcd-servers fails here, clearly.
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await store.currentRevision();
      break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`cannot reach etcd at ${config.etcdServers.join(',')}: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  await lifecycle.ensureBuiltIns();
  lifecycle.start();

  const server = new ApiServer(
    {
      registry: registryOf,
      predicate: predicateFor,
      toTable: tableFor,
      nonResource: nonResourceHandler,
      watchSource: store,
      ready: async () => {
        try {
          await store.currentRevision();
          return true;
        } catch {
          return false;
        }
      },
    },
    logger,
  );
  const address = await server.listen(config.bindAddress, config.port);
  logger.info({ address: `http://${config.bindAddress}:${address.port}`, etcd: config.etcdServers }, 'serving the API');
  return {
    port: address.port,
    async stop() {
      lifecycle?.stop();
      await server.close();
      store.close();
    },
  };
}

export async function runApiServer(flags: ApiServerFlags): Promise<number> {
  let config: ApiServerConfig;
  try {
    config = configFromFlags(flags);
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 2;
  }
  let running: RunningApiServer;
  try {
    running = await startApiServer(config);
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.stop();
  return 0;
}
