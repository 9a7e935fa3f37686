import { describe, expect, test } from 'vitest';
import { advance, describeRev, initialClock, observe, pin, settle, type RevisionClock } from './revisions.js';

function at(floor: number): RevisionClock {
  return { floor, unknowns: [] };
}

describe('revision clock', () => {
  test('reads never go back; writes always go forward', () => {
    expect(observe(at(7), 7)).toEqual(at(7));
    expect(observe(at(7), 9)).toEqual(at(9));
    expect(observe(at(7), 6)).toBeUndefined();
    expect(advance(at(7), 8)).toEqual({ clock: at(8), rev: 8 });
    expect(advance(at(7), 7)).toBeUndefined();
  });

  test('the worked example: an unknown write bounded, then pinned', () => {
    // Floor 7; an unknown put U makes (7, ∞] and floor 8.
    const unknown = advance(at(7), undefined)!;
    expect(unknown.rev).toBe(-1);
    expect(unknown.clock).toEqual({ floor: 8, unknowns: [{ above: 7, atMost: Infinity }] });
    expect(describeRev(unknown.clock, unknown.rev)).toBe('?(8..)');
    // A put answered with 12 caps U to (7, 11].
    const known = advance(unknown.clock, 12)!;
    expect(known.clock.unknowns).toEqual([{ above: 7, atMost: 11 }]);
    // The unknown write took one revision, so the next one is at least 9.
    expect(advance(unknown.clock, 8)).toBeUndefined();
    // A read pins U to 9; 12 or 7 would not fit.
    expect(pin(known.clock, unknown.rev, 12)).toBeUndefined();
    expect(pin(known.clock, unknown.rev, 7)).toBeUndefined();
    const pinned = pin(known.clock, unknown.rev, 9)!;
    expect(pinned.unknowns).toEqual([{ above: 8, atMost: 9 }]);
    // Settling turns the pinned unknown into a plain number.
    const { clock, rename } = settle(pinned, [unknown.rev]);
    expect(clock.unknowns).toEqual([]);
    expect(rename(unknown.rev)).toBe(9);
  });

  test('pinning one unknown bounds the others by their order', () => {
    const first = advance(at(3), undefined)!;
    const second = advance(first.clock, undefined)!;
    const pinned = pin(second.clock, second.rev, 6)!;
    expect(pinned.unknowns[0]).toEqual({ above: 3, atMost: 5 });
    // The first is below the second, so it cannot be pinned at or above 6.
    expect(pin(pinned, first.rev, 6)).toBeUndefined();
    expect(pin(pinned, first.rev, 5)).toBeDefined();
    // And pinning the first above where the second is already pinned fails.
    expect(pin(second.clock, first.rev, 10) && pin(pin(second.clock, first.rev, 10)!, second.rev, 9)).toBeUndefined();
  });

  test('a read bounds unknowns made before it from above', () => {
    const unknown = advance(at(3), undefined)!;
    const read = observe(unknown.clock, 5)!;
    expect(read.unknowns).toEqual([{ above: 3, atMost: 5 }]);
    expect(observe(unknown.clock, 3)).toBeUndefined();
  });

  test('settle drops unknowns nothing refers to and renumbers the rest', () => {
    const a = advance(initialClock, undefined)!;
    const b = advance(a.clock, undefined)!;
    const { clock, rename } = settle(b.clock, [b.rev]);
    expect(clock.unknowns).toEqual([{ above: 1, atMost: Infinity }]);
    expect(rename(b.rev)).toBe(-1);
    expect(rename(17)).toBe(17);
  });
});
