import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateDb } from '../backend/state-db.js';
import { Crc32c } from '../mvcc/crc32c.js';
import { decodeSnapshotStream } from './decode.js';
import { SnapshotFormatError } from './errors.js';
import { collect, exportBytes, inChunks, writeEverything } from './snapshot-test-kit.js';
import { snapshotFileStatus } from './status.js';
import { formatStatus, humanizeBytes } from './status-output.js';

let dir: string;
let file: string;
let bytes: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yawl-status-'));
  const db = await StateDb.open(join(dir, 'db'));
  await writeEverything(db);
  bytes = await exportBytes(db);
  await db.close();
  file = join(dir, 'backup.db');
  await writeFile(file, bytes);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('snapshotFileStatus', () => {
  it('sums up a known file: CRC-32C of keys and values, current revision, records, size without the digest', async () => {
    const crc = new Crc32c();
    let records = 0;
    for await (const item of decodeSnapshotStream(inChunks(bytes))) {
      if (item.type !== 'record') continue;
      crc.update(item.key).update(item.value);
      records += 1;
    }
    expect(await snapshotFileStatus(file)).toEqual({
      hash: crc.digest(),
      revision: 5,
      totalKey: records,
      totalSize: bytes.length - 32,
      consistentIndex: 10,
      consistentTerm: 2,
    });
    expect(records).toBe(17);
  });

  it('rejects a corrupt or cut file, and a missing one', async () => {
    const corrupt = Buffer.from(bytes);
    corrupt[100] = corrupt[100]! ^ 4;
    await writeFile(join(dir, 'corrupt.db'), corrupt);
    await expect(snapshotFileStatus(join(dir, 'corrupt.db'))).rejects.toBeInstanceOf(SnapshotFormatError);
    await writeFile(join(dir, 'cut.db'), bytes.subarray(0, 300));
    await expect(snapshotFileStatus(join(dir, 'cut.db'))).rejects.toMatchObject({ problem: 'truncated' });
    await expect(snapshotFileStatus(join(dir, 'missing.db'))).rejects.toThrow(`stat ${join(dir, 'missing.db')}: no such file or directory`);
    await expect(snapshotFileStatus(dir)).rejects.toThrow(`stat ${dir}: is a directory`);
  });

  it('reads the file in chunks of at most 1 MiB', async () => {
    const { readSnapshotFile } = await import('./status.js');
    const chunks = await collect(readSnapshotFile(file));
    expect(Buffer.concat(chunks)).toEqual(bytes);
  });
});

describe('formatStatus', () => {
  // What etcdctl 3.4.23 printed for a real etcd snapshot with these numbers.
  const status = { hash: 15267582, revision: 3, totalKey: 6, totalSize: 20480, consistentIndex: 0, consistentTerm: 0 };

  it('prints every --write-out format as etcdctl does', () => {
    expect(formatStatus(status, 'simple')).toBe('e8f6fe, 3, 6, 20 kB\n');
    expect(formatStatus(status, 'json')).toBe('{"hash":15267582,"revision":3,"totalKey":6,"totalSize":20480}\n');
    expect(formatStatus(status, 'fields')).toBe('"Hash" : 15267582\n"Revision" : 3\n"Keys" : 6\n"Size" : 20480\n');
    expect(formatStatus(status, 'table')).toBe(
      [
        '+--------+----------+------------+------------+',
        '|  HASH  | REVISION | TOTAL KEYS | TOTAL SIZE |',
        '+--------+----------+------------+------------+',
        '| e8f6fe |        3 |          6 |      20 kB |',
        '+--------+----------+------------+------------+',
        '',
      ].join('\n'),
    );
  });

  it('widens table columns for long cells', () => {
    const table = formatStatus({ ...status, hash: 0xabcdef12, revision: 1234567890123 }, 'table').split('\n');
    expect(table[1]).toBe('|   HASH   |   REVISION    | TOTAL KEYS | TOTAL SIZE |');
    expect(table[3]).toBe('| abcdef12 | 1234567890123 |          6 |      20 kB |');
  });
});

describe('humanizeBytes', () => {
  it('matches go-humanize, rounding exact halves to even as Go does', () => {
    const cases: [number, string][] = [
      [0, '0 B'],
      [9, '9 B'],
      [10, '10 B'],
      [999, '999 B'],
      [1000, '1.0 kB'],
      [1500, '1.5 kB'],
      [9949, '9.9 kB'],
      [9950, '10 kB'],
      [10_500, '10 kB'],
      [11_500, '12 kB'],
      [20_480, '20 kB'],
      [20_512, '20 kB'],
      [20_560, '21 kB'],
      [2_147_483_648, '2.1 GB'],
    ];
    for (const [bytes, text] of cases) expect(humanizeBytes(bytes), String(bytes)).toBe(text);
  });
});
