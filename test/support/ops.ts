// Small operations shared by the operator-level tests (membership, snapshots, backup, maintenance): etcdctl calls
// that must succeed or must fail in a stated way, polling, and reading a member's whole keyspace so that two
// members (or a cluster and its restored copy) can be compared key by key, revisions included.
import { expect } from 'vitest';
import { unary } from '../../api/etcd/grpc-test-kit.js';
import type { KeyValue } from '../../api/etcd/messages.js';
import { sleep, type Member } from './cluster.js';
import { etcdctl, type CtlOptions, type CtlResult } from './etcdctl.js';
import { connect, unaryWithin, type MemberClients } from './grpc-clients.js';
import { parseCtlJson } from './normalise.js';

/** Runs etcdctl and expects exit 0; a failure throws with etcdctl's own words. */
export async function ctlOk(endpoints: readonly string[], args: readonly string[], options?: CtlOptions): Promise<string> {
  const result = await etcdctl(endpoints, args, options);
  if (result.code !== 0) {
    throw new Error(`etcdctl ${args.join(' ')} exited ${result.code}${result.timedOut ? ' (timed out)' : ''}:\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

export async function ctlJson<T = any>(endpoints: readonly string[], args: readonly string[], options?: CtlOptions): Promise<T> {
  return parseCtlJson<T>(await ctlOk(endpoints, [...args, '-w', 'json'], options));
}

/** How etcdctl 3.4 reports a failed RPC: its client logs a zap line carrying the gRPC code, then `Error: <message>`. */
export interface CtlFailure {
  readonly exitCode: number | null;
  /** The gRPC code name from the client's warn line (`Unavailable`), when etcdctl logged one. */
  readonly grpcCode: string | undefined;
  /** The text after `Error: ` on etcdctl's last stderr line. */
  readonly message: string;
}

export function ctlFailure(result: CtlResult): CtlFailure {
  const lines = result.stderr.trimEnd().split('\n');
  const errorLine = [...lines].reverse().find((line) => line.startsWith('Error: '));
  const codes = [...result.stderr.matchAll(/rpc error: code = (\w+) desc = /g)].map((m) => m[1]!);
  return { exitCode: result.code, grpcCode: codes.at(-1), message: errorLine ? errorLine.slice('Error: '.length) : result.stderr.trim() };
}

/** Runs etcdctl and expects it to fail; returns how. */
export async function ctlFails(endpoints: readonly string[], args: readonly string[], options?: CtlOptions): Promise<CtlFailure> {
  const result = await etcdctl(endpoints, args, options);
  if (result.code === 0) throw new Error(`etcdctl ${args.join(' ')} succeeded but should have failed:\n${result.stdout}`);
  return ctlFailure(result);
}

/**
 * Polls `attempt` until it returns a value other than undefined; an exception counts as "not yet" only if
 * `retryOn` accepts it. Fails with the last reason after timeoutMs.
 */
export async function until<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs: number,
  options: { intervalMs?: number; retryOn?: (error: unknown) => boolean } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt finished';
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
      last = 'not yet';
    } catch (error) {
      if (options.retryOn && !options.retryOn(error)) throw error;
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
    await sleep(options.intervalMs ?? 200);
  }
}

/** A key as a test compares it: everything etcd stores about it. */
export interface StoredKey {
  key: string;
  value: string;
  create_revision: number;
  mod_revision: number;
  version: number;
  lease: string;
}

export function storedKey(kv: KeyValue): StoredKey {
  return {
    key: kv.key.toString(),
    value: kv.value.toString(),
    create_revision: Number(kv.create_revision),
    mod_revision: Number(kv.mod_revision),
    version: Number(kv.version),
    lease: kv.lease.toString(16),
  };
}

/** One Range over [prefix, prefix+1) on one member, with the revision it was read at. */
export async function readPrefix(
  member: Pick<Member, 'endpoint'>,
  prefix: string,
  options: { serializable?: boolean; revision?: bigint; keysOnly?: boolean } = {},
): Promise<{ revision: bigint; kvs: StoredKey[]; count: bigint }> {
  const c = connect(member.endpoint);
  try {
    const range = await unary(c.kv, c.kv.Range, {
      // The whole keyspace is [\0, \0): an empty key is "not provided".
      key: prefix === '' ? Buffer.from([0]) : Buffer.from(prefix),
      range_end: prefixEnd(prefix),
      serializable: options.serializable ?? false,
      revision: options.revision ?? 0n,
      keys_only: options.keysOnly ?? false,
    });
    return { revision: range.header.revision, kvs: range.kvs.map(storedKey), count: range.count };
  } finally {
    c.close();
  }
}

/** The range end that makes `prefix` a prefix query: its last byte plus one ("\0" for the whole keyspace). */
export function prefixEnd(prefix: string): Buffer {
  if (prefix === '') return Buffer.from([0]);
  const end = Buffer.from(prefix);
  end[end.length - 1]! += 1;
  return end;
}

/** Runs `fn` with gRPC clients on one member, closing them after. */
export async function withClients<T>(member: Pick<Member, 'endpoint'>, fn: (c: MemberClients) => Promise<T>): Promise<T> {
  const c = connect(member.endpoint);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

/** HashKV of every given member at one revision: all must agree once they have applied it. */
export async function expectSameHashKV(members: readonly Member[], revision: bigint, timeoutMs = 20_000): Promise<number> {
  const hashes = await until(
    `HashKV at revision ${revision} to agree on ${members.map((m) => m.name).join(', ')}`,
    async () => {
      const hs = await Promise.all(
        members.map((m) => withClients(m, (c) => unaryWithin(5_000, c.maintenance, c.maintenance.HashKV, { revision }))),
      );
      return hs.every((h) => h.hash === hs[0]!.hash) ? hs : undefined;
    },
    timeoutMs,
    { retryOn: () => true },
  );
  expect(new Set(hashes.map((h) => h.hash)).size).toBe(1);
  return hashes[0]!.hash;
}

/**
 * Writes `count` puts of `key(i)` = `value(i)` with `concurrency` in flight at a time over one connection: the
 * quickest way to make many Raft entries (a txn is one entry however many ops it holds). Resolves when all are
 * acknowledged; a failed put fails the whole batch.
 */
export async function putMany(
  member: Pick<Member, 'endpoint'>,
  count: number,
  key: (i: number) => string,
  value: (i: number) => string | Buffer,
  concurrency = 64,
): Promise<void> {
  await withClients(member, async (c) => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        const v = value(i);
        await unaryWithin(30_000, c.kv, c.kv.Put, { key: Buffer.from(key(i)), value: typeof v === 'string' ? Buffer.from(v) : v });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  });
}

/** Like putMany, but `perTxn` puts in each txn: many keys in few Raft entries. */
export async function putManyInTxns(
  member: Pick<Member, 'endpoint'>,
  count: number,
  key: (i: number) => string,
  value: (i: number) => string,
  perTxn = 128,
  concurrency = 16,
): Promise<void> {
  await withClients(member, async (c) => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        const start = next;
        next = Math.min(count, next + perTxn);
        const success: { request_put: { key: Buffer; value: Buffer } }[] = [];
        for (let i = start; i < next; i++) {
          success.push({ request_put: { key: Buffer.from(key(i)), value: Buffer.from(value(i)) } });
        }
        await unaryWithin(30_000, c.kv, c.kv.Txn, { success });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  });
}

/** Member ids as etcdctl prints and takes them: lower-case hex, unpadded (%x). */
export function hexId(id: bigint): string {
  return id.toString(16);
}
