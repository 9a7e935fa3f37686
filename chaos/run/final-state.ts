// The members' state once every fault is healed and the workload has stopped: each member's revision, its
// HashKV at the common revision, and every key it holds. Convergence and durability are judged from this.
import { connect, unaryWithin } from '../cluster/clients.js';
import type { Member } from '../cluster/launcher.js';
import type { MemberFinalState } from '../history/types.js';
import { toKeyValue } from '../workload/requests.js';
import { sleep } from '../workload/sleep.js';

const ALL_KEYS = { key: Buffer.from([0]), range_end: Buffer.from([0]) };

async function revisionOf(member: Member): Promise<number | undefined> {
  const clients = connect(member.endpoint);
  try {
    const status = await unaryWithin(2_000, clients.maintenance, clients.maintenance.Status, {});
    return Number(status.header.revision);
  } catch {
    return undefined;
  } finally {
    clients.close();
  }
}

/**
 * Waits (up to timeoutMs) until every member answers a linearizable read: the cluster has a leader again and
 * each member reaches it. Returns undefined once healthy, else what the last attempt saw.
 */
export async function awaitHealthy(members: readonly Member[], timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answers = await Promise.all(
      members.map(async (member) => {
        const clients = connect(member.endpoint);
        try {
          await unaryWithin(2_000, clients.kv, clients.kv.Range, { key: Buffer.from('health') });
          return undefined;
        } catch (error) {
          return `${member.name}: ${error instanceof Error ? error.message : String(error)}`;
        } finally {
          clients.close();
        }
      }),
    );
    const failing = answers.filter((a): a is string => a !== undefined);
    if (failing.length === 0) return undefined;
    if (Date.now() > deadline) return failing.join('; ');
    await sleep(200);
  }
}

/** Waits (up to timeoutMs) until every member reports one revision: that revision, or the highest seen. */
export async function awaitCommonRevision(
  members: readonly Member[],
  timeoutMs: number,
): Promise<{ revision: number; agreed: boolean; seen: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const revisions = await Promise.all(members.map(revisionOf));
    const known = revisions.filter((r): r is number => r !== undefined);
    if (known.length === members.length && new Set(known).size === 1) return { revision: known[0]!, agreed: true, seen: String(known[0]) };
    if (Date.now() > deadline) {
      const seen = members.map((m, i) => `${m.name} ${revisions[i] ?? 'no answer'}`).join(', ');
      return { revision: Math.max(0, ...known), agreed: false, seen };
    }
    await sleep(200);
  }
}

export async function collectFinalState(members: readonly Member[], revision: number): Promise<MemberFinalState[]> {
  return Promise.all(
    members.map(async (member): Promise<MemberFinalState> => {
      const clients = connect(member.endpoint);
      const state: MemberFinalState = { name: member.name, id: member.id.toString(16), revision: 0 };
      try {
        const status = await unaryWithin(5_000, clients.maintenance, clients.maintenance.Status, {});
        state.id = status.header.member_id.toString(16);
        state.revision = Number(status.header.revision);
        const hash = await unaryWithin(10_000, clients.maintenance, clients.maintenance.HashKV, { revision });
        state.hashKV = {
          hash: Number(hash.hash),
          hashRevision: Number(hash.header.revision),
          compactRevision: Number(hash.compact_revision),
        };
        const range = await unaryWithin(10_000, clients.kv, clients.kv.Range, { ...ALL_KEYS, revision, serializable: true });
        state.kvs = range.kvs.map(toKeyValue);
      } catch (error) {
        state.error = error instanceof Error ? error.message : String(error);
      } finally {
        clients.close();
      }
      return state;
    }),
  );
}
