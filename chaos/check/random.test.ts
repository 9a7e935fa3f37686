// Randomized: histories the reference store produces from random concurrent workloads (with timeouts, lost
// answers and watch sessions that break and resume) must pass every checker; the same history with one answer,
// event or final state broken in a way no execution could explain must fail the checker that owns that evidence.
import { describe, expect, test } from 'vitest';
import type { CheckResult, History, KeyValue, Operation } from '../history/types.js';
import { checkHistory } from './index.js';
import { checkLinearizability } from './linearizability.js';
import { mergeWatchHistory } from './watch-history.js';
import { seededRandom, type Random } from './testing/prng.js';
import { randomScript, type RandomScriptOptions } from './testing/random-script.js';
import { runScript } from './testing/scripted-run.js';

function randomRun(seed: number, options: RandomScriptOptions): History {
  const random = seededRandom(seed);
  return runScript(randomScript(random, options), { choppyWatcher: random }).history;
}

function verdicts(results: CheckResult[]): Record<string, string> {
  return Object.fromEntries(results.map((r) => [r.name, r.ok ? 'ok' : r.summary]));
}

const ALL_OK = { linearizability: 'ok', watch: 'ok', durability: 'ok', convergence: 'ok' };
const SMALL: RandomScriptOptions = { clients: 6, operations: 500, indeterminate: 0.05, lost: 0.002, rejected: 0.01 };
const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);

type Answered = Operation & { response: NonNullable<Operation['response']>; return: number };
const answered = (history: History) => history.operations.filter((o): o is Answered => !!o.response && o.return !== null);

/** Breaks one detail of a history in place; returns the checker that must now fail, or undefined if it cannot here. */
type Mutation = (history: History, random: Random) => string | undefined;

const mutations: Record<string, Mutation> = {
  'a read of a value nobody wrote': (history, random) => {
    const read = pickOf(random, answered(history).filter((o) => o.response.type === 'get' && o.response.kv));
    if (!read || read.response.type !== 'get') return undefined;
    read.response.kv!.value = 'never-written';
    return 'linearizability';
  },
  'two writes with one revision': (history, random) => {
    const puts = answered(history).filter((o) => o.response.type === 'put');
    const [a, b] = [pickOf(random, puts), pickOf(random, puts)];
    if (!a || !b || a === b) return undefined;
    b.response.revision = a.response.revision;
    return 'linearizability';
  },
  'a modRevision above the revision it was read at': (history, random) => {
    const read = pickOf(random, answered(history).filter((o) => o.response.type === 'get' && o.response.kv));
    if (!read || read.response.type !== 'get') return undefined;
    read.response.kv!.modRevision = read.response.revision + 1;
    return 'linearizability';
  },
  'a stale read of the value before an acknowledged write': (history, random) => {
    const merged = mergeWatchHistory(history);
    const writers = new Map(answered(history).filter((o) => o.response.type === 'put').map((o) => [o.response.revision, o]));
    const candidates = answered(history).flatMap((read) => {
      if (read.response.type !== 'get' || !read.response.kv) return [];
      const kv = read.response.kv;
      const writer = writers.get(kv.modRevision);
      const timeline = merged.timeline(kv.key);
      const before = timeline[timeline.findIndex((e) => e.revision === kv.modRevision) - 1];
      // The write the read saw had returned before the read was called, so its predecessor is gone for good.
      if (!writer || writer.return >= read.call || before?.event.type !== 'PUT') return [];
      return [{ read, stale: before.event.kv }];
    });
    const chosen = pickOf(random, candidates);
    if (!chosen || chosen.read.response.type !== 'get') return undefined;
    chosen.read.response.kv = { ...chosen.stale } as KeyValue;
    return 'linearizability';
  },
  'a compare-and-set that claims failure though its compare held': (history, random) => {
    const merged = mergeWatchHistory(history);
    const cas = pickOf(random, answered(history).filter((o) => o.response.type === 'cas' && o.response.succeeded && o.request.type === 'cas' && o.request.expect !== null));
    if (!cas || cas.request.type !== 'cas' || cas.response.type !== 'cas') return undefined;
    const held = merged.putsByValue.get(cas.request.expect!)?.[0];
    if (!held) return undefined;
    Object.assign(cas.response, { succeeded: false, kv: { ...held.event.kv } });
    return 'linearizability';
  },
  'a watch response lost by one watcher': (history, random) => {
    const sessions = history.watches[1]!.sessions;
    const candidates = sessions.flatMap((session) => {
      const withEvents = session.responses.filter((r) => r.events.length > 0);
      return withEvents.slice(0, -1).map((response) => ({ session, response }));
    });
    const chosen = pickOf(random, candidates);
    if (!chosen) return undefined;
    chosen.session.responses = chosen.session.responses.filter((r) => r !== chosen.response);
    return 'watch';
  },
  'an acknowledged write lost from every watcher': (history, random) => {
    // Not the run's last revision: with it gone from every watch, nothing proves the watches should have had it
    // (the final state alone shows the write was kept, which is all durability promises).
    const last = Math.max(...history.final.map((m) => m.revision));
    const put = pickOf(random, answered(history).filter((o) => o.response.type === 'put' && o.response.revision < last));
    if (!put) return undefined;
    for (const record of history.watches) {
      for (const session of record.sessions) {
        for (const response of session.responses) response.events = response.events.filter((e) => e.kv.modRevision !== put.response.revision);
        // Keep progress notifications meaningful: drop responses the removal emptied.
        session.responses = session.responses.filter((r) => r.events.length > 0 || r.created || r.canceled || r.revision !== put.response.revision);
      }
    }
    return 'durability';
  },
  'a member whose final state differs': (history, random) => {
    const member = pickOf(random, history.final);
    const kv = member && pickOf(random, member.kvs ?? []);
    if (!kv) return undefined;
    kv.value = `${kv.value}-diverged`;
    return 'durability';
  },
  'a member whose HashKV differs': (history, random) => {
    const member = pickOf(random, history.final)!;
    member.hashKV!.hash ^= 1;
    return 'convergence';
  },
};

