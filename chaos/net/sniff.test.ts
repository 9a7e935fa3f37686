import { describe, expect, test } from 'vitest';
import { encodeDiscoveryRequest } from '../../store/transport/discover.js';
import { encodeFrame } from '../../store/transport/frame-codec.js';
import { encodeHandshake, PEER_PROTOCOL } from '../../store/transport/handshake.js';
import { packBody } from '../../store/transport/msgpack-body.js';
import { normalizeMemberId, sniffSource, SourceTracker, type Attributed } from './sniff.js';

const memberId = 0x8e9e05c52164694dn; // an etcd-sized id: above 2^53, so only bigint holds it
const yawlId = 0x1f2e3d4c5b6a7; // yawl ids are safe integers

function yawlHandshake(from = yawlId): Buffer {
  return encodeFrame(encodeHandshake({ protocol: PEER_PROTOCOL, clusterId: 'c1', from, to: 2, channel: 'stream' }));
}

function etcdStreamGet(from: string, to = '2'): Buffer {
  return Buffer.from(
    `GET /raft/stream/msgapp/${from} HTTP/1.1\r\nHost: 127.0.0.1:2380\r\nUser-Agent: Go-http-client/1.1\r\n` +
      `X-Etcd-Cluster-Id: cdf818194e3a8c32\r\nX-Raft-To: ${to}\r\nX-Server-From: ${from}\r\nX-Server-Version: 3.4.23\r\n` +
      `Accept-Encoding: gzip\r\n\r\n`,
    'latin1',
  );
}

