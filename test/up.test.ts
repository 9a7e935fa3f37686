// `yawl up --store-only` end to end: three members come up, the endpoints file is written, etcdctl works, Ctrl-C
// (SIGINT) stops every member, and a second run finds the data of the first.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts } from './support/ports.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const haveEtcdctl = spawnSync('etcdctl', ['version']).status === 0;
const built = existsSync(CLI);

function startUp(dir: string, clientPorts: number[], peerPorts: number[], apiserverPort?: number): { child: ChildProcess; output: () => string; ready: Promise<void> } {
  const mode = apiserverPort === undefined ? ['--store-only'] : ['--apiserver-port', String(apiserverPort)];
  const child = spawn(process.execPath, [CLI, 'up', ...mode, '--dir', dir, '--client-ports', clientPorts.join(','), '--peer-ports', peerPorts.join(',')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const readyLine = apiserverPort === undefined ? 'yawl store is up' : 'kubeconfig:';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes(readyLine)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`yawl up exited early (${code}):\n${out}`)));
  });
  return { child, output: () => out, ready };
}

function stopped(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

function etcdctl(endpoints: string, ...args: string[]) {
  const r = spawnSync('etcdctl', [`--endpoints=${endpoints}`, '--command-timeout=10s', ...args], { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' }, timeout: 30_000 });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr };
}

describe.skipIf(!haveEtcdctl || !built)('yawl up --store-only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yawl-up-'));
  const started: ChildProcess[] = [];
  afterAll(() => {
    for (const c of started) if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts three members, serves etcdctl, stops on SIGINT and finds its data on the next run', async () => {
    const ports = await freePorts(6);
    const clientPorts = ports.slice(0, 3);
    const peerPorts = ports.slice(3);
    const first = startUp(dir, clientPorts, peerPorts);
    started.push(first.child);
    await first.ready;
    const endpoints = readFileSync(join(dir, 'endpoints'), 'utf8').trim();
    expect(endpoints).toBe(clientPorts.map((p) => `127.0.0.1:${p}`).join(','));
    expect(etcdctl(endpoints, 'put', 'greeting', 'hello').out).toBe('OK');
    const members = etcdctl(endpoints, 'member', 'list').out.split('\n');
    expect(members).toHaveLength(3);
    for (const name of ['infra1', 'infra2', 'infra3']) expect(members.some((l) => l.includes(`, ${name}, `))).toBe(true);

    first.child.kill('SIGINT');
    expect(await stopped(first.child)).toBe(0);
    expect(first.output()).toContain('stopped.');
    // Every member is gone: nothing answers on the client ports any more.
    expect(etcdctl(clientPorts.map((p) => `127.0.0.1:${p}`).join(','), '--dial-timeout=1s', '--command-timeout=2s', 'get', 'greeting').code).not.toBe(0);

    const second = startUp(dir, clientPorts, peerPorts);
    started.push(second.child);
    await second.ready;
    expect(etcdctl(endpoints, 'get', 'greeting', '--print-value-only').out).toBe('hello');
    second.child.kill('SIGINT');
    expect(await stopped(second.child)).toBe(0);
  });
});

const haveKubectl = spawnSync('kubectl', ['version', '--client']).status === 0;
if (!haveKubectl) console.warn('test/up.test.ts: the kubectl part SKIPPED: kubectl is not on the PATH');

describe.skipIf(!haveEtcdctl || !built || !haveKubectl)('yawl up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yawl-up-api-'));
  const started: ChildProcess[] = [];
  afterAll(() => {
    for (const c of started) if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the store and the apiserver, writes a kubeconfig kubectl uses, and stops both on SIGINT', async () => {
    const ports = await freePorts(7);
    const up = startUp(dir, ports.slice(0, 3), ports.slice(3, 6), ports[6]);
    started.push(up.child);
    await up.ready;
    const kubeconfig = join(dir, 'kubeconfig');
    expect(readFileSync(kubeconfig, 'utf8')).toContain(`server: http://127.0.0.1:${ports[6]}`);
    const r = spawnSync('kubectl', ['get', 'namespaces', '-o', 'name', `--cache-dir=${join(dir, 'kube-cache')}`], { encoding: 'utf8', env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 30_000 });
    expect(r.stdout.trim().split('\n').sort()).toEqual(['namespace/default', 'namespace/kube-node-lease', 'namespace/kube-public', 'namespace/kube-system']);
    up.child.kill('SIGINT');
    expect(await stopped(up.child)).toBe(0);
    const gone = await fetch(`http://127.0.0.1:${ports[6]}/readyz`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(gone).toBe('refused');
  });
});
