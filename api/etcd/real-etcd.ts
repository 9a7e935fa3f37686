// Starts the real etcd (Debian's etcd-server, 3.4) as a one-member cluster on free loopback ports, for tests
// that check our wire formats and behaviour against the real thing. It is never a dependency of product code.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { MaintenanceClient } from './services.js';

export const REAL_ETCD_BINARY = '/usr/bin/etcd';
export const REAL_ETCDCTL_BINARY = '/usr/bin/etcdctl';

export function realEtcdAvailable(): boolean {
  return existsSync(REAL_ETCD_BINARY);
}

export interface RealEtcd {
  readonly name: string;
  readonly pid: number;
  /** host:port, as grpc-js and etcdctl --endpoints take it. */
  readonly endpoint: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  /** What etcd has written to stderr so far, for failure messages. */
  log(): string;
  /** Kills this etcd (by pid) and removes its data directory; safe to call twice. */
  stop(): Promise<void>;
}

/** etcd cannot listen on port 0, so ask the kernel for a free port and hand it over (a small race we accept). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

export async function startRealEtcd(options: { name?: string; readyTimeoutMs?: number } = {}): Promise<RealEtcd> {
  const name = options.name ?? 'yawl-wire-test';
  const [clientPort, peerPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'yawl-real-etcd-'));
  const child = spawn(
    REAL_ETCD_BINARY,
    [
      `--name=${name}`,
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=${name}=${peerUrl}`,
      '--initial-cluster-state=new',
      '--logger=zap',
      '--log-outputs=stderr',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-64 * 1024);
  });
  // If the test runner dies without running afterAll, do not leave an etcd behind.
  const killOnExit = (): void => {
    if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopped = false;
  const etcd: RealEtcd = {
    name,
    pid: child.pid ?? -1,
    endpoint: `127.0.0.1:${clientPort}`,
    clientUrl,
    peerUrl,
    dataDir,
    log: () => stderr,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', killOnExit);
      await killAndWait(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await waitUntilServing(etcd, child, options.readyTimeoutMs ?? 20_000);
  } catch (error) {
    await etcd.stop();
    throw error;
  }
  return etcd;
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Ready means a Status call succeeds and names a leader: only then are writes accepted. */
async function waitUntilServing(etcd: RealEtcd, child: ChildProcess, timeoutMs: number): Promise<void> {
  const client = new MaintenanceClient(etcd.endpoint, grpc.credentials.createInsecure());
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`etcd exited early (${child.exitCode ?? child.signalCode}):\n${etcd.log()}`);
      }
      const leader = await new Promise<bigint>((resolve) => {
        client.Status({}, { deadline: Date.now() + 1_000 }, (error, response) => resolve(error || !response ? 0n : response.leader));
      });
      if (leader !== 0n) return;
      if (Date.now() > deadline) throw new Error(`etcd not serving after ${timeoutMs} ms:\n${etcd.log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.close();
  }
}
