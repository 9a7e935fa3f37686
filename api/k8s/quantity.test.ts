import { describe, expect, it } from 'vitest';
import {
  QUANTITY_FORMAT_ERROR,
  addQuantities,
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  integerValue,
  milliValue,
  parseQuantity,
  quantityFromMilli,
  tryParseQuantity,
} from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['100m', 100_000_000n, 'DecimalSI'],
    ['1.5', 1_500_000_000n, 'DecimalSI'],
    ['1', 1_000_000_000n, 'DecimalSI'],
    ['1k', 1_000_000_000_000n, 'DecimalSI'],
    ['1Gi', 1_073_741_824_000_000_000n, 'BinarySI'],
    ['500Mi', 524_288_000_000_000_000n, 'BinarySI'],
    ['2e3', 2_000_000_000_000n, 'DecimalExponent'],
    ['2E-3', 2_000_000n, 'DecimalExponent'],
    ['1E', 1_000_000_000_000_000_000_000_000_000n, 'DecimalSI'],
    ['.5', 500_000_000n, 'DecimalSI'],
    ['5.', 5_000_000_000n, 'DecimalSI'],
    ['-1.5Gi', -1_610_612_736_000_000_000n, 'BinarySI'],
    ['+3n', 3n, 'DecimalSI'],
    ['0.1n', 1n, 'DecimalSI'],
    ['-0.1n', -1n, 'DecimalSI'],
    ['1u', 1000n, 'DecimalSI'],
  ])('%s = %s nanos (%s)', (text, nanos, format) => {
    expect(parseQuantity(text)).toEqual({ nanos, format });
  });

  it('reads JSON numbers', () => {
    expect(parseQuantity(0.5).nanos).toBe(500_000_000n);
    expect(parseQuantity(2).nanos).toBe(2_000_000_000n);
  });

  it.each(['', 'abc', '1K', '1.5.5', 'Gi', '.', '1Gib', '1 Gi', '1e', '--1', '1mi'])('rejects %j', (text) => {
    expect(() => parseQuantity(text)).toThrow(QUANTITY_FORMAT_ERROR);
    expect(tryParseQuantity(text)).toBeUndefined();
  });
});

describe('formatQuantity (canonical form)', () => {
  it.each([
    ['100m', '100m'],
    ['0.1', '100m'],
    ['1.5', '1500m'],
    ['1000m', '1'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['12000', '12k'],
    ['1k', '1k'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['500Mi', '500Mi'],
    ['0.5Ki', '512'],
    ['1536', '1536'],
    ['2e3', '2e3'],
    ['1e3', '1e3'],
    ['12e2', '1200'],
    ['1e-3', '1e-3'],
    ['0', '0'],
    ['0Gi', '0'],
    ['-100m', '-100m'],
    ['1.0001m', '1000100n'],
    ['0.00000000001', '1n'],
    ['128974848', '128974848'],
    ['129e6', '129e6'],
    ['129M', '129M'],
    ['123Mi', '123Mi'],
  ])('%s → %s', (text, canonical) => {
    expect(canonicalQuantity(text)).toBe(canonical);
  });
});

describe('arithmetic', () => {
  it('compares across formats', () => {
    expect(compareQuantities(parseQuantity('1Gi'), parseQuantity('1073741824'))).toBe(0);
    expect(compareQuantities(parseQuantity('500m'), parseQuantity('1'))).toBe(-1);
    expect(compareQuantities(parseQuantity('1k'), parseQuantity('999'))).toBe(1);
  });

  it('gives milli and integer values rounded up', () => {
    expect(milliValue(parseQuantity('1.5'))).toBe(1500n);
    expect(milliValue(parseQuantity('1n'))).toBe(1n);
    expect(integerValue(parseQuantity('1.5'))).toBe(2n);
    expect(integerValue(parseQuantity('1Ki'))).toBe(1024n);
    expect(formatQuantity(addQuantities(parseQuantity('250m'), parseQuantity('750m')))).toBe('1');
    expect(formatQuantity(quantityFromMilli(2500))).toBe('2500m');
  });
});
