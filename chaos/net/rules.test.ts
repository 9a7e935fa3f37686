import { describe, expect, test } from 'vitest';
import { allPairs, bridgePairs, isolatePairs, LinkRules, NORMAL_LINK, oneWayPairs, pairKey, partitionPairs, type Pair } from './rules.js';

const three = ['n1', 'n2', 'n3'];
const five = ['n1', 'n2', 'n3', 'n4', 'n5'];
const keys = (pairs: readonly Pair[]) => pairs.map(([a, b]) => pairKey(a, b)).sort();

describe('fault shapes', () => {
  test('allPairs lists every ordered pair of distinct members', () => {
    expect(keys(allPairs(three))).toEqual(['n1->n2', 'n1->n3', 'n2->n1', 'n2->n3', 'n3->n1', 'n3->n2']);
  });

  test('partition cuts both directions between groups and none within', () => {
    expect(keys(partitionPairs(five, [['n1', 'n2'], ['n3', 'n4', 'n5']]))).toEqual(
      keys([
        ...['n3', 'n4', 'n5'].flatMap((b): Pair[] => [['n1', b], [b, 'n1'], ['n2', b], [b, 'n2']]),
      ]),
    );
  });

  test('members named in no group form one group together', () => {
    expect(keys(partitionPairs(three, [['n1']]))).toEqual(['n1->n2', 'n1->n3', 'n2->n1', 'n3->n1']);
    expect(keys(partitionPairs(three, [['n1'], ['n2']]))).toEqual(keys(allPairs(three)));
    expect(partitionPairs(three, [['n1', 'n2', 'n3']])).toEqual([]);
  });

  test('partition refuses unknown members and members in two groups', () => {
    expect(() => partitionPairs(three, [['n9']])).toThrow(/unknown member/);
    expect(() => partitionPairs(three, [['n1'], ['n1', 'n2']])).toThrow(/two partition groups/);
  });

  test('isolate is a partition of one', () => {
    expect(keys(isolatePairs(five, 'n3'))).toEqual(keys(partitionPairs(five, [['n3']])));
    expect(isolatePairs(five, 'n3')).toHaveLength(8);
  });

  test('one way blocks exactly one ordered pair', () => {
    expect(oneWayPairs(three, 'n1', 'n2')).toEqual([['n1', 'n2']]);
    expect(() => oneWayPairs(three, 'n1', 'n1')).toThrow();
    expect(() => oneWayPairs(three, 'n1', 'x')).toThrow(/unknown member/);
  });

  test('bridge: the sides cannot talk to each other, everyone talks to the bridge', () => {
    const pairs = keys(bridgePairs(five, 'n3', [['n1', 'n2'], ['n4', 'n5']]));
    expect(pairs).toHaveLength(8);
    expect(pairs.some((k) => k.includes('n3'))).toBe(false);
    expect(pairs).toContain('n1->n4');
    expect(pairs).toContain('n5->n2');
    expect(pairs).not.toContain('n1->n2');
    // Three members: the bridge in the middle, one member on each side.
    expect(keys(bridgePairs(three, 'n2'))).toEqual(['n1->n3', 'n3->n1']);
    // Default sides split the others in member order.
    expect(keys(bridgePairs(five, 'n1'))).toEqual(keys(bridgePairs(five, 'n1', [['n2', 'n3'], ['n4', 'n5']])));
  });

  test('bridge refuses impossible shapes', () => {
    expect(() => bridgePairs(['n1', 'n2'], 'n1')).toThrow(/two other members/);
    expect(() => bridgePairs(three, 'n2', [['n2'], ['n3']])).toThrow(/cannot be on a side/);
    expect(() => bridgePairs(five, 'n1', [['n2', 'n3'], ['n3']])).toThrow(/both sides/);
  });
});

