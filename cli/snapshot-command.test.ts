import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { StateDb } from '../store/backend/state-db.js';
import { exportBytes, writeEverything } from '../store/snapshot/snapshot-test-kit.js';
import { snapshotFileStatus } from '../store/snapshot/status.js';
import { humanizeBytes } from '../store/snapshot/status-output.js';
import { snapshotCommand } from './snapshot-command.js';

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yawl-snapshot-cli-'));
  const db = await StateDb.open(join(dir, 'db'));
  await writeEverything(db);
  file = join(dir, 'backup.db');
  await writeFile(file, await exportBytes(db));
  await db.close();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

/** Runs `yawl store snapshot ...args`, capturing what it prints and the exit code it sets. */
async function run(...args: string[]): Promise<{ out: string; err: string; code: number | string | undefined }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    out += `${parts.join(' ')}\n`;
  });
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
    err += `${parts.join(' ')}\n`;
  });
  await snapshotCommand().parseAsync(args, { from: 'user' });
  return { out, err, code: process.exitCode };
}

describe('yawl store snapshot status', () => {
  it('prints etcdctl’s simple format by default and a table with -w table', async () => {
    const status = await snapshotFileStatus(file);
    const hash = status.hash.toString(16);
    expect(await run('status', file)).toEqual({ out: `${hash}, 5, 17, ${humanizeBytes(status.totalSize)}\n`, err: '', code: undefined });
    const table = (await run('status', file, '-w', 'table')).out.split('\n');
    expect(table[1]).toMatch(/^\| +HASH +\| REVISION \| TOTAL KEYS \| TOTAL SIZE \|$/);
    expect(table[3]).toContain(`| ${hash} |`);
    expect(JSON.parse((await run('status', file, '--write-out', 'json')).out)).toEqual({ hash: status.hash, revision: 5, totalKey: 17, totalSize: status.totalSize });
  });

  it('exits non-zero with a clear message for a corrupt file, and for an unknown format', async () => {
    const corrupt = join(dir, 'corrupt.db');
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(file);
    bytes[90] = bytes[90]! ^ 1;
    await writeFile(corrupt, bytes);
    const result = await run('status', corrupt);
    expect(result.out).toBe('');
    expect(result.err).toBe('Error: state snapshot: the SHA-256 trailer does not match the contents: the snapshot is corrupt\n');
    expect(result.code).toBe(1);
    expect(await run('status', file, '-w', 'protobuf')).toMatchObject({ err: 'Error: protobuf not supported as output format\n', code: 4 });
    expect(await run('status', file, '-w', 'yaml')).toMatchObject({ err: 'Error: unsupported output format\n', code: 4 });
    expect(await run('status', join(dir, 'missing.db'))).toMatchObject({ err: `Error: stat ${join(dir, 'missing.db')}: no such file or directory\n`, code: 1 });
  });
});

describe('yawl store snapshot restore', () => {
  it('restores a data dir and says which member of which cluster it is', async () => {
    const dataDir = join(dir, 'restored');
    const result = await run('restore', file, '--name', 'n1', '--data-dir', dataDir, '--initial-cluster', 'n1=http://127.0.0.1:2380', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380');
    expect(result.code).toBeUndefined();
    // As etcdctl: nothing on stdout, what happened on stderr.
    expect(result.out).toBe('');
    expect(result.err).toMatch(new RegExp(`^restored snapshot .* into ${dataDir}: member [0-9a-f]+ of new cluster [0-9a-f]+ \\(n1=[0-9a-f]+\\), revision 5, 17 keys\\n$`));
    const again = await run('restore', file, '--name', 'n1', '--data-dir', dataDir, '--initial-cluster', 'n1=http://127.0.0.1:2380', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380');
    expect(again).toMatchObject({ err: `Error: data-dir ${JSON.stringify(dataDir)} exists\n`, code: 1 });
  });

  it('takes etcdctl’s defaults: a member "default" at http://localhost:2380', async () => {
    const dataDir = join(dir, 'defaults');
    expect(await run('restore', file, '--data-dir', dataDir)).toMatchObject({ out: '', code: undefined });
    expect(await run('restore', file, '--name', 'other', '--data-dir', join(dir, 'other'))).toMatchObject({
      err: 'Error: couldn\'t find local name "other" in the initial cluster configuration\n',
      code: 1,
    });
  });
});
