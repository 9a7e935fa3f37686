import { describe, expect, test } from 'vitest';
import type { KeyValue, Request, Response } from '../history/types.js';
import { kvModel, type KvState } from './models.js';
import { KvStore } from './testing/kv-store.js';
import { pick, seededRandom } from './testing/prng.js';

function kv(key: string, value: string, mod: number, create = mod, version = 1, lease = '0'): KeyValue {
  return { key, value, modRevision: mod, createRevision: create, version, lease };
}

/** Runs steps from the initial state; returns the state, or the first rejection's reason. */
function run(steps: [Request, Response | undefined][]): KvState | string {
  let state = kvModel.init();
  for (const [request, response] of steps) {
    const reasons: string[] = [];
    const next = kvModel.step(state, request, response, (r) => reasons.push(r));
    if (next === undefined) return reasons[0] ?? 'rejected';
    state = next;
  }
  return state;
}

function accepts(steps: [Request, Response | undefined][]): void {
  const result = run(steps);
  expect(typeof result === 'string' ? result : 'accepted').toBe('accepted');
}

function rejects(steps: [Request, Response | undefined][], reason: RegExp): void {
  const result = run(steps);
  expect(typeof result === 'string' ? result : 'accepted').toMatch(reason);
}

const put = (key: string, value: string, revision: number | undefined, lease?: string): [Request, Response | undefined] => [
  lease ? { type: 'put', key, value, lease } : { type: 'put', key, value },
  revision === undefined ? undefined : { type: 'put', revision },
];
const get = (key: string, found: KeyValue | null, revision: number): [Request, Response] => [{ type: 'get', key }, { type: 'get', revision, kv: found }];
const del = (key: string, deleted: number | undefined, revision = 0): [Request, Response | undefined] => [
  { type: 'delete', key },
  deleted === undefined ? undefined : { type: 'delete', revision, deleted },
];