describe('LinkRules', () => {
  test('every link starts normal', () => {
    const rules = new LinkRules(three);
    for (const [a, b] of allPairs(three)) expect(rules.get(a, b)).toEqual(NORMAL_LINK);
    expect(rules.blockedPairs()).toEqual([]);
    expect(rules.snapshot()).toEqual({});
  });

  test('blocks accumulate, are per ordered pair, and reset clears everything', () => {
    const rules = new LinkRules(three);
    rules.block(oneWayPairs(three, 'n1', 'n2'));
    rules.block(oneWayPairs(three, 'n3', 'n1'));
    expect(rules.isBlocked('n1', 'n2')).toBe(true);
    expect(rules.isBlocked('n2', 'n1')).toBe(false);
    expect(keys(rules.blockedPairs())).toEqual(['n1->n2', 'n3->n1']);
    rules.unblock([['n1', 'n2']]);
    expect(keys(rules.blockedPairs())).toEqual(['n3->n1']);
    rules.setDelay([['n2', 'n3']], 100, 10);
    rules.reset();
    expect(rules.blockedPairs()).toEqual([]);
    expect(rules.get('n2', 'n3')).toEqual(NORMAL_LINK);
  });

  test('delay and drop replace earlier values on the links they name and leave the block alone', () => {
    const rules = new LinkRules(three);
    rules.block([['n1', 'n2']]);
    rules.setDelay([['n1', 'n2'], ['n2', 'n3']], 100, 20);
    rules.setDelay([['n2', 'n3']], 50);
    rules.setDropRate([['n1', 'n2']], 0.25);
    expect(rules.get('n1', 'n2')).toEqual({ blocked: true, delayMs: 100, jitterMs: 20, dropRate: 0.25 });
    expect(rules.get('n2', 'n3')).toEqual({ blocked: false, delayMs: 50, jitterMs: 0, dropRate: 0 });
    expect(Object.keys(rules.snapshot()).sort()).toEqual(['n1->n2', 'n2->n3']);
    rules.setDelay([['n2', 'n3']], 0, 0);
    expect(Object.keys(rules.snapshot())).toEqual(['n1->n2']);
  });

  test('bad values and unknown members are refused', () => {
    const rules = new LinkRules(three);
    expect(() => rules.setDropRate([['n1', 'n2']], 1.5)).toThrow(RangeError);
    expect(() => rules.setDelay([['n1', 'n2']], -1)).toThrow(RangeError);
    expect(() => rules.setDelay([['n1', 'n2']], 5, Number.NaN)).toThrow(RangeError);
    expect(() => rules.block([['n1', 'n4']])).toThrow(/unknown member/);
    expect(() => rules.block([['n1', 'n1']])).toThrow(/two members/);
    expect(() => new LinkRules(['n1', 'n1'])).toThrow(/duplicate/);
  });

  test('version moves on every change', () => {
    const rules = new LinkRules(three);
    const v0 = rules.version;
    rules.block([['n1', 'n2']]);
    expect(rules.version).toBeGreaterThan(v0);
    const v1 = rules.version;
    rules.reset();
    expect(rules.version).toBeGreaterThan(v1);
  });

  test('unknown dialers are cut off only when no member can reach the target', () => {
    const rules = new LinkRules(three);
    rules.block([['n1', 'n3']]);
    expect(rules.fromUnknown('n3').blocked).toBe(false);
    rules.block([['n2', 'n3']]);
    expect(rules.fromUnknown('n3').blocked).toBe(true);
    expect(rules.toUnknown('n3').blocked).toBe(false);
    rules.reset();
    rules.block(isolatePairs(three, 'n2'));
    expect(rules.fromUnknown('n2').blocked).toBe(true);
    expect(rules.toUnknown('n2').blocked).toBe(true);
    expect(rules.fromUnknown('n1').blocked).toBe(false);
    // A delay on a member link does not reach anonymous traffic: we cannot tell whose link it is.
    rules.reset();
    rules.setDelay(allPairs(three), 100);
    expect(rules.fromUnknown('n1')).toEqual(NORMAL_LINK);
  });

  test('a member added later has normal links', () => {
    const rules = new LinkRules(three);
    rules.block(isolatePairs(three, 'n1'));
    rules.addMember('n4');
    expect(rules.isBlocked('n4', 'n1')).toBe(false);
    expect(rules.fromUnknown('n1').blocked).toBe(false);
    expect(() => rules.addMember('n4')).toThrow();
  });
});
