import { describe, expect, it } from 'vitest';
import { FailpointTermError, isOff, MAX_SLEEP_MS, parseFailpointSpec, parseTerms } from './terms.js';

describe('parseTerms', () => {
  it('reads the actions', () => {
    expect(parseTerms('panic').chain).toEqual([{ probability: undefined, count: undefined, action: { kind: 'panic' } }]);
    expect(parseTerms('off').chain).toEqual([{ probability: undefined, count: undefined, action: { kind: 'off' } }]);
    expect(parseTerms('sleep(100)').chain[0]!.action).toEqual({ kind: 'sleep', ms: 100 });
    expect(parseTerms('print').chain[0]!.action).toEqual({ kind: 'print', message: undefined });
    expect(parseTerms('print("at the edge")').chain[0]!.action).toEqual({ kind: 'print', message: 'at the edge' });
  });

  it('reads durations in milliseconds, or with a unit', () => {
    expect(parseTerms('sleep(0)').chain[0]!.action).toEqual({ kind: 'sleep', ms: 0 });
    expect(parseTerms('sleep(250ms)').chain[0]!.action).toEqual({ kind: 'sleep', ms: 250 });
    expect(parseTerms('sleep(1.5s)').chain[0]!.action).toEqual({ kind: 'sleep', ms: 1500 });
    expect(parseTerms('sleep("2s")').chain[0]!.action).toEqual({ kind: 'sleep', ms: 2000 });
  });

  it('reads counts and probabilities', () => {
    expect(parseTerms('3*panic').chain[0]).toEqual({ probability: undefined, count: 3, action: { kind: 'panic' } });
    expect(parseTerms('25%sleep(10)').chain[0]).toEqual({ probability: 0.25, count: undefined, action: { kind: 'sleep', ms: 10 } });
    expect(parseTerms('0.5%2*panic').chain[0]).toEqual({ probability: 0.005, count: 2, action: { kind: 'panic' } });
    // 100% is every hit.
    expect(parseTerms('100%panic').chain[0]!.probability).toBeUndefined();
  });

  it('reads chains and keeps the source text', () => {
    const t = parseTerms('  2*sleep(50) -> 3*off->panic ');
    expect(t.source).toBe('2*sleep(50) -> 3*off->panic');
    expect(t.chain.map((x) => [x.count, x.action.kind])).toEqual([
      [2, 'sleep'],
      [3, 'off'],
      [undefined, 'panic'],
    ]);
  });

  it('knows a plain off from an off with a count', () => {
    expect(isOff(parseTerms('off'))).toBe(true);
    expect(isOff(parseTerms(' off '))).toBe(true);
    expect(isOff(parseTerms('2*off'))).toBe(false);
    expect(isOff(parseTerms('2*off->panic'))).toBe(false);
  });

  it.each([
    ['', /empty term/],
    ['   ', /empty term/],
    ['explode', /unknown action "explode"/],
    ['Panic', /cannot parse/],
    ['panic(1)', /panic takes no argument/],
    ['off(1)', /off takes no argument/],
    ['sleep', /sleep needs a duration/],
    ['sleep()', /sleep\(\): expected milliseconds/],
    ['sleep(-5)', /expected milliseconds/],
    ['sleep(1m)', /expected milliseconds/],
    ['sleep(abc)', /expected milliseconds/],
    [`sleep(${MAX_SLEEP_MS + 1})`, /longer than/],
    ['0*panic', /count 0 must be a positive integer/],
    ['-1*panic', /cannot parse/],
    ['1.5*panic', /cannot parse/],
    ['0%panic', /probability 0% is not in/],
    ['150%panic', /probability 150% is not in/],
    ['2*%panic', /cannot parse/],
    ['panic->', /empty|cannot parse/],
    ['off->panic', /bare "off" inside a chain/],
  ])('refuses %j', (text, message) => {
    expect(() => parseTerms(text)).toThrow(FailpointTermError);
    expect(() => parseTerms(text)).toThrow(message);
  });
});

describe('parseFailpointSpec', () => {
  it('reads name=term entries separated by semicolons', () => {
    const s = parseFailpointSpec('raftBeforeSave=panic;applyAfterCommit=sleep(100); raftAfterSave = 2*panic ;');
    expect(s.map((x) => [x.name, x.terms.source])).toEqual([
      ['raftBeforeSave', 'panic'],
      ['applyAfterCommit', 'sleep(100)'],
      ['raftAfterSave', '2*panic'],
    ]);
  });

  it('is empty for an empty setting', () => {
    expect(parseFailpointSpec('')).toEqual([]);
    expect(parseFailpointSpec(' ; ;')).toEqual([]);
  });

  it('keeps an = inside a term', () => {
    expect(parseFailpointSpec('raftAfterSave=print(a=b)')[0]!.terms.chain[0]!.action).toEqual({ kind: 'print', message: 'a=b' });
  });

  it.each([
    ['raftBeforeSave', /expected name=term/],
    ['=panic', /expected name=term/],
    ['raft-before-save=panic', /bad failpoint name/],
    ['raftBeforeSave=', /empty term/],
    ['raftBeforeSave=panic;raftBeforeSave=off', /set twice/],
    ['raftBeforeSave=panic;applyAfterCommit=sleep(x)', /bad term "sleep\(x\)"/],
  ])('refuses %j', (text, message) => {
    expect(() => parseFailpointSpec(text)).toThrow(message);
  });
});
