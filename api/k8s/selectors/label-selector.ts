// Label selectors as the apiserver parses them from `?labelSelector=` (k8s.io/apimachinery/pkg/labels):
//
//   a=b,c==d,e!=f,g in (x,y),h notin (z),i,!j,k>3
//
// parse to requirements sorted by key; each value set is sorted and de-duplicated, so `selectorToString` gives
// the canonical form (`a=b,c==d,e!=f,g in (x,y),h notin (z),i,!j,k>3`). Errors carry apimachinery's text, e.g.
// `unable to parse requirement: <nil>: Invalid value: "a b": name part must consist of ...`.
import { SelectorError } from './errors.js';
import { aggregate, invalidValue, isQualifiedName, isValidLabelValue } from './label-validation.js';

/** selection.Operator values. 'exists' is a bare key, '!' a negated one; 'gt'/'lt' compare integers. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/**
 * 'nothing' matches no object (a nil metav1.LabelSelector); 'requirements' matches objects meeting all of them
 * (none = everything).
 */
export type Selector = { readonly kind: 'nothing' } | { readonly kind: 'requirements'; readonly requirements: readonly Requirement[] };

export const EVERYTHING: Selector = { kind: 'requirements', requirements: [] };
export const NOTHING: Selector = { kind: 'nothing' };

const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

/** labels.NewRequirement: validates key, operator arity and values; throws SelectorError. */
export function newRequirement(key: string, operator: LabelOperator, values: readonly string[], path?: string): Requirement {
  const errs: string[] = [];
  const child = (name: string) => (path === undefined ? name : `${path}.${name}`);
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(invalidValue(child('key'), key, keyErrs.join('; ')));
  const valuesPath = child('values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalidValue(valuesPath, values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalidValue(valuesPath, values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalidValue(valuesPath, values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalidValue(valuesPath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v)) errs.push(invalidValue(`${valuesPath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default: {
      const never: never = operator;
      errs.push(`${child('operator')}: Unsupported value: ${JSON.stringify(never)}`);
    }
  }
  values.forEach((v, i) => {
    const vErrs = isValidLabelValue(v);
    if (vErrs.length > 0) errs.push(invalidValue(`${valuesPath}[${i}][${key}]`, v, vErrs.join('; ')));
  });
  const message = aggregate(errs);
  if (message !== undefined) throw new SelectorError(message);
  return { key, operator, values: [...values] };
}

function sortByKey(reqs: Requirement[]): Requirement[] {
  // Go's sort.Sort is not stable; a stable sort gives the same result for distinct keys.
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

// ---- lexer ----

type Token = 'error' | 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';
interface Item {
  readonly tok: Token;
  readonly lit: string;
}

const LITERAL_TOKENS: Record<string, Token> = { ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', in: 'in', '<': '<', '!=': '!=', notin: 'notin', '(': '(' };
const isWhitespace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string) => '=!(),><'.includes(c);

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos]!)) pos++;
    if (pos >= s.length) {
      items.push({ tok: 'end', lit: '' });
      return items;
    }
    if (isSpecial(s[pos]!)) {
      // The longest run of special characters that is still a known operator.
      let buf = '';
      let last: Item | undefined;
      while (pos < s.length && isSpecial(s[pos]!)) {
        buf += s[pos];
        const tok = LITERAL_TOKENS[buf];
        if (tok !== undefined) last = { tok, lit: buf };
        else if (last !== undefined) break;
        pos++;
      }
      if (last === undefined) items.push({ tok: 'error', lit: `error expected: keyword found '${buf}'` });
      else items.push(last);
      continue;
    }
    let buf = '';
    while (pos < s.length && !isSpecial(s[pos]!) && !isWhitespace(s[pos]!)) buf += s[pos++];
    const tok = LITERAL_TOKENS[buf];
    items.push(tok !== undefined ? { tok, lit: buf } : { tok: 'id', lit: buf });
  }
}

// ---- parser ----

class Parser {
  private position = 0;

  constructor(private readonly items: Item[]) {}

  /** In a values context, `in` and `notin` are plain identifiers (`x in (in)`). */
  private peek(values: boolean): Item {
    return this.asValue(this.items[this.position]!, values);
  }

  private next(values: boolean): Item {
    return this.asValue(this.items[this.position++]!, values);
  }

  private asValue(item: Item, values: boolean): Item {
    return values && (item.tok === 'in' || item.tok === 'notin') ? { tok: 'id', lit: item.lit } : item;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek(true);
      if (tok === 'end') return reqs;
      if (tok !== 'id' && tok !== '!') throw new SelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (e) {
        if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const after = this.next(true);
      if (after.tok === 'end') return reqs;
      if (after.tok !== ',') throw new SelectorError(`found '${after.lit}', expected: ',' or 'end of string'`);
      const following = this.peek(true);
      if (following.tok !== 'id' && following.tok !== '!') throw new SelectorError(`found '${following.lit}', expected: identifier after ','`);
    }
  }

