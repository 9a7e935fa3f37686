// Requests only the leader can answer (lease keepalives and TTL queries: only the leader's lessor runs the
// clocks) are forwarded from a follower to the leader's client URL, as an etcd follower forwards them.
import * as grpc from '@grpc/grpc-js';
import { LeaseClient, type LeaseMethods, type ServiceClient } from '../../api/etcd/services.js';
import type { Member } from '../server/member.js';
import { EtcdError } from '../server/errors.js';

export class LeaderProxy {
  private readonly clients = new Map<string, ServiceClient<LeaseMethods>>();

  constructor(private readonly member: Member) {}

  /** A lease client connected to the current leader; throws "no leader" when there is none known. */
  leaseClient(): ServiceClient<LeaseMethods> {
    const url = this.member.leaderClientUrl();
    if (!url) throw EtcdError.noLeader();
    let c = this.clients.get(url);
    if (!c) {
      c = new LeaseClient(new URL(url).host, grpc.credentials.createInsecure());
      this.clients.set(url, c);
    }
    return c;
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

/** Turn a forwarded call's gRPC error back into the same error for our own client. */
export function relayError(e: grpc.ServiceError): EtcdError {
  return new EtcdError(e.code ?? grpc.status.UNAVAILABLE, e.details || e.message);
}
