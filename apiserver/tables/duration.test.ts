import { describe, expect, it } from 'vitest';
import { humanDuration, since } from './duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration (duration.HumanDuration)', () => {
  const cases: [number, string][] = [
    [-5 * S, '<invalid>'],
    [-1500, '0s'],
    [0, '0s'],
    [5 * S, '5s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 10 * S, '3m10s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 5 * M, '3h5m'],
    [8 * H + 5 * M, '8h'],
    [47 * H, '47h'],
    [2 * D + 3 * H, '2d3h'],
    [7 * D, '7d'],
    [8 * D + 5 * H, '8d'],
    [729 * D, '729d'],
    [2 * 365 * D + 10 * D, '2y10d'],
    [3 * 365 * D, '3y'],
    [9 * 365 * D + 40 * D, '9y'],
  ];
  it.each(cases)('%d ms -> %s', (ms, want) => expect(humanDuration(ms)).toBe(want));
  it('since', () => {
    expect(since(undefined, 0)).toBe('<unknown>');
    expect(since('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:03:10Z'))).toBe('3m10s');
  });
});
