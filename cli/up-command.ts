// `yawl up`: a whole local cluster on one machine with embedded defaults. Today that is the store: three
// members on 127.0.0.1 with the ports of etcd's own Procfile, data under .yawl/. The control plane joins here
// as it is built.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { Command } from 'commander';
import { MaintenanceClient } from '../api/etcd/services.js';

interface LocalMember {
  name: string;
  client: number;
  peer: number;
}

export const LOCAL_MEMBERS: LocalMember[] = [
  { name: 'infra1', client: 2379, peer: 12380 },
  { name: 'infra2', client: 22379, peer: 22380 },
  { name: 'infra3', client: 32379, peer: 32380 },
];

const CLI = fileURLToPath(new URL('./main.js', import.meta.url));

function memberArgs(m: LocalMember, all: LocalMember[], dataRoot: string): string[] {
  const cluster = all.map((x) => `${x.name}=http://127.0.0.1:${x.peer}`).join(',');
  return [
    CLI,
    'store',
    `--name=${m.name}`,
    `--data-dir=${join(dataRoot, m.name)}`,
    `--listen-client-urls=http://127.0.0.1:${m.client}`,
    `--advertise-client-urls=http://127.0.0.1:${m.client}`,
    `--listen-peer-urls=http://127.0.0.1:${m.peer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${m.peer}`,
    `--initial-cluster=${cluster}`,
    '--initial-cluster-token=yawl-local',
    '--initial-cluster-state=new',
  ];
}

