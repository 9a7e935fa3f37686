// The member's client-facing gRPC server: every etcd v3 service on every --listen-client-urls address.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ClusterService, HealthService, KVService, LeaseService, MaintenanceService, WatchService } from '../../api/etcd/services.js';
import type { Member } from '../server/member.js';
import { clusterService } from './cluster-service.js';
import { healthService } from './health-service.js';
import { kvService } from './kv-service.js';
import { LeaderProxy } from './leader-proxy.js';
import { leaseService } from './lease-service.js';
import { maintenanceService } from './maintenance-service.js';
import { watchService } from './watch-service.js';

export class ClientServer {
  private readonly server: grpc.Server;
  private readonly proxy: LeaderProxy;

  constructor(
    member: Member,
    private readonly logger: Logger,
  ) {
    // etcd accepts messages up to max-request-bytes plus 512 KiB of gRPC overhead; larger ones fail in gRPC.
    const maxReceive = member.cfg.maxRequestBytes + 512 * 1024;
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': maxReceive,
      'grpc.max_send_message_length': 2 ** 31 - 1,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 5000,
    });
    this.proxy = new LeaderProxy(member);
    this.server.addService(KVService, kvService(member, logger));
    this.server.addService(WatchService, watchService(member, logger));
    this.server.addService(LeaseService, leaseService(member, this.proxy, logger));
    this.server.addService(ClusterService, clusterService(member, logger));
    this.server.addService(MaintenanceService, maintenanceService(member, logger));
    this.server.addService(HealthService, healthService());
  }

  async listen(urls: URL[]): Promise<void> {
    for (const u of urls) {
      await new Promise<void>((resolve, reject) => {
        this.server.bindAsync(`${u.hostname}:${u.port}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve()));
      });
      this.logger.info({ address: u.toString() }, 'serving client requests');
    }
  }

  async stop(): Promise<void> {
    this.proxy.close();
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 2000);
      this.server.tryShutdown(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
