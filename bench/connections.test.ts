// The pool against an in-process gRPC server that answers Range with nothing: what matters is which TCP
// connection each call arrives on, which the server sees as the caller's address.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KVService, type KVMethods, type ServiceImplementation } from '../api/etcd/index.js';
import { connectionOf, ConnectionPool, endpointOf, waitUntilReady, openConnection } from './connections.js';
import { parseEndpoint, parseEndpointList } from './endpoints.js';
import { UnreachableError } from './errors.js';
import { unary } from './rpc.js';

const unimplemented: grpc.handleUnaryCall<unknown, never> = (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'not here' });

describe('round-robin', () => {
  test('connections over endpoints, clients over connections', () => {
    const endpoints = ['a:1', 'b:2', 'c:3'];
    expect(Array.from({ length: 7 }, (_, i) => endpointOf(i, endpoints))).toEqual(['a:1', 'b:2', 'c:3', 'a:1', 'b:2', 'c:3', 'a:1']);
    expect(Array.from({ length: 5 }, (_, i) => connectionOf(i, 2))).toEqual([0, 1, 0, 1, 0]);
  });

  test('parseEndpoint', () => {
    expect(parseEndpoint('127.0.0.1:2379')).toBe('127.0.0.1:2379');
    expect(parseEndpoint('http://localhost:2379/')).toBe('localhost:2379');
    expect(parseEndpoint('[::1]:2379')).toBe('[::1]:2379');
    expect(() => parseEndpoint('https://x:2379')).toThrow(/TLS/);
    expect(() => parseEndpoint('x')).toThrow(/host:port/);
    expect(() => parseEndpoint('x:0')).toThrow(/port/);
    expect(parseEndpointList('a:1, http://b:2,')).toEqual(['a:1', 'b:2']);
    expect(() => parseEndpointList(',')).toThrow(/at least one/);
  });
});

describe('ConnectionPool against a live server', () => {
  let server: grpc.Server;
  let endpoint: string;
  const peers: string[] = [];

  beforeAll(async () => {
    server = new grpc.Server();
    const kv: ServiceImplementation<KVMethods> = {
      Range: (call, callback) => {
        peers.push(call.getPeer());
        callback(null, { kvs: [], count: 0 });
      },
      Put: unimplemented,
      DeleteRange: unimplemented,
      Txn: unimplemented,
      Compact: unimplemented,
    };
    server.addService(KVService, kv);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
    );
    endpoint = `127.0.0.1:${port}`;
  });
  afterAll(() => {
    server?.forceShutdown();
  });

  test('--conns N to one endpoint opens N TCP connections, and clients share them round-robin', async () => {
    const pool = ConnectionPool.open([endpoint], 4);
    try {
      await pool.waitUntilReady(5_000);
      peers.length = 0;
      const byClient: string[] = [];
      for (let client = 0; client < 8; client++) {
        const { kv } = pool.forClient(client);
        await unary(kv, kv.Range, { key: Buffer.from('k') }, 5_000);
        byClient.push(peers.at(-1)!);
      }
      expect(new Set(byClient).size).toBe(4);
      // Client i and client i + 4 use the same connection.
      for (let client = 0; client < 4; client++) expect(byClient[client + 4]).toBe(byClient[client]);
      // The same holds for the watch and lease clients of a connection: they share its channel.
      expect(pool.forClient(1).watch.getChannel()).toBe(pool.forClient(5).kv.getChannel());
    } finally {
      pool.close();
    }
  });

  test('an endpoint nobody listens on is unreachable within the dial timeout', async () => {
    const connection = openConnection(0, '127.0.0.1:1');
    try {
      await expect(waitUntilReady(connection, 300)).rejects.toBeInstanceOf(UnreachableError);
    } finally {
      connection.channel.close();
    }
  });
});