function etcdPost(from: string, body: Buffer): Buffer {
  const head = `POST /raft HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\nContent-Type: application/protobuf\r\nX-Server-From: ${from}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

const probe = Buffer.from('GET /raft/probing HTTP/1.1\r\nHost: 127.0.0.1:2380\r\nUser-Agent: Go-http-client/1.1\r\n\r\n', 'latin1');

/** Feeds `bytes` in pieces of `size` and returns what came out, merged into runs per source. */
function track(bytes: Buffer, size: number, tracker = new SourceTracker()): Attributed[] {
  const out: Attributed[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...tracker.push(bytes.subarray(i, i + size)));
  const merged: Attributed[] = [];
  for (const part of out) {
    const last = merged[merged.length - 1];
    if (last && last.source === part.source) merged[merged.length - 1] = { bytes: Buffer.concat([last.bytes, part.bytes]), source: part.source };
    else merged.push(part);
  }
  return merged;
}

describe('normalizeMemberId', () => {
  test('one spelling for bigint, number and hex strings', () => {
    expect(normalizeMemberId(memberId)).toBe('8e9e05c52164694d');
    expect(normalizeMemberId('8E9E05C52164694D')).toBe('8e9e05c52164694d');
    expect(normalizeMemberId('0x00ab')).toBe('ab');
    expect(normalizeMemberId(255)).toBe('ff');
    expect(normalizeMemberId('0')).toBe('0');
    expect(() => normalizeMemberId('xyz')).toThrow();
  });
});

describe('sniffSource', () => {
  test('a yawl handshake names its sender by numeric id, in hex', () => {
    expect(sniffSource(yawlHandshake())).toBe(yawlId.toString(16));
  });

  test('a yawl handshake cut short asks for more bytes, at every cut', () => {
    const frame = yawlHandshake();
    for (let n = 0; n < frame.length; n++) expect(sniffSource(frame.subarray(0, n))).toBe('need-more-bytes');
  });

  test('a yawl id beyond 2^53 (a bigint in msgpack) is still named', () => {
    expect(sniffSource(encodeFrame(packBody({ protocol: PEER_PROTOCOL, from: memberId })))).toBe('8e9e05c52164694d');
  });

  test('yawl frames that name nobody are unknown', () => {
    expect(sniffSource(encodeDiscoveryRequest())).toBe('unknown');
    expect(sniffSource(encodeFrame(packBody([1, 2, 3])))).toBe('unknown');
    expect(sniffSource(encodeFrame(Buffer.from([0xc1])))).toBe('unknown'); // not msgpack
    expect(sniffSource(encodeFrame(packBody({ from: -4 })))).toBe('unknown');
  });

  test('a frame longer than the limit is unknown without waiting for it', () => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(1 << 20);
    expect(sniffSource(header)).toBe('unknown');
  });

  test('etcd requests name their sender in X-Server-From, in any header case', () => {
    expect(sniffSource(etcdStreamGet('8e9e05c52164694d'))).toBe('8e9e05c52164694d');
    expect(sniffSource(etcdPost('91bc3c398fb3c146', Buffer.alloc(10)))).toBe('91bc3c398fb3c146');
    expect(sniffSource(Buffer.from('POST /raft/snapshot HTTP/1.1\r\nx-server-from: ABC\r\n\r\n'))).toBe('abc');
  });

  test('an HTTP head cut short asks for more; a complete one without X-Server-From is unknown', () => {
    const get = etcdStreamGet('8e9e05c52164694d');
    for (let n = 0; n < get.length; n++) expect(sniffSource(get.subarray(0, n))).toBe('need-more-bytes');
    expect(sniffSource(probe)).toBe('unknown');
    expect(sniffSource(Buffer.from('GET /version HTTP/1.1\r\nHost: x\r\n\r\n'))).toBe('unknown');
  });

  test('bytes of neither protocol, and heads beyond the limit, are unknown', () => {
    expect(sniffSource(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]))).toBe('unknown'); // a TLS hello
    expect(sniffSource(Buffer.from(`GET / HTTP/1.1\r\nX-Pad: ${'a'.repeat(20_000)}`))).toBe('unknown');
    expect(sniffSource(Buffer.from(`GET / HTTP/1.1\r\nX-Pad: ${'a'.repeat(200)}`), 100)).toBe('unknown');
  });
});

describe('SourceTracker', () => {
  test('yawl: holds the first frame until complete, then everything is the sender', () => {
    const bytes = Buffer.concat([yawlHandshake(), encodeFrame(Buffer.from('message one')), encodeFrame(Buffer.from('two'))]);
    for (const size of [1, 3, 7, 64, 4096]) {
      const out = track(bytes, size);
      expect(out).toHaveLength(1);
      expect(out[0]!.source).toBe(yawlId.toString(16));
      expect(out[0]!.bytes.equals(bytes)).toBe(true);
    }
  });

  test('yawl discovery: anonymous from the start, nothing held', () => {
    const tracker = new SourceTracker();
    const out = tracker.push(encodeDiscoveryRequest());
    expect(out.map((p) => p.source)).toEqual([undefined]);
    expect(tracker.settled).toBe(true);
    expect(tracker.heldBytes).toBe(0);
  });

  test('etcd: an anonymous probe first, then Raft traffic on the same kept-alive connection', () => {
    const body = Buffer.from('raft message bytes, with a \r\n\r\n inside that is not a head end');
    const bytes = Buffer.concat([probe, probe, etcdPost('abc123', body), etcdStreamGet('abc123')]);
    for (const size of [1, 2, 5, 13, 100, 10_000]) {
      const tracker = new SourceTracker();
      const out = track(bytes, size, tracker);
      expect(out.map((p) => p.source)).toEqual([undefined, 'abc123']);
      expect(out[0]!.bytes.equals(Buffer.concat([probe, probe]))).toBe(true);
      expect(Buffer.concat(out.map((p) => p.bytes)).equals(bytes)).toBe(true);
      expect(tracker.source).toBe('abc123');
    }
  });

  test('etcd: an anonymous request with a counted body is skipped by its Content-Length', () => {
    // The body contains what looks like a head naming someone: it must not be taken for one.
    const trap = Buffer.from('GET /x HTTP/1.1\r\nX-Server-From: bad\r\n\r\n');
    const anon = Buffer.concat([Buffer.from(`POST /members HTTP/1.1\r\nContent-Length: ${trap.length}\r\n\r\n`), trap]);
    const bytes = Buffer.concat([anon, etcdStreamGet('f00d')]);
    for (const size of [1, 4, 33, 1000]) {
      const out = track(bytes, size);
      expect(out.map((p) => p.source)).toEqual([undefined, 'f00d']);
      expect(out[0]!.bytes.equals(anon)).toBe(true);
    }
  });

  test('etcd: a body we cannot measure makes the rest of the connection anonymous', () => {
    const chunked = Buffer.from('POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
    const out = track(Buffer.concat([chunked, etcdStreamGet('f00d')]), 7);
    expect(out.map((p) => p.source)).toEqual([undefined]);
  });

  test('holds no more than the limit', () => {
    const tracker = new SourceTracker(64);
    expect(tracker.push(Buffer.from('GET / HTTP/1.1\r\nX-Pad: '))).toEqual([]);
    const out = tracker.push(Buffer.from('a'.repeat(100)));
    expect(tracker.settled).toBe(true);
    expect(Buffer.concat(out.map((p) => p.bytes)).toString()).toBe(`GET / HTTP/1.1\r\nX-Pad: ${'a'.repeat(100)}`);
  });

  test('flush hands over an incomplete head as anonymous bytes', () => {
    const tracker = new SourceTracker();
    expect(tracker.push(Buffer.from('GET /raft/str'))).toEqual([]);
    expect(tracker.flush().map((p) => [p.bytes.toString(), p.source])).toEqual([['GET /raft/str', undefined]]);
    expect(tracker.flush()).toEqual([]);
  });
});
