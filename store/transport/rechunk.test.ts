import { describe, expect, it } from 'vitest';
import { rechunk } from './rechunk.js';

async function* from(pieces: Uint8Array[], onClose?: () => void): AsyncGenerator<Uint8Array> {
  try {
    yield* pieces;
  } finally {
    onClose?.();
  }
}

const counting = (length: number, start = 0): Uint8Array => Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const piece of source) out.push(piece);
  return out;
}

describe('rechunk', () => {
  it('cuts large pieces into views of exactly the size, the remainder last', async () => {
    const big = counting(10);
    const out = await collect(rechunk(from([big]), 4));
    expect(out.map((p) => [...p])).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    // Views, not copies: a full-size piece costs nothing.
    expect(out[0]!.buffer).toBe(big.buffer);
  });

  it('gathers small pieces into full chunks, in order, without losing a byte at any boundary', async () => {
    const pieces = [counting(1, 0), counting(2, 1), counting(5, 3), counting(0), counting(3, 8), counting(9, 11)];
    const out = await collect(rechunk(from(pieces), 4));
    expect(out.map((p) => p.length)).toEqual([4, 4, 4, 4, 4]);
    expect(Buffer.concat(out)).toEqual(Buffer.from(counting(20)));
  });

  it('yields nothing for an empty source', async () => {
    expect(await collect(rechunk(from([]), 4))).toEqual([]);
  });

  it('closes the source when its consumer stops early', async () => {
    let closed = false;
    for await (const _piece of rechunk(from([counting(8), counting(8)], () => (closed = true)), 4)) break;
    expect(closed).toBe(true);
  });

  it('refuses what is not bytes and a size that cannot work', async () => {
    await expect(collect(rechunk(from(['text' as unknown as Uint8Array]), 4))).rejects.toThrow(TypeError);
    await expect(collect(rechunk(from([]), 0))).rejects.toThrow(RangeError);
  });
});