  private requirement(): Requirement {
    let negated = false;
    let item = this.next(true);
    if (item.tok === '!') {
      negated = true;
      item = this.next(true);
    }
    if (item.tok !== 'id') throw new SelectorError(`found '${item.lit}', expected: identifier`);
    const key = item.lit;
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length > 0) throw new SelectorError(invalidValue(undefined, key, keyErrs.join('; ')));
    const ahead = this.peek(true).tok;
    if (negated || ahead === 'end' || ahead === ',') {
      // `!key` takes no operator; a following operator then fails as "expected ',' or 'end of string'".
      return newRequirement(key, negated ? '!' : 'exists', []);
    }
    const op = this.operator();
    const values = op === 'in' || op === 'notin' ? this.valueSet() : this.exactValue();
    return newRequirement(key, op, [...values].sort());
  }

  private operator(): LabelOperator {
    const { tok, lit } = this.next(false);
    switch (tok) {
      case 'in':
        return 'in';
      case 'notin':
        return 'notin';
      case '=':
        return '=';
      case '==':
        return '==';
      case '!=':
        return '!=';
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      default:
        throw new SelectorError(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  private valueSet(): Set<string> {
    const open = this.next(true);
    if (open.tok !== '(') throw new SelectorError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.peek(true);
    if (tok === ')') {
      this.next(true);
      return new Set(['']);
    }
    if (tok !== 'id' && tok !== ',') throw new SelectorError(`found '${lit}', expected: ',', ')' or identifier`);
    const set = this.identifierList();
    if (this.next(true).tok !== ')') throw new SelectorError(`found '${lit}', expected: ')'`);
    return set;
  }

  /** A possibly empty, comma separated list of possibly empty identifiers, up to (not including) ')'. */
  private identifierList(): Set<string> {
    const set = new Set<string>();
    for (;;) {
      const { tok, lit } = this.next(true);
      if (tok === 'id') {
        set.add(lit);
        const ahead = this.peek(true);
        if (ahead.tok === ',') continue;
        if (ahead.tok === ')') return set;
        throw new SelectorError(`found '${ahead.lit}', expected: ',' or ')'`);
      }
      if (tok === ',') {
        if (set.size === 0) set.add(''); // "(,"
        const ahead = this.peek(true).tok;
        if (ahead === ')') {
          set.add(''); // ",)"
          return set;
        }
        if (ahead === ',') set.add(''); // ",,"
        continue;
      }
      throw new SelectorError(`found '${lit}', expected: ',', or identifier`);
    }
  }

  private exactValue(): Set<string> {
    const ahead = this.peek(true).tok;
    if (ahead === 'end' || ahead === ',') return new Set(['']);
    const { tok, lit } = this.next(true);
    if (tok === 'id') return new Set([lit]);
    throw new SelectorError(`found '${lit}', expected: identifier`);
  }
}

/** labels.Parse: the query-string syntax. Throws SelectorError (HTTP 400) with apimachinery's message. */
export function parseLabelSelector(s: string): Selector {
  return { kind: 'requirements', requirements: sortByKey(new Parser(lex(s)).parse()) };
}

/** labels.SelectorFromSet: key=value for each entry (not validated, as in Go). */
export function selectorFromSet(set: Readonly<Record<string, string>> | undefined): Selector {
  const reqs = Object.entries(set ?? {}).map(([key, v]): Requirement => ({ key, operator: '=', values: [v] }));
  return { kind: 'requirements', requirements: sortByKey(reqs) };
}

function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key]! : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return value !== undefined && r.values.includes(value);
    case 'notin':
    case '!=':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (value === undefined || !/^[+-]?\d+$/.test(value) || r.values.length !== 1) return false;
      const have = BigInt(value);
      const want = BigInt(r.values[0]!);
      return r.operator === 'gt' ? have > want : have < want;
    }
    default: {
      const never: never = r.operator;
      return never;
    }
  }
}

/** Whether an object's labels satisfy the selector. */
export function matchesLabels(selector: Selector, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (selector.kind === 'nothing') return false;
  const ls = labels ?? {};
  return selector.requirements.every((r) => requirementMatches(r, ls));
}

/** True when the selector restricts nothing. */
export function isEverything(selector: Selector): boolean {
  return selector.kind === 'requirements' && selector.requirements.length === 0;
}

const OPERATOR_TEXT: Record<LabelOperator, string> = { in: ' in ', notin: ' notin ', '=': '=', '==': '==', '!=': '!=', gt: '>', lt: '<', exists: '', '!': '' };

/** Requirement.String(): values of in/notin sorted and wrapped in parentheses. */
export function requirementToString(r: Requirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const values = r.values.length === 1 ? r.values[0]! : [...r.values].sort().join(',');
  const set = r.operator === 'in' || r.operator === 'notin';
  return `${r.key}${OPERATOR_TEXT[r.operator]}${set ? `(${values})` : values}`;
}

/** Selector.String(): the canonical query-string form; "" for everything and for nothing. */
export function selectorToString(selector: Selector): string {
  return selector.kind === 'nothing' ? '' : selector.requirements.map(requirementToString).join(',');
}

/** If the selector pins `key` to one value (=, ==, or `in` with one value), that value. */
export function requiresExactMatch(selector: Selector, key: string): string | undefined {
  if (selector.kind === 'nothing') return undefined;
  const r = selector.requirements.find((q) => q.key === key);
  if (r === undefined || !['=', '==', 'in'].includes(r.operator) || r.values.length !== 1) return undefined;
  return r.values[0];
}
