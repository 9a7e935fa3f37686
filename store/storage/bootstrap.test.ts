// Bootstrap, and the whole point of the store: a RawNode runs on it, and a restarted one finds its log.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SeededRand } from '../raft/rand.js';
import { RawNode } from '../raft/rawnode.js';
import type { Entry } from '../raft/types.js';
import { bootstrapNewMember, isEmptyLog } from './bootstrap.js';
import { BootstrapError } from './errors.js';
import { RaftLogStore } from './raft-log-store.js';
import { tempDir, viewOf } from './storage-harness.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir('bootstrap');
});
afterEach(async () => {
  await dir.remove();
});

describe('bootstrapNewMember', () => {
  it('writes the initial configuration as a snapshot at (1, 1) and hard state {1, none, 1}', async () => {
    const store = await RaftLogStore.open(dir.path);
    expect(isEmptyLog(store)).toBe(true);
    await bootstrapNewMember(store, { voters: [1, 2, 3], learners: [4] }, new Uint8Array([42]));
    await store.close();

    const reopened = await RaftLogStore.open(dir.path);
    expect(isEmptyLog(reopened)).toBe(false);
    expect(viewOf(reopened)).toEqual({
      initialState: { hardState: { term: 1, vote: 0, commit: 1 }, confState: { voters: [1, 2, 3], learners: [4] } },
      firstIndex: 2,
      lastIndex: 1,
      start: [1, 1],
      entries: [],
      snapshot: { metadata: { index: 1, term: 1, confState: { voters: [1, 2, 3], learners: [4] } }, data: new Uint8Array([42]) },
    });
    await reopened.close();
  });

  it('refuses a member that already holds state, and changes nothing', async () => {
    const store = await RaftLogStore.open(dir.path);
    await store.save({ entries: [], hardState: { term: 3, vote: 2, commit: 0 } });
    const before = viewOf(store);
    await expect(bootstrapNewMember(store, { voters: [1], learners: [] })).rejects.toThrow(BootstrapError);
    expect(viewOf(store)).toEqual(before);
    await store.close();
  });

  it.each([
    ['no voters', { voters: [], learners: [1] }],
    ['a zero id', { voters: [0], learners: [] }],
    ['a duplicate voter', { voters: [1, 1], learners: [] }],
    ['a voter that is also a learner', { voters: [1, 2], learners: [2] }],
  ])('rejects an initial configuration with %s', async (_why, conf) => {
    const store = await RaftLogStore.open(dir.path);
    await expect(bootstrapNewMember(store, conf)).rejects.toThrow(BootstrapError);
    expect(isEmptyLog(store)).toBe(true);
    await store.close();
  });
});

describe('a RawNode on RaftLogStore', () => {
  function startNode(store: RaftLogStore, applied: number): RawNode {
    return new RawNode({ id: 1, storage: store, electionTick: 10, heartbeatTick: 1, rand: new SeededRand(1), applied });
  }

  /** The driver's loop: persist, (no peers to send to), apply, advance. */
  async function settle(node: RawNode, store: RaftLogStore, applied: Entry[]): Promise<void> {
    while (node.hasReady()) {
      const rd = node.ready();
      await store.save(rd);
      applied.push(...rd.committedEntries);
      node.advance(rd);
    }
  }

  it('elects itself, commits proposals, and after a restart finds the same log, term and commit', async () => {
    const store = await RaftLogStore.open(dir.path);
    await bootstrapNewMember(store, { voters: [1], learners: [] });
    const applied: Entry[] = [];
    const node = startNode(store, 1);
    node.campaign();
    await settle(node, store, applied);
    expect(node.status().state).toBe('leader');
    for (const p of ['put a', 'put b', 'put c']) {
      node.propose(new TextEncoder().encode(p));
      await settle(node, store, applied);
    }
    const payloads = applied.filter((e) => e.data.byteLength > 0).map((e) => new TextDecoder().decode(e.data));
    expect(payloads).toEqual(['put a', 'put b', 'put c']);
    const status = node.status();
    await store.createSnapshot(status.applied, { voters: [1], learners: [] }, new TextEncoder().encode('app state'));
    await store.compact(status.applied - 1);
    const live = viewOf(store);
    await store.close();

    const reopened = await RaftLogStore.open(dir.path);
    expect(viewOf(reopened)).toEqual(live);
    const restarted = startNode(reopened, status.applied);
    expect(restarted.status()).toMatchObject({ term: status.term, commit: status.commit, applied: status.applied, state: 'follower' });
    expect(restarted.raft.log.lastIndex()).toBe(status.commit);

    // And it carries on: a new election, a new proposal, on top of the old log.
    const more: Entry[] = [];
    restarted.campaign();
    await settle(restarted, reopened, more);
    restarted.propose(new TextEncoder().encode('put d'));
    await settle(restarted, reopened, more);
    expect(more.filter((e) => e.data.byteLength > 0).map((e) => new TextDecoder().decode(e.data))).toEqual(['put d']);
    expect(restarted.status().term).toBe(status.term + 1);
    await reopened.close();
  });
});
