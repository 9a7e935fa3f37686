import { describe, expect, it } from 'vitest';
import { encodeFrame, encodeFrameHeader, FrameDecoder, type NextFrame } from './frame-codec.js';

function drain(decoder: FrameDecoder): NextFrame[] {
  const out: NextFrame[] = [];
  for (;;) {
    const next = decoder.next();
    if (next.kind === 'incomplete') return out;
    out.push(next);
    if (next.kind === 'tooLarge') return out;
  }
}

const bodies = (frames: NextFrame[]): string[] => frames.map((f) => (f.kind === 'frame' ? f.body.toString() : f.kind));

describe('frame codec', () => {
  it('prefixes the body with its length as 4 big-endian bytes', () => {
    expect(encodeFrame(Buffer.from('abc')).toString('hex')).toBe('00000003' + '616263');
    expect(encodeFrameHeader(0x01020304).toString('hex')).toBe('01020304');
    expect(encodeFrame(new Uint8Array(0)).toString('hex')).toBe('00000000');
  });

  it('refuses a body length the prefix cannot hold', () => {
    expect(() => encodeFrameHeader(2 ** 32)).toThrow(RangeError);
    expect(() => encodeFrameHeader(-1)).toThrow(RangeError);
  });

  it('returns several frames that arrive in one chunk, in order, including empty ones', () => {
    const decoder = new FrameDecoder(100);
    decoder.push(Buffer.concat([encodeFrame(Buffer.from('one')), encodeFrame(Buffer.alloc(0)), encodeFrame(Buffer.from('three'))]));
    expect(bodies(drain(decoder))).toEqual(['one', '', 'three']);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('reassembles a frame split at every possible byte, header included', () => {
    const stream = Buffer.concat([encodeFrame(Buffer.from('hello, peer')), encodeFrame(Buffer.from('second'))]);
    for (let cut = 1; cut < stream.length; cut++) {
      const decoder = new FrameDecoder(100);
      decoder.push(stream.subarray(0, cut));
      const first = drain(decoder);
      decoder.push(stream.subarray(cut));
      expect(bodies([...first, ...drain(decoder)])).toEqual(['hello, peer', 'second']);
    }
  });

  it('reassembles frames fed one byte at a time', () => {
    const stream = Buffer.concat([encodeFrame(Buffer.from('a')), encodeFrame(Buffer.from('bcd')), encodeFrame(Buffer.alloc(0))]);
    const decoder = new FrameDecoder(100);
    const out: NextFrame[] = [];
    for (const byte of stream) {
      decoder.push(Buffer.from([byte]));
      out.push(...drain(decoder));
    }
    expect(bodies(out)).toEqual(['a', 'bcd', '']);
  });

  it('keeps the bytes of a large frame intact across many chunks, with one frame following in the last chunk', () => {
    const big = Buffer.alloc(1_000_003);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const stream = Buffer.concat([encodeFrame(big), encodeFrame(Buffer.from('tail'))]);
    const decoder = new FrameDecoder(2_000_000);
    const out: NextFrame[] = [];
    for (let offset = 0; offset < stream.length; offset += 65_536) {
      decoder.push(stream.subarray(offset, offset + 65_536));
      out.push(...drain(decoder));
    }
    expect(out).toHaveLength(2);
    expect(out[0]!.kind === 'frame' && out[0]!.body.equals(big)).toBe(true);
    expect(bodies(out.slice(1))).toEqual(['tail']);
  });

  it('reports an oversized frame as soon as its header arrives, and stays failed', () => {
    const decoder = new FrameDecoder(10);
    decoder.push(Buffer.concat([encodeFrame(Buffer.from('ok')), encodeFrameHeader(11)]));
    expect(drain(decoder)).toEqual([
      { kind: 'frame', body: Buffer.from('ok') },
      { kind: 'tooLarge', length: 11, limit: 10 },
    ]);
    decoder.push(encodeFrame(Buffer.from('later')));
    expect(decoder.next()).toEqual({ kind: 'tooLarge', length: 11, limit: 10 });
  });

  it('applies a changed limit from the next frame on, so a small handshake can precede a large body', () => {
    const decoder = new FrameDecoder(4);
    decoder.push(Buffer.concat([encodeFrame(Buffer.from('hand')), encodeFrame(Buffer.from('larger body'))]));
    expect(bodies([decoder.next()])).toEqual(['hand']);
    decoder.setMaxBodyBytes(100);
    expect(bodies([decoder.next()])).toEqual(['larger body']);
  });
});