describe('randomized histories from the reference store', () => {
  test.each(SEEDS)('seed %i passes every checker, with and without the watch patch', (seed) => {
    const history = randomRun(seed, SMALL);
    const results = checkHistory(history);
    expect(results.map((r) => r.name)).toEqual(Object.keys(ALL_OK));
    expect(verdicts(results)).toEqual(ALL_OK);
    expect(checkLinearizability(history, { patchFromWatches: false })).toMatchObject({ ok: true });
  });

  for (const [name, mutate] of Object.entries(mutations)) {
    test(`rejects ${name}`, () => {
      let applied = 0;
      for (const seed of SEEDS) {
        const history = randomRun(seed, SMALL);
        const random = seededRandom(seed * 7919);
        const checker = mutate(history, random);
        if (!checker) continue;
        applied++;
        const results = checkHistory(history);
        expect(results.find((r) => r.name === checker)?.ok, `seed ${seed}: ${JSON.stringify(verdicts(results))}`).toBe(false);
        if (checker === 'linearizability') expect(checkLinearizability(history, { patchFromWatches: false }).ok, `seed ${seed} without the patch`).toBe(false);
      }
      expect(applied).toBeGreaterThanOrEqual(SEEDS.length / 2);
    });
  }

  test('checks 5,000 operations over 8 clients with indeterminate ones within the default budget', () => {
    const history = randomRun(2024, { clients: 8, operations: 5000, indeterminate: 0.03, lost: 0.001, rejected: 0.01 });
    expect(history.operations.length).toBeGreaterThan(4500);
    expect(history.operations.filter((o) => !o.response && !o.failure?.definite).length).toBeGreaterThan(50);
    expect(verdicts(checkHistory(history))).toEqual(ALL_OK);
    expect(checkLinearizability(history, { patchFromWatches: false })).toMatchObject({ ok: true });
  });
});

function pickOf<T>(random: Random, items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(random() * items.length)];
}
