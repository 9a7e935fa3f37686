// A `yawl apiserver` process for tests, on a free loopback port over a store cluster's endpoints, and the real
// kubectl pointed at it through a kubeconfig of its own (and a discovery cache of its own).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigFor } from '../../cli/up-command.js';
import { freePort } from './ports.js';
import { reapOnExit } from './reaper.js';
import { YAWL_MAIN } from './targets.js';

export const KUBECTL = process.env.KUBECTL ?? 'kubectl';

let kubectlChecked: boolean | undefined;
export function kubectlAvailable(): boolean {
  kubectlChecked ??= spawnSync(KUBECTL, ['version', '--client', '-o', 'json'], { encoding: 'utf8', timeout: 20_000 }).status === 0;
  return kubectlChecked;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestApiServer {
  readonly url: string;
  readonly kubeconfig: string;
  readonly logFile: string;
  kubectl(args: string[], stdin?: string): KubectlResult;
  /** kubectl that must succeed: returns stdout, throws with stderr otherwise. */
  kubectlOk(args: string[], stdin?: string): string;
  /** A kubectl process left running (kubectl get -w): stop it with kill(). */
  kubectlSpawn(args: string[]): ChildProcess;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export async function startApiServer(etcdEndpoints: readonly string[], extraArgs: string[] = []): Promise<TestApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'yawl-apiserver-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(dir, 'apiserver.log');
  const log = createWriteStream(logFile);
  const servers = etcdEndpoints.map((e) => (e.startsWith('http') ? e : `http://${e}`)).join(',');
  const child = spawn(process.execPath, [YAWL_MAIN, 'apiserver', `--etcd-servers=${servers}`, '--bind-address=127.0.0.1', `--port=${port}`, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  reapOnExit(child);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigFor(url));
  const env = { ...process.env, KUBECONFIG: kubeconfig };
  const cacheDir = join(dir, 'kube-cache');
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the apiserver exited with ${child.exitCode}; log: ${logFile}`);
    try {
      if ((await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error(`the apiserver did not become ready; log: ${logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const kubectl = (args: string[], stdin?: string): KubectlResult => {
    const r = spawnSync(KUBECTL, [`--cache-dir=${cacheDir}`, ...args], { env, input: stdin, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  return {
    url,
    kubeconfig,
    logFile,
    kubectl,
    kubectlOk(args, stdin) {
      const r = kubectl(args, stdin);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    kubectlSpawn(args) {
      const p = spawn(KUBECTL, [`--cache-dir=${cacheDir}`, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      reapOnExit(p);
      return p;
    },
    fetch: (path, init) => fetch(`${url}${path}`, init),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
