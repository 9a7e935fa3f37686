// The gRPC connections a benchmark drives: --conns channels, dealt round-robin over the endpoints, each its own
// TCP connection, and --clients clients dealt round-robin over the channels. grpc-js would otherwise share one
// connection between every channel with the same target and options (its global subchannel pool), so each
// channel gets a subchannel pool of its own.
import * as grpc from '@grpc/grpc-js';
import { KVClient, LeaseClient, WatchClient } from '../api/etcd/index.js';
import { UnreachableError } from './errors.js';

export interface Connection {
  readonly index: number;
  /** host:port */
  readonly endpoint: string;
  readonly channel: grpc.Channel;
  readonly kv: InstanceType<typeof KVClient>;
  readonly watch: InstanceType<typeof WatchClient>;
  readonly lease: InstanceType<typeof LeaseClient>;
}

/** Which endpoint connection i dials: round-robin. */
export function endpointOf(connection: number, endpoints: readonly string[]): string {
  return endpoints[connection % endpoints.length]!;
}

/** Which connection client i uses: round-robin. */
export function connectionOf(client: number, connections: number): number {
  return client % connections;
}

const credentials = grpc.credentials.createInsecure();

export function openConnection(index: number, endpoint: string): Connection {
  const options: grpc.ChannelOptions = {
    // A pool of its own: a distinct TCP connection even when another channel has the same target.
    'grpc.use_local_subchannel_pool': 1,
    // Ranges may return more than grpc-js's default 4 MiB.
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
  };
  const channel = new grpc.Channel(endpoint, credentials, options);
  const clientOptions: grpc.ClientOptions = { channelOverride: channel };
  return {
    index,
    endpoint,
    channel,
    kv: new KVClient(endpoint, credentials, clientOptions),
    watch: new WatchClient(endpoint, credentials, clientOptions),
    lease: new LeaseClient(endpoint, credentials, clientOptions),
  };
}

/** Resolves once the channel is connected; rejects after the deadline with the state it was stuck in. */
export function waitUntilReady(connection: Connection, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const state = connection.channel.getConnectivityState(true);
      if (state === grpc.connectivityState.READY) return resolve();
      if (Date.now() >= deadline) {
        return reject(new UnreachableError(`cannot connect to ${connection.endpoint} within ${timeoutMs} ms (${grpc.connectivityState[state]})`));
      }
      connection.channel.watchConnectivityState(state, deadline, check);
    };
    check();
  });
}

export class ConnectionPool {
  private readonly extras: Connection[] = [];

  private constructor(
    readonly endpoints: readonly string[],
    readonly connections: readonly Connection[],
  ) {}

  static open(endpoints: readonly string[], conns: number): ConnectionPool {
    if (endpoints.length === 0) throw new RangeError('no endpoints');
    if (!Number.isSafeInteger(conns) || conns < 1) throw new RangeError(`--conns must be >= 1, got ${conns}`);
    return new ConnectionPool(
      endpoints,
      Array.from({ length: conns }, (_, i) => openConnection(i, endpointOf(i, endpoints))),
    );
  }

  /** The connection of client i. */
  forClient(client: number): Connection {
    return this.connections[connectionOf(client, this.connections.length)]!;
  }

  /** One more connection to the first endpoint, outside the round-robin (watch-latency's putter). */
  dedicated(): Connection {
    const connection = openConnection(this.connections.length + this.extras.length, this.endpoints[0]!);
    this.extras.push(connection);
    return connection;
  }

  /** Every connection up within timeoutMs, or an UnreachableError naming the first that is not. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const outcomes = await Promise.allSettled([...this.connections, ...this.extras].map((c) => waitUntilReady(c, timeoutMs)));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  close(): void {
    // The clients share their connection's channel: closing it closes them.
    for (const c of [...this.connections, ...this.extras]) c.channel.close();
  }
}
