// gRPC clients for one member, built from our own protos (api/etcd), plus a way to turn a call's outcome into a
// plain value so tests can compare failures as data: etcd's errors are part of the contract (code and message).
import * as grpc from '@grpc/grpc-js';
import { ClusterClient, KVClient, LeaseClient, MaintenanceClient, WatchClient, type UnaryClientMethod } from '../../api/etcd/index.js';

export interface MemberClients {
  readonly kv: InstanceType<typeof KVClient>;
  readonly watch: InstanceType<typeof WatchClient>;
  readonly lease: InstanceType<typeof LeaseClient>;
  readonly cluster: InstanceType<typeof ClusterClient>;
  readonly maintenance: InstanceType<typeof MaintenanceClient>;
  close(): void;
}

export interface ConnectOptions {
  /**
   * Cap on grpc-js's reconnect backoff (default 120 s). After a member restarts, a client whose backoff grew
   * while the member was down would otherwise fail fast for seconds more, hiding the recovered member.
   */
  maxReconnectBackoffMs?: number;
}

export function connect(endpoint: string, options: ConnectOptions = {}): MemberClients {
  const credentials = grpc.credentials.createInsecure();
  const channelOptions: grpc.ChannelOptions =
    options.maxReconnectBackoffMs === undefined
      ? {}
      : { 'grpc.max_reconnect_backoff_ms': options.maxReconnectBackoffMs, 'grpc.initial_reconnect_backoff_ms': Math.min(100, options.maxReconnectBackoffMs) };
  // Separate clients stay cheap: grpc-js shares one connection per target (and options) through its global
  // subchannel pool.
  const clients = {
    kv: new KVClient(endpoint, credentials, channelOptions),
    watch: new WatchClient(endpoint, credentials, channelOptions),
    lease: new LeaseClient(endpoint, credentials, channelOptions),
    cluster: new ClusterClient(endpoint, credentials, channelOptions),
    maintenance: new MaintenanceClient(endpoint, credentials, channelOptions),
  };
  return {
    ...clients,
    close() {
      for (const client of Object.values(clients)) client.close();
    },
  };
}

export interface RpcFailure {
  /** The gRPC status name (OUT_OF_RANGE), which reads better in a diff than its number. */
  code: string;
  details: string;
}

export type RpcOutcome<T> = { ok: T } | { error: RpcFailure };

export function isServiceError(error: unknown): error is grpc.ServiceError {
  return error instanceof Error && typeof (error as Partial<grpc.ServiceError>).code === 'number';
}

export function rpcFailure(error: grpc.ServiceError): RpcFailure {
  return { code: grpc.status[error.code] ?? String(error.code), details: error.details };
}

/** Resolves to the response or to the gRPC failure; anything else (a bug in the test) still throws. */
export async function outcome<T>(call: Promise<T>): Promise<RpcOutcome<T>> {
  try {
    return { ok: await call };
  } catch (error) {
    if (isServiceError(error)) return { error: rpcFailure(error) };
    throw error;
  }
}

/** Like the test kit's unary(), with a deadline of our choosing: polls want an answer in a second, not ten. */
export function unaryWithin<Req, Res>(
  timeoutMs: number,
  client: grpc.Client,
  method: UnaryClientMethod<Req, Res>,
  request: Req,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) => {
      if (error) reject(error);
      else resolve(response!);
    });
  });
}
