import { describe, expect, it } from 'vitest';
import { SelectorError } from './errors.js';
import { formatLabelSelector, formatLabels, labelSelectorFromObject } from './label-selector-object.js';
import { matchesLabels, parseLabelSelector, requiresExactMatch, selectorFromSet, selectorToString } from './label-selector.js';

const NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector: canonical strings', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['a=b', 'a=b'],
    ['a==b', 'a==b'],
    ['a!=b', 'a!=b'],
    ['x=a,y=b', 'x=a,y=b'],
    ['y=b,x=a', 'x=a,y=b'],
    ['a=b,c==d,e!=f,g in (y,x),h notin (z),i,!j', 'a=b,c==d,e!=f,g in (x,y),h notin (z),i,!j'],
    [' a = b , c ', 'a=b,c'],
    ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
    ['x in (a,a)', 'x in (a)'],
    ['x=', 'x='],
    ['x=,z= ', 'x=,z='],
    ['x in (in)', 'x in (in)'],
    ['example.com/app=web', 'example.com/app=web'],
    ['k>3,j<2', 'j<2,k>3'],
  ];
  it.each(cases)('%j -> %j', (input, want) => {
    expect(selectorToString(parseLabelSelector(input))).toBe(want);
  });
});

describe('parseLabelSelector: errors as apimachinery words them', () => {
  const cases: [string, string][] = [
    ['app:monolith', `unable to parse requirement: <nil>: Invalid value: "app:monolith": ${NAME_PART}`],
    ['*bar', `unable to parse requirement: <nil>: Invalid value: "*bar": ${NAME_PART}`],
    [
      'a/b/c ?=? def',
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    [
      'app.kubernetes_io/name=x',
      `unable to parse requirement: <nil>: Invalid value: "app.kubernetes_io/name": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ],
    ['a=-b-', `unable to parse requirement: values[0][a]: Invalid value: "-b-": ${LABEL_VALUE}`],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a=b,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['j<-2', `unable to parse requirement: values[0][j]: Invalid value: "-2": ${LABEL_VALUE}`],
    ['x (a)', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ['x=(a)', "unable to parse requirement: found '(', expected: identifier"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x>a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['a=b=c', "found '=', expected: ',' or 'end of string'"],
    ['a=!b', "unable to parse requirement: found '!', expected: identifier"],
  ];
  it.each(cases)('%j', (input, message) => {
    let err: unknown;
    try {
      parseLabelSelector(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SelectorError);
    expect((err as SelectorError).message).toBe(message);
    expect((err as SelectorError).code).toBe(400);
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', tier: 'front', n: '5' };
  const cases: [string, boolean][] = [
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (db,web)', true],
    ['app notin (web)', false],
    ['missing notin (x)', true],
    ['missing in (x)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['n>4', true],
    ['n<5', false],
    ['app>1', false],
    ['app=web,tier=back', false],
  ];
  it.each(cases)('%j -> %s', (sel, want) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(want);
  });
  it('treats missing labels as an empty map', () => {
    expect(matchesLabels(parseLabelSelector('!a'), undefined)).toBe(true);
    expect(matchesLabels(parseLabelSelector('a'), undefined)).toBe(false);
  });
});

describe('labelSelectorFromObject', () => {
  it('nil matches nothing, {} everything', () => {
    expect(matchesLabels(labelSelectorFromObject(undefined), {})).toBe(false);
    expect(matchesLabels(labelSelectorFromObject(null), { a: 'b' })).toBe(false);
    expect(matchesLabels(labelSelectorFromObject({}), {})).toBe(true);
    expect(selectorToString(labelSelectorFromObject({ matchLabels: {}, matchExpressions: [] }))).toBe('');
  });
  it('converts matchLabels and every operator, sorted by key', () => {
    const sel = labelSelectorFromObject({
      matchLabels: { z: '1', app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'back'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'owner', operator: 'Exists', values: [] },
      ],
    });
    expect(selectorToString(sel)).toBe('app=web,!canary,env notin (prod),owner,tier in (back,front),z=1');
    expect(matchesLabels(sel, { app: 'web', z: '1', tier: 'front', owner: 'me' })).toBe(true);
    expect(matchesLabels(sel, { app: 'web', z: '1', tier: 'front', owner: 'me', canary: '' })).toBe(false);
    expect(requiresExactMatch(sel, 'app')).toBe('web');
    expect(requiresExactMatch(sel, 'tier')).toBeUndefined();
  });
  it('rejects bad operators and arities like LabelSelectorAsSelector', () => {
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).toThrow('"Gt" is not a valid label selector operator');
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(
      "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    );
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toThrow(
      'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
    );
    expect(() => labelSelectorFromObject({ matchLabels: { 'bad key': 'x' } })).toThrow(`key: Invalid value: "bad key": ${NAME_PART}`);
  });
  it('formats like metav1.FormatLabelSelector and labels.FormatLabels', () => {
    expect(formatLabelSelector({ matchLabels: { app: 'web' } })).toBe('app=web');
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] })).toBe('<error>');
    expect(formatLabels({ b: '2', a: '1' })).toBe('a=1,b=2');
    expect(formatLabels({})).toBe('<none>');
  });
  it('selectorFromSet', () => {
    expect(selectorToString(selectorFromSet({ b: '2', a: '1' }))).toBe('a=1,b=2');
  });
});
