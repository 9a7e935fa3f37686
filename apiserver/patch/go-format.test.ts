import { describe, expect, it } from 'vitest';
import { goFormat, goTypeName } from './go-format.js';

describe('goFormat (Go fmt %v of decoded JSON)', () => {
  it.each<[unknown, string]>([
    [null, '<nil>'],
    ['nginx', 'nginx'],
    [80, '80'],
    [1.5, '1.5'],
    [1e-7, '1e-07'],
    [1e21, '1e+21'],
    [true, 'true'],
    [[], '[]'],
    [['a', 1], '[a 1]'],
    [{ name: 'a', image: 'nginx' }, 'map[image:nginx name:a]'],
    [{ $patch: 'delete', name: 'x' }, 'map[$patch:delete name:x]'],
    [{ a: { b: [1, { c: null }] } }, 'map[a:map[b:[1 map[c:<nil>]]]]'],
    [[['a'], []], '[[a] []]'],
  ])('%j → %s', (value, want) => {
    expect(goFormat(value)).toBe(want);
  });
});

describe('goTypeName (reflect.TypeOf(x).String())', () => {
  it.each<[unknown, string]>([
    ['x', 'string'],
    [1, 'int64'],
    [1.5, 'float64'],
    [false, 'bool'],
    [[], '[]interface {}'],
    [{}, 'map[string]interface {}'],
    [null, '%!s(<nil>)'],
  ])('%j → %s', (value, want) => {
    expect(goTypeName(value)).toBe(want);
  });
});