describe('kvModel', () => {
  test('reads check value, revisions, version and lease', () => {
    accepts([put('k', 'a', 2), put('k', 'b', 5), get('k', kv('k', 'b', 5, 2, 2), 6)]);
    rejects([put('k', 'a', 2), get('k', kv('k', 'x', 2), 2)], /read k='x', but it is 'a'/);
    rejects([put('k', 'a', 2), put('k', 'b', 5), get('k', kv('k', 'b', 4, 2, 2), 6)], /modRevision 4/);
    rejects([put('k', 'a', 2), put('k', 'b', 5), get('k', kv('k', 'b', 5, 5, 2), 6)], /createRevision 5/);
    rejects([put('k', 'a', 2), put('k', 'b', 5), get('k', kv('k', 'b', 5, 2, 1), 6)], /version 1/);
    rejects([put('k', 'a', 2), get('k', null, 3)], /as absent/);
    rejects([get('k', kv('k', 'a', 2), 3)], /absent/);
  });

  test('revisions follow the linearization', () => {
    rejects([put('k', 'a', 5), put('k', 'b', 5)], /cannot follow revision 5/);
    rejects([put('k', 'a', 5), get('k', kv('k', 'a', 5), 4)], /already at revision 5/);
    rejects([get('k', null, 9), put('k', 'a', 8)], /cannot follow/);
  });

  test('delete ends a generation: createRevision and version restart', () => {
    accepts([put('k', 'a', 2), del('k', 1, 3), put('k', 'b', 4), get('k', kv('k', 'b', 4, 4, 1), 4)]);
    rejects([put('k', 'a', 2), del('k', 1, 3), put('k', 'b', 4), get('k', kv('k', 'b', 4, 2, 1), 4)], /createRevision 2/);
    rejects([put('k', 'a', 2), del('k', 1, 3), put('k', 'b', 4), get('k', kv('k', 'b', 4, 4, 2), 4)], /version 2/);
    // A delete of a missing key makes no revision: it is answered at the current one.
    accepts([put('k', 'a', 2), del('k', 1, 3), del('k', 0, 3), put('k', 'b', 4)]);
    rejects([del('k', 1, 3)], /absent/);
    rejects([put('k', 'a', 2), del('k', 0, 3)], /deleted nothing/);
  });

  test('an unknown write gets a revision later reads pin', () => {
    accepts([put('k', 'a', 2), put('k', 'b', undefined), get('k', kv('k', 'b', 7, 2, 2), 9)]);
    // The unknown write came after revision 2, so it cannot be at 2...
    rejects([put('k', 'a', 2), put('k', 'b', undefined), get('k', kv('k', 'b', 2, 2, 2), 9)], /modRevision 2/);
    // ...nor after a read that has not seen it yet... (the read was at 9, so a later write is above 9)
    rejects([put('k', 'a', 2), put('k', 'b', undefined), put('j', 'c', 5), get('k', kv('k', 'b', 6, 2, 2), 9)], /modRevision 6/);
    // ...and once pinned, it stays pinned.
    rejects(
      [put('k', 'a', undefined), get('k', kv('k', 'a', 4), 5), get('k', kv('k', 'a', 3), 5)],
      /modRevision 3/,
    );
  });

  test('unknown deletes and compare-and-sets take effect only when they would change something', () => {
    rejects([del('k', undefined)], /would change nothing/);
    rejects([[{ type: 'cas', key: 'k', expect: 'x', value: 'y' }, undefined]], /compare fails/);
    accepts([put('k', 'x', 2), [{ type: 'cas', key: 'k', expect: 'x', value: 'y' }, undefined], get('k', kv('k', 'y', 3, 2, 2), 3)]);
  });

  test('compare-and-set must agree with the state', () => {
    const cas = (expect: string | null, value: string, response: Response): [Request, Response] => [{ type: 'cas', key: 'k', expect, value }, response];
    accepts([cas(null, 'a', { type: 'cas', revision: 2, succeeded: true, kv: null }), cas('a', 'b', { type: 'cas', revision: 3, succeeded: true, kv: null })]);
    accepts([put('k', 'a', 2), cas('z', 'b', { type: 'cas', revision: 2, succeeded: false, kv: kv('k', 'a', 2) })]);
    rejects([put('k', 'a', 2), cas('a', 'b', { type: 'cas', revision: 2, succeeded: false, kv: kv('k', 'a', 2) })], /compare holds, but the cas failed/);
    rejects([put('k', 'a', 2), cas(null, 'b', { type: 'cas', revision: 3, succeeded: true, kv: null })], /compare fails, but the cas succeeded/);
    rejects([put('k', 'a', 2), cas('z', 'b', { type: 'cas', revision: 2, succeeded: false, kv: kv('k', 'q', 2) })], /read k='q'/);
  });

  test('a multi-key txn applies all its puts at one revision, or reads the prefix', () => {
    const txn = (response: Response): [Request, Response] => [
      { type: 'txn', prefix: 't/', compares: [{ key: 't/a', expect: null }], puts: [{ key: 't/a', value: '1' }, { key: 't/b', value: '2' }] },
      response,
    ];
    const range = (kvs: KeyValue[], revision: number): [Request, Response] => [{ type: 'range', prefix: 't/' }, { type: 'range', revision, kvs }];
    accepts([txn({ type: 'txn', revision: 2, succeeded: true, kvs: [] }), range([kv('t/a', '1', 2), kv('t/b', '2', 2)], 2)]);
    // Second time the compare fails: it must read the prefix as it is.
    accepts([txn({ type: 'txn', revision: 2, succeeded: true, kvs: [] }), txn({ type: 'txn', revision: 2, succeeded: false, kvs: [kv('t/a', '1', 2), kv('t/b', '2', 2)] })]);
    rejects([txn({ type: 'txn', revision: 2, succeeded: true, kvs: [] }), txn({ type: 'txn', revision: 3, succeeded: true, kvs: [] })], /t\/a is '1', not ∅, but the txn succeeded/);
    rejects([txn({ type: 'txn', revision: 2, succeeded: false, kvs: [] })], /every compare holds, but the txn failed/);
    rejects([txn({ type: 'txn', revision: 2, succeeded: true, kvs: [] }), range([kv('t/a', '1', 2)], 2)], /read t\/b as absent/);
  });

  test('revoking a lease deletes its keys; a put without the lease detaches the key', () => {
    const revoke = (revision: number | undefined): [Request, Response | undefined] => [
      { type: 'leaseRevoke', lease: '7' },
      revision === undefined ? undefined : { type: 'leaseRevoke', revision },
    ];
    accepts([put('l', 'a', 2, '7'), get('l', kv('l', 'a', 2, 2, 1, '7'), 2), revoke(3), get('l', null, 3)]);
    rejects([put('l', 'a', 2, '7'), get('l', kv('l', 'a', 2, 2, 1, '0'), 2)], /lease 0/);
    rejects([put('l', 'a', 2, '7'), revoke(3), get('l', kv('l', 'a', 2, 2, 1, '7'), 3)], /absent/);
    // Detached: the revoke makes no revision and leaves the key.
    accepts([put('l', 'a', 2, '7'), put('l', 'b', 3), revoke(3), get('l', kv('l', 'b', 3, 2, 2), 3)]);
    rejects([put('l', 'a', 2, '7'), put('l', 'b', 3), revoke(undefined)], /changes nothing/);
  });

  test('equal states hash equal once unknowns are settled', () => {
    const viaUnknown = run([put('k', 'a', undefined), get('k', kv('k', 'a', 4), 4)]) as KvState;
    const viaKnown = run([put('k', 'a', 4)]) as KvState;
    expect(kvModel.hash(viaUnknown)).toBe(kvModel.hash(viaKnown));
    expect(kvModel.describe!(viaKnown)).toBe("{k='a'@4(c4 v1); revision ≥ 4}");
  });

  test('accepts whatever the reference store answers, and rejects it altered', () => {
    const random = seededRandom(7);
    const keys = ['r/a', 'r/b', 't/a'];
    for (let run = 0; run < 50; run++) {
      const store = new KvStore();
      let state = kvModel.init();
      let lease = 0;
      let allKnown = true;
      for (let i = 0; i < 60; i++) {
        const key = pick(random, keys);
        const value = `v${run}.${i}`;
        const requests: Request[] = [
          { type: 'get', key },
          { type: 'range', prefix: 't/' },
          { type: 'put', key, value },
          { type: 'delete', key },
          { type: 'cas', key, expect: store.keys.get(key)?.value ?? null, value },
          { type: 'cas', key, expect: 'nope', value },
          { type: 'txn', prefix: 't/', compares: [{ key: 't/a', expect: store.keys.get('t/a')?.value ?? null }], puts: [{ key: 't/a', value }] },
          { type: 'leaseGrant', ttl: 60 },
          { type: 'leaseRevoke', lease: String(lease) },
          { type: 'put', key, value, lease: String(lease) },
        ];
        const request = pick(random, requests);
        const before = store.revision;
        const result = store.apply(request, request.type === 'leaseGrant' ? String(++lease) : undefined);
        if ('code' in result || request.type === 'leaseGrant') continue;
        // Half the writes are stepped without their answer, as if they had timed out.
        const known = request.type === 'get' || request.type === 'range' || random() < 0.5;
        const next = kvModel.step(state, request, known ? result : undefined);
        if (!known) {
          // Without an answer a write is allowed exactly when it changes something (else the search leaves it out).
          expect(next !== undefined, JSON.stringify(request)).toBe(store.revision > before);
          if (next === undefined) continue;
          allKnown = false;
        }
        expect(next, JSON.stringify({ request, result })).toBeDefined();
        // While every revision is known the model knows the store's revision exactly, so one below is wrong.
        if (known && allKnown && state.clock.floor > 0) {
          const altered = { ...result, revision: result.revision - 1 } as Response;
          expect(kvModel.step(state, request, altered), JSON.stringify({ request, altered })).toBeUndefined();
        }
        state = next!;
      }
    }
  });
});
