// runBench's exit codes and output, with the real put workload against an in-process gRPC server whose Put
// refuses every fourth key: partial failure is still a finished run.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KVService, type KVMethods, type ServiceImplementation } from '../api/etcd/index.js';
import type { BenchResultJson } from './report.js';
import { runBench, type RunIo } from './run.js';
import { putWorkload, type PutOptions } from './workloads/put.js';

const unimplemented: grpc.handleUnaryCall<unknown, never> = (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'not here' });

function capture(): RunIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { isTTY: false, write: (t: string) => (err += t) },
    out: () => out,
    err: () => err,
  };
}

describe('runBench', () => {
  let server: grpc.Server;
  let endpoint: string;
  let refuseAll = false;
  const keys = new Set<string>();

  beforeAll(async () => {
    server = new grpc.Server();
    const kv: ServiceImplementation<KVMethods> = {
      Put: (call, callback) => {
        // Key number n is the varint 2n in the first byte after the prefix "p/".
        const n = call.request.key[2]! / 2;
        if (refuseAll || n % 4 === 0) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'refused' });
        keys.add(call.request.key.toString('hex'));
        callback(null, {});
      },
      Range: unimplemented,
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

  const options = (overrides: Partial<PutOptions> = {}): PutOptions => ({
    endpoints: [endpoint],
    conns: 3,
    clients: 8,
    dialTimeoutMs: 5_000,
    requestTimeoutMs: 5_000,
    json: true,
    precise: false,
    keySize: 8,
    keySpaceSize: 40,
    sequentialKeys: true,
    prefix: 'p/',
    total: 200,
    valSize: 8,
    rate: 0,
    ...overrides,
  });

  test('some requests failing: exit 0, with the failures counted by message', async () => {
    const io = capture();
    expect(await runBench(putWorkload, options(), io)).toBe(0);
    const result = JSON.parse(io.out()) as BenchResultJson;
    expect(result.summaries[0]).toMatchObject({ requests: 200, ok: 150, errors: 50, errorCounts: [{ message: 'INVALID_ARGUMENT: refused', count: 50 }] });
    expect(keys.size).toBe(30);
    expect(io.err()).toBe('');
  });

  test('text report when not --json', async () => {
    const io = capture();
    expect(await runBench(putWorkload, options({ json: false, total: 8 }), io)).toBe(0);
    expect(io.out()).toMatch(/^Summary:\n/);
    expect(io.out()).toContain('Error distribution:\n  [2]\tINVALID_ARGUMENT: refused\n');
  });

  test('every request failing: exit 1', async () => {
    refuseAll = true;
    try {
      const io = capture();
      expect(await runBench(putWorkload, options({ total: 20 }), io)).toBe(1);
      expect(io.err()).toBe('error: every request failed\n');
      expect((JSON.parse(io.out()) as BenchResultJson).summaries[0]).toMatchObject({ ok: 0, errors: 20 });
    } finally {
      refuseAll = false;
    }
  });

  test('settings that cannot work: exit 2 before connecting', async () => {
    const io = capture();
    expect(await runBench(putWorkload, options({ endpoints: ['127.0.0.1:1'], keySize: 1, keySpaceSize: 1_000 }), io)).toBe(2);
    expect(io.err()).toMatch(/^error: --key-size 1 cannot hold --key-space-size 1000 keys/);
    expect(io.out()).toBe('');
  });

  test('an unreachable endpoint: exit 1, no report', async () => {
    const io = capture();
    expect(await runBench(putWorkload, options({ endpoints: [endpoint, '127.0.0.1:1'], dialTimeoutMs: 300 }), io)).toBe(1);
    expect(io.err()).toMatch(/^error: cannot connect to 127\.0\.0\.1:1 within 300 ms/);
    expect(io.out()).toBe('');
  });
});
