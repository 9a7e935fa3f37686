// resource.Quantity: "100m", "1.5", "1Gi", "500Mi", "2e3", "1k". Values are kept exactly, in nano-units (bigint),
// rounded away from zero to the nano as Kubernetes does. Formatting follows Quantity.String(): the suffix family
// the value was written in (decimal SI, binary SI or decimal exponent), with the largest suffix that keeps the
// mantissa an integer, so "1024Mi" prints "1Gi", "0.5" prints "500m" and "1000" prints "1k".

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value times 10^9. */
  readonly nanos: bigint;
  readonly format: QuantityFormat;
}

export const QUANTITY_REGEX = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/** The apiserver's message for a malformed quantity (resource.ErrFormatWrong). */
export const QUANTITY_FORMAT_ERROR = `quantities must match the regular expression '${QUANTITY_REGEX}'`;

export class QuantityError extends Error {
  constructor(readonly input: string) {
    super(QUANTITY_FORMAT_ERROR);
    this.name = 'QuantityError';
  }
}

const NANO = 1_000_000_000n;
const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e / 10, s]));

/** Parses a quantity; a JSON number is read as its decimal text. Throws QuantityError when malformed. */
export function parseQuantity(input: string | number): Quantity {
  const text = typeof input === 'number' ? numberText(input) : input;
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(text);
  if (!m || text.length === 0) throw new QuantityError(text);
  const [, sign, whole = '', frac = '', suffix = ''] = m;
  if (whole === '' && frac === '') throw new QuantityError(text);

  let format: QuantityFormat;
  let decExp = 0; // power of ten applied
  let binExp = 0; // power of two applied
  if (suffix in DECIMAL_SUFFIXES) {
    format = 'DecimalSI';
    decExp = DECIMAL_SUFFIXES[suffix]!;
  } else if (suffix in BINARY_SUFFIXES) {
    format = 'BinarySI';
    binExp = BINARY_SUFFIXES[suffix]!;
  } else {
    const e = /^[eE]([+-]?[0-9]+)$/.exec(suffix);
    if (!e) throw new QuantityError(text);
    format = 'DecimalExponent';
    decExp = Number(e[1]);
    if (!Number.isSafeInteger(decExp) || Math.abs(decExp) > 1000) throw new QuantityError(text);
  }

  // value = digits × 10^(decExp − frac.length) × 2^binExp; in nanos multiply by 10^9.
  let num = BigInt(`${whole}${frac}` || '0') * (1n << BigInt(binExp));
  let den = 1n;
  const exp10 = decExp - frac.length + 9;
  if (exp10 >= 0) num *= 10n ** BigInt(exp10);
  else den = 10n ** BigInt(-exp10);
  let nanos = num / den;
  if (nanos * den !== num) nanos += 1n; // round away from zero (magnitude is still positive here)
  return { nanos: sign === '-' ? -nanos : nanos, format };
}

export function tryParseQuantity(input: unknown): Quantity | undefined {
  if (typeof input !== 'string' && typeof input !== 'number') return undefined;
  try {
    return parseQuantity(input);
  } catch {
    return undefined;
  }
}

/** Quantity.String(): the canonical text. */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return '0';
  const negative = q.nanos < 0n;
  const abs = negative ? -q.nanos : q.nanos;
  const sign = negative ? '-' : '';
  if (q.format === 'BinarySI' && abs >= 1024n * NANO && abs % NANO === 0n) {
    let units = abs / NANO;
    let exp = 0;
    while (exp < 6 && units % 1024n === 0n) {
      units /= 1024n;
      exp++;
    }
    return `${sign}${units}${BINARY_BY_EXPONENT.get(exp) ?? ''}`;
  }
  let mantissa = abs;
  let exp = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exp++;
  }
  const rem = ((exp % 3) + 3) % 3;
  mantissa *= 10n ** BigInt(rem);
  exp -= rem;
  if (q.format === 'DecimalExponent') return `${sign}${mantissa}${exp === 0 ? '' : `e${exp}`}`;
  const suffix = DECIMAL_BY_EXPONENT.get(exp);
  return `${sign}${mantissa}${suffix ?? `e${exp}`}`;
}

/** The canonical text of a quantity string or number ("1024Mi" → "1Gi"); throws QuantityError when malformed. */
export function canonicalQuantity(input: string | number): string {
  return formatQuantity(parseQuantity(input));
}

export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos + b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos - b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

/** MilliValue(): the value in thousandths, rounded up (CPU in millicores). */
export function milliValue(q: Quantity): bigint {
  return ceilDiv(q.nanos, 1_000_000n);
}

/** Value(): the value in whole units, rounded up (memory in bytes). */
export function integerValue(q: Quantity): bigint {
  return ceilDiv(q.nanos, NANO);
}

export function quantityFromMilli(milli: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nanos: BigInt(milli) * 1_000_000n, format };
}

export function quantityFromInt(value: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nanos: BigInt(value) * NANO, format };
}

/** An approximate float, for display and scoring. */
export function quantityToNumber(q: Quantity): number {
  return Number(q.nanos) / 1e9;
}

function ceilDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d > 0n ? q + 1n : q;
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  // Go reads the JSON token's text; JavaScript's shortest round-trip form is the closest equivalent.
  const s = String(n);
  return s.includes('e') ? s.replace('e+', 'e') : s;
}
