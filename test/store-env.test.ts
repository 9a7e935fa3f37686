// `yawl store` configured only through etcd's ETCD_* environment variables, as container images configure etcd.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts } from './support/ports.js';
import { YAWL_MAIN } from './support/targets.js';

const haveEtcdctl = spawnSync('etcdctl', ['version']).status === 0;

describe.skipIf(!haveEtcdctl || !existsSync(YAWL_MAIN))('yawl store from ETCD_* variables', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yawl-env-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads name, data dir, URLs and cluster from the environment', async () => {
    const [client, peer] = await freePorts(2);
    const env = {
      ...process.env,
      ETCD_NAME: 'from-env',
      ETCD_DATA_DIR: join(dir, 'data'),
      ETCD_LISTEN_CLIENT_URLS: `http://127.0.0.1:${client}`,
      ETCD_ADVERTISE_CLIENT_URLS: `http://127.0.0.1:${client}`,
      ETCD_LISTEN_PEER_URLS: `http://127.0.0.1:${peer}`,
      ETCD_INITIAL_ADVERTISE_PEER_URLS: `http://127.0.0.1:${peer}`,
      ETCD_INITIAL_CLUSTER: `from-env=http://127.0.0.1:${peer}`,
      ETCD_HEARTBEAT_INTERVAL: '50',
      ETCD_ELECTION_TIMEOUT: '500',
    };
    child = spawn(process.execPath, [YAWL_MAIN, 'store'], { env, stdio: 'ignore' });
    const ep = `--endpoints=127.0.0.1:${client}`;
    // The client URL appears once the member has published its attributes through Raft, just after it starts.
    const want = new RegExp(`, started, from-env, http://127.0.0.1:${peer}, http://127.0.0.1:${client}, false`);
    let list = '';
    for (let i = 0; i < 100 && !want.test(list); i++) {
      await new Promise((r) => setTimeout(r, 200));
      list = spawnSync('etcdctl', [ep, '--dial-timeout=1s', '--command-timeout=2s', 'member', 'list'], { encoding: 'utf8' }).stdout ?? '';
    }
    expect(list).toMatch(want);
    expect(existsSync(join(dir, 'data', 'member'))).toBe(true);
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
  });
});
