// The server half of our definitions: a toy KV implemented with `ServiceImplementation<KVMethods>` must decode
// what etcd's own Go client (etcdctl) sends and answer in a form etcdctl prints correctly, 64-bit ids included.
// Our grpc-js client is checked against the same toy server, so this runs even where etcdctl is missing.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { unary } from './grpc-test-kit.js';
import { KVClient, KVService, type Init, type KVMethods, type KeyValue, type PutRequest, type ServiceImplementation } from './index.js';
import { REAL_ETCDCTL_BINARY } from './real-etcd.js';

// All 64 bits set, and a lease id above 2^53: values that a JS number would corrupt.
const CLUSTER_ID = 0xffff_ffff_ffff_ffffn;
const LEASE_ID = 0x7fff_ffff_ffff_fff1n;

function toyKV(received: PutRequest[]): ServiceImplementation<KVMethods> {
  const store = new Map<string, Init<KeyValue>>();
  let revision = 1n;
  const header = () => ({ cluster_id: CLUSTER_ID, member_id: 7n, revision, raft_term: 1n });
  const unimplemented = (_call: unknown, callback: grpc.sendUnaryData<never>) =>
    callback({ code: grpc.status.UNIMPLEMENTED, details: 'toy server' });
  return {
    Put(call, callback) {
      received.push(call.request);
      revision += 1n;
      const { key, value } = call.request;
      store.set(key.toString('hex'), { key, value, create_revision: revision, mod_revision: revision, version: 1n, lease: LEASE_ID });
      callback(null, { header: header() });
    },
    Range(call, callback) {
      const kv = store.get(call.request.key.toString('hex'));
      callback(null, { header: header(), kvs: kv ? [kv] : [], count: kv ? 1 : 0 });
    },
    DeleteRange: unimplemented,
    Txn: unimplemented,
    Compact: unimplemented,
  };
}

describe('our service definitions on the server side', () => {
  const received: PutRequest[] = [];
  const server = new grpc.Server();
  let endpoint: string;
  let client: InstanceType<typeof KVClient>;

  beforeAll(async () => {
    server.addService(KVService, toyKV(received));
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    endpoint = `127.0.0.1:${port}`;
    client = new KVClient(endpoint, grpc.credentials.createInsecure());
  });

  afterAll(() => {
    client?.close();
    server.forceShutdown();
  });

  test('our client and our server agree, 64-bit values intact', async () => {
    await unary(client, client.Put, { key: Buffer.from('ours'), value: Buffer.from([0, 255]) });
    expect(received.at(-1)).toMatchObject({ key: Buffer.from('ours'), value: Buffer.from([0, 255]), lease: 0n, prev_kv: false });
    const read = await unary(client, client.Range, { key: Buffer.from('ours') });
    expect(read.header.cluster_id).toBe(CLUSTER_ID);
    expect(read.kvs).toEqual([
      { key: Buffer.from('ours'), value: Buffer.from([0, 255]), create_revision: 2n, mod_revision: 2n, version: 1n, lease: LEASE_ID },
    ]);
  });

  test.skipIf(!existsSync(REAL_ETCDCTL_BINARY))('etcdctl 3.4 puts and gets through it', async () => {
    const etcdctl = async (...args: string[]) =>
      (await promisify(execFile)(REAL_ETCDCTL_BINARY, [`--endpoints=${endpoint}`, ...args], { env: { ...process.env, ETCDCTL_API: '3' }, timeout: 10_000 })).stdout;
    await etcdctl('put', 'from-ctl', 'hello');
    expect(received.at(-1)).toMatchObject({ key: Buffer.from('from-ctl'), value: Buffer.from('hello') });
    const json = await etcdctl('get', 'from-ctl', '-w', 'json');
    // Go prints uint64 as exact decimal digits; read them as text so JSON.parse cannot round them.
    expect(json).toContain(`"cluster_id":${CLUSTER_ID}`);
    expect(json).toContain(`"lease":${LEASE_ID}`);
    expect(await etcdctl('get', 'from-ctl', '--print-value-only')).toBe('hello\n');
  });
});
