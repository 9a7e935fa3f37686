import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFailpointsFromEnv } from './env.js';
import { parseListenAddress, startFailpointHttpServer, type FailpointHttpServer } from './http.js';
import { FAILPOINT_NAMES } from './names.js';
import { failpointsActive, failpointTerm, resetFailpoints } from './registry.js';

let server: FailpointHttpServer | undefined;

beforeEach(() => resetFailpoints());
afterEach(async () => {
  await server?.close();
  server = undefined;
  resetFailpoints();
});

async function call(method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server!.url}${path}`, { method, body });
  return { status: res.status, text: await res.text() };
}

describe('the failpoint control endpoint', () => {
  it('lists, sets, reads and clears failpoints', async () => {
    const changes: string[] = [];
    server = await startFailpointHttpServer({ host: '127.0.0.1', port: 0, onChange: (n, t) => changes.push(`${n}=${t}`) });
    expect(server.port).toBeGreaterThan(0);

    const listed = await call('GET', '/');
    expect(listed.status).toBe(200);
    expect(listed.text).toBe(FAILPOINT_NAMES.map((n) => `${n}=off\n`).join(''));

    expect(await call('PUT', '/raftBeforeSave', 'panic')).toEqual({ status: 204, text: '' });
    expect(await call('PUT', '/applyAfterCommit', '2*sleep(100)\n')).toEqual({ status: 204, text: '' });
    expect(failpointsActive).toBe(true);
    expect(await call('GET', '/raftBeforeSave')).toEqual({ status: 200, text: 'panic' });
    expect(await call('GET', '/applyAfterCommit')).toEqual({ status: 200, text: '2*sleep(100)' });
    const lines = (await call('GET', '/')).text.trimEnd().split('\n');
    expect(lines).toContain('raftBeforeSave=panic');
    expect(lines).toContain('applyAfterCommit=2*sleep(100)');
    expect(lines).toContain('raftAfterSave=off');
    expect(lines).toHaveLength(FAILPOINT_NAMES.length);

    expect(await call('DELETE', '/raftBeforeSave')).toEqual({ status: 204, text: '' });
    expect(await call('GET', '/raftBeforeSave')).toEqual({ status: 200, text: 'off' });
    expect(await call('PUT', '/applyAfterCommit', 'off')).toEqual({ status: 204, text: '' });
    expect(failpointsActive).toBe(false);
    expect(changes).toEqual(['raftBeforeSave=panic', 'applyAfterCommit=2*sleep(100)', 'raftBeforeSave=off', 'applyAfterCommit=off']);
  });

  it('answers 400 with the reason for unknown names and bad terms, changing nothing', async () => {
    server = await startFailpointHttpServer({ host: '127.0.0.1', port: 0 });
    await call('PUT', '/raftAfterSave', 'sleep(5)');

    const unknownPut = await call('PUT', '/raftBeforeSav', 'panic');
    expect(unknownPut.status).toBe(400);
    expect(unknownPut.text).toMatch(/^unknown failpoint "raftBeforeSav" \(known: .*raftBeforeSave.*\)\n$/);
    expect((await call('GET', '/nope')).status).toBe(400);
    expect((await call('DELETE', '/nope')).status).toBe(400);

    const badTerm = await call('PUT', '/raftAfterSave', 'sleep(soon)');
    expect(badTerm.status).toBe(400);
    expect(badTerm.text).toMatch(/bad term "sleep\(soon\)"/);
    const unknownAction = await call('PUT', '/raftAfterSave', 'explode');
    expect(unknownAction).toEqual({ status: 400, text: 'bad term "explode": unknown action "explode" (known: off, panic, sleep(ms), print)\n' });
    const empty = await call('PUT', '/raftAfterSave', '');
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/empty term/);
    expect(failpointTerm('raftAfterSave')).toBe('sleep(5)');

    expect((await call('POST', '/raftAfterSave', 'panic')).status).toBe(405);
    expect((await call('PUT', '/', 'raftAfterSave=panic')).status).toBe(405);
    expect(failpointTerm('raftAfterSave')).toBe('sleep(5)');
  });
});

describe('YAWL_FAILPOINTS and YAWL_FAILPOINTS_HTTP', () => {
  it('parse listen addresses', () => {
    expect(parseListenAddress('127.0.0.1:22381')).toEqual({ host: '127.0.0.1', port: 22381 });
    expect(parseListenAddress('http://localhost:8080/')).toEqual({ host: 'localhost', port: 8080 });
    expect(parseListenAddress(':9000')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(parseListenAddress('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(() => parseListenAddress('127.0.0.1')).toThrow(/expected host:port/);
    expect(() => parseListenAddress('127.0.0.1:99999')).toThrow(/expected host:port/);
  });

  it('arm failpoints and start the endpoint', async () => {
    const started = await startFailpointsFromEnv({ YAWL_FAILPOINTS: 'raftBeforeSave=sleep(50);applyAfterCommit=1*panic', YAWL_FAILPOINTS_HTTP: '127.0.0.1:0' });
    server = started.http;
    expect(started.armed).toEqual(['raftBeforeSave=sleep(50)', 'applyAfterCommit=1*panic']);
    expect(server).toBeDefined();
    expect(await call('GET', '/raftBeforeSave')).toEqual({ status: 200, text: 'sleep(50)' });
  });

  it('do nothing when unset', async () => {
    const started = await startFailpointsFromEnv({});
    expect(started).toEqual({ armed: [], http: undefined });
    expect(failpointsActive).toBe(false);
  });

  it('say which variable is wrong', async () => {
    await expect(startFailpointsFromEnv({ YAWL_FAILPOINTS: 'raftBeforeSave=panik' })).rejects.toThrow(/^YAWL_FAILPOINTS: bad term "panik": unknown action/);
    await expect(startFailpointsFromEnv({ YAWL_FAILPOINTS: 'raftBeforeSafe=panic' })).rejects.toThrow(/^YAWL_FAILPOINTS: unknown failpoint "raftBeforeSafe"/);
    await expect(startFailpointsFromEnv({ YAWL_FAILPOINTS_HTTP: 'localhost' })).rejects.toThrow(/^YAWL_FAILPOINTS_HTTP: bad address/);
    expect(failpointsActive).toBe(false);
  });
});
