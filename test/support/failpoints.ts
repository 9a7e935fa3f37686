// What the failpoint crash tests do to launcher members (test/failpoint-crash-*.test.ts): give each yawl member
// a failpoint control endpoint, arm failpoints through it, write until a member dies, read what its latest run
// wrote, and check that members agree. Members themselves come from the launcher (./cluster.js).
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Member } from './cluster.js';
import { unaryWithin } from './grpc-clients.js';
import { readPrefix, until, withClients } from './ops.js';
import { freePorts } from './ports.js';

/** One free loopback address per member, for YAWL_FAILPOINTS_HTTP: `endpoints.env(name)` is a memberEnv. */
export interface FailpointEndpoints {
  /** The member's control endpoint, http://127.0.0.1:port. */
  url(name: string): string;
  /** `{ YAWL_FAILPOINTS_HTTP: host:port }` for the member, plus `more`. */
  env(name: string, more?: Readonly<Record<string, string>>): Record<string, string>;
}

export async function failpointEndpoints(names: readonly string[]): Promise<FailpointEndpoints> {
  const ports = await freePorts(names.length);
  const address = (name: string): string => {
    const index = names.indexOf(name);
    if (index < 0) throw new Error(`no failpoint endpoint for ${name}`);
    return `127.0.0.1:${ports[index]}`;
  };
  return {
    url: (name) => `http://${address(name)}`,
    env: (name, more = {}) => ({ YAWL_FAILPOINTS_HTTP: address(name), ...more }),
  };
}

/** PUT /name on a control endpoint; resolves with the status code. */
export async function setFailpoint(url: string, name: string, term: string): Promise<number> {
  const res = await fetch(`${url}/${name}`, { method: 'PUT', body: term, signal: AbortSignal.timeout(10_000) });
  await res.text();
  return res.status;
}

export async function getFailpoints(url: string, path = '/'): Promise<string> {
  const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
  return res.text();
}

/** The `failpoint ...` lines (a failpoint's stderr) in what the member's latest run wrote to its log file. */
export function failpointLines(member: Member): string[] {
  return member.runLog().split('\n').filter((line) => line.startsWith('failpoint '));
}

/**
 * The member died at `name` by itself: exactly one `failpoint <name>: panic` line in its latest run's log, death
 * by SIGKILL, and one more unexpected exit than `exitsBefore`.
 */
export async function expectCrashAt(member: Member, name: string, exitsBefore: number, timeoutMs = 30_000): Promise<void> {
  expect(await member.waitForExit(timeoutMs), `${member.name} should have died at ${name}:\n${member.logTail()}`).toBe(true);
  expect(member.exitStatus, `how ${member.name} ended:\n${member.logTail()}`).toEqual({ code: null, signal: 'SIGKILL' });
  expect(member.unexpectedExits).toBe(exitsBefore + 1);
  expect(failpointLines(member)).toEqual([`failpoint ${name}: panic`]);
}

/** Every key under `prefix` as key -> value, and the revision read at. */
export async function readMap(member: Member, prefix: string, serializable = false): Promise<{ revision: bigint; kvs: Map<string, string> }> {
  const { revision, kvs } = await readPrefix(member, prefix, { serializable });
  return { revision, kvs: new Map(kvs.map((kv) => [kv.key, kv.value])) };
}

/**
 * Puts keys `${prefix}${i}` (up to `inFlight` at once) until a put fails or `max` are done. Returns the keys whose
 * put was acknowledged, with their values: the writes that must survive a crash.
 */
export async function writeUntilFailure(member: Member, prefix: string, max: number, inFlight = 4): Promise<Map<string, string>> {
  const acked = new Map<string, string>();
  let next = 0;
  let failed = false;
  await withClients(member, async (c) => {
    const worker = async (): Promise<void> => {
      while (!failed && next < max) {
        const i = next++;
        const key = `${prefix}${String(i).padStart(5, '0')}`;
        const value = `v${i}-${randomBytes(3).toString('hex')}`;
        try {
          await unaryWithin(3_000, c.kv, c.kv.Put, { key: Buffer.from(key), value: Buffer.from(value) });
          acked.set(key, value);
        } catch {
          failed = true;
        }
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
  });
  return acked;
}

/** Every member reaches the same revision and answers the same HashKV at it. */
export async function expectAgreement(members: readonly Member[], timeoutMs = 30_000): Promise<{ revision: bigint; hash: number }> {
  return until(
    'the members to agree on revision and HashKV',
    async () => {
      // An empty range read locally: just the revision the member has applied.
      const revisions = await Promise.all(members.map((m) => readPrefix(m, '\0', { serializable: true }).then((r) => r.revision)));
      if (new Set(revisions).size !== 1) return undefined;
      const revision = revisions[0]!;
      const hashes = await Promise.all(
        members.map((m) => withClients(m, (c) => unaryWithin(10_000, c.maintenance, c.maintenance.HashKV, { revision }))),
      );
      const distinct = new Set(hashes.map((h) => `${h.hash}/${h.compact_revision}/${h.header.revision}`));
      // Asked again until the deadline; the last difference is what the timeout reports.
      if (distinct.size !== 1) throw new Error(`HashKV at revision ${revision} differs: ${members.map((m, i) => `${m.name}=${hashes[i]!.hash}`).join(' ')}`);
      return { revision, hash: hashes[0]!.hash };
    },
    timeoutMs,
    { retryOn: () => true, intervalMs: 100 },
  );
}