/** Resolves once every member answers Status and one of them reports a leader. */
async function waitHealthy(members: LocalMember[], deadlineMs: number): Promise<void> {
  const clients = members.map((m) => new MaintenanceClient(`127.0.0.1:${m.client}`, grpc.credentials.createInsecure()));
  try {
    while (Date.now() < deadlineMs) {
      const leaders = await Promise.all(
        clients.map(
          (c) =>
            new Promise<bigint | undefined>((res) => {
              c.Status({}, { deadline: Date.now() + 1000 }, (err, r) => res(err ? undefined : r!.leader));
            }),
        ),
      );
      if (leaders.every((l) => l !== undefined && l !== 0n)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the store did not become healthy in time; see the member logs under .yawl/logs/');
  } finally {
    for (const c of clients) c.close();
  }
}

async function waitReady(url: string, deadlineMs: number): Promise<void> {
  while (Date.now() < deadlineMs) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the apiserver did not become ready at ${url} in time`);
}

/** A kubeconfig for the local apiserver (plain HTTP on loopback, no credentials). */
export function kubeconfigFor(server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: yawl',
    '  cluster:',
    `    server: ${server}`,
    'contexts:',
    '- name: yawl',
    '  context:',
    '    cluster: yawl',
    '    user: yawl',
    '    namespace: default',
    'current-context: yawl',
    'users:',
    '- name: yawl',
    '  user: {}',
    '',
  ].join('\n');
}

function localMembers(clientPorts: string, peerPorts: string): LocalMember[] {
  const parse = (flag: string, v: string) => {
    const ports = v.split(',').map((x) => Number(x.trim()));
    if (ports.length !== 3 || ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535)) {
      throw new Error(`--${flag} takes three port numbers separated by commas, got ${JSON.stringify(v)}`);
    }
    return ports;
  };
  const c = parse('client-ports', clientPorts);
  const p = parse('peer-ports', peerPorts);
  return LOCAL_MEMBERS.map((m, i) => ({ name: m.name, client: c[i]!, peer: p[i]! }));
}

export function upCommand(): Command {
  return new Command('up')
    .description('start a whole local cluster on embedded defaults (today: a 3-member store and the apiserver), data under .yawl/')
    .option('--store-only', 'start only the store members')
    .option('--dir <path>', 'where runtime data lives', '.yawl')
    .option('--client-ports <ports>', 'three client ports, comma-separated', '2379,22379,32379')
    .option('--peer-ports <ports>', 'three peer ports, comma-separated', '12380,22380,32380')
    .option('--apiserver-port <port>', 'the apiserver port', '6443')
    .action(async (opts: { storeOnly?: boolean; dir: string; clientPorts: string; peerPorts: string; apiserverPort: string }) => {
      const members = localMembers(opts.clientPorts, opts.peerPorts);
      const root = resolve(opts.dir);
      const dataRoot = join(root, 'store');
      const logRoot = join(root, 'logs');
      await mkdir(dataRoot, { recursive: true });
      await mkdir(logRoot, { recursive: true });
      const children: ChildProcess[] = [];
      let stopping = false;
      const stopAll = async (code: number) => {
        if (stopping) return;
        stopping = true;
        console.log('stopping...');
        await Promise.all(
          children.map(
            (c) =>
              new Promise<void>((res) => {
                if (c.exitCode !== null || c.signalCode !== null) return res();
                const kill = setTimeout(() => c.kill('SIGKILL'), 10_000);
                c.once('exit', () => {
                  clearTimeout(kill);
                  res();
                });
                c.kill('SIGTERM');
              }),
          ),
        );
        console.log('stopped.');
        process.exit(code);
      };
      process.on('SIGINT', () => void stopAll(0));
      process.on('SIGTERM', () => void stopAll(0));
      for (const m of members) {
        const log = createWriteStream(join(logRoot, `${m.name}.log`), { flags: 'a' });
        const child = spawn(process.execPath, memberArgs(m, members, dataRoot), { stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout!.pipe(log);
        child.stderr!.pipe(log);
        child.once('exit', (code, signal) => {
          if (!stopping) {
            console.error(`member ${m.name} exited (${signal ?? `status ${code}`}); its log: ${join(logRoot, `${m.name}.log`)}`);
            void stopAll(1);
          }
        });
        children.push(child);
      }
      try {
        await waitHealthy(members, Date.now() + 30_000);
      } catch (e) {
        console.error((e as Error).message);
        await stopAll(1);
        return;
      }
      const endpoints = members.map((m) => `127.0.0.1:${m.client}`).join(',');
      await writeFile(join(root, 'endpoints'), endpoints + '\n');
      console.log(`yawl store is up: 3 members, data under ${dataRoot}, logs under ${logRoot}`);
      console.log(`endpoints: ${endpoints}  (also in ${join(root, 'endpoints')})`);
      console.log(`try: etcdctl --endpoints=${endpoints} put hello world`);
      if (!opts.storeOnly) {
        const port = Number(opts.apiserverPort);
        const log = createWriteStream(join(logRoot, 'apiserver.log'), { flags: 'a' });
        const args = [CLI, 'apiserver', `--etcd-servers=${members.map((m) => `http://127.0.0.1:${m.client}`).join(',')}`, '--bind-address=127.0.0.1', `--port=${port}`];
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout!.pipe(log);
        child.stderr!.pipe(log);
        child.once('exit', (code, signal) => {
          if (!stopping) {
            console.error(`the apiserver exited (${signal ?? `status ${code}`}); its log: ${join(logRoot, 'apiserver.log')}`);
            void stopAll(1);
          }
        });
        children.unshift(child); // stopped first
        try {
          await waitReady(`http://127.0.0.1:${port}/readyz`, Date.now() + 30_000);
        } catch (e) {
          console.error(`${(e as Error).message}; see ${join(logRoot, 'apiserver.log')}`);
          await stopAll(1);
          return;
        }
        const kubeconfig = join(root, 'kubeconfig');
        await writeFile(kubeconfig, kubeconfigFor(`http://127.0.0.1:${port}`));
        console.log(`apiserver on http://127.0.0.1:${port}; kubeconfig: ${kubeconfig}`);
        console.log(`try: KUBECONFIG=${kubeconfig} kubectl get namespaces`);
        console.log('controllers, scheduler and agents are not built yet.');
      }
      console.log('Ctrl-C stops everything cleanly; run again and it finds its data.');
    });
}
