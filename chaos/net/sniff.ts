// Who dialed a peer connection, read from the first bytes the dialer sends. Nothing is consumed: the proxy holds
// the bytes while it looks, then forwards them unchanged.
//
// etcd peers speak HTTP/1.1 and name themselves in an `X-Server-From: <hex member id>` header on stream GETs,
// pipeline POSTs and snapshot POSTs; /raft/probing, /version and /members requests carry none. Go's HTTP client
// keeps connections alive and etcd's probers share the round trippers with the streams and the pipeline, so an
// anonymous probe can be the FIRST request on a connection that then carries Raft traffic. Reading only the first
// request would leave such a connection unidentified (and never blocked), so SourceTracker keeps reading request
// heads until one names its sender; a TCP connection has one dialer process, so that identity then holds for the
// rest of the connection.
//
// yawl peers send one frame first: a 4-byte big-endian length and a msgpack map with `from` (a numeric member id,
// whose hex form is the id etcdctl prints); see store/transport/handshake.ts. Discovery requests name nobody.
import { FRAME_HEADER_BYTES } from '../../store/transport/frame-codec.js';
import { unpackBody } from '../../store/transport/msgpack-body.js';

/** How much a sniffer holds back before it gives up and calls the dialer unknown. */
export const SNIFF_LIMIT_BYTES = 16 * 1024;

/** A hex member id (lowercase, no leading zeros), 'unknown', or 'need-more-bytes'. */
export type SniffResult = string;
export const UNKNOWN = 'unknown';
export const NEED_MORE_BYTES = 'need-more-bytes';

/** One spelling for member ids, whatever form they come in (Status's bigint, etcdctl's hex, yawl's number). */
export function normalizeMemberId(id: bigint | number | string): string {
  if (typeof id === 'bigint') return id.toString(16);
  if (typeof id === 'number') {
    if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`member id ${id} is not a whole number`);
    return id.toString(16);
  }
  const hex = id.trim().toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]+$/.test(hex)) throw new RangeError(`member id ${JSON.stringify(id)} is not hex`);
  return hex.replace(/^0+(?=.)/, '');
}

/**
 * Who sent the first request or frame in `bytes`: a hex member id, 'unknown' (a complete first request or frame
 * names nobody, the bytes are neither protocol, or more than `limit` bytes did not settle it) or 'need-more-bytes'.
 */
export function sniffSource(bytes: Buffer, limit = SNIFF_LIMIT_BYTES): SniffResult {
  if (bytes.length === 0) return NEED_MORE_BYTES;
  if (looksLikeHttp(bytes[0]!)) {
    const head = findHead(bytes, 0, limit);
    if (head === undefined) return bytes.length >= limit ? UNKNOWN : NEED_MORE_BYTES;
    if (head === 'too-long') return UNKNOWN;
    return parseHead(bytes.subarray(0, head)).serverFrom ?? UNKNOWN;
  }
  return sniffYawlFrame(bytes, limit);
}

/** An HTTP request starts with a method token in capitals; a yawl frame with a length that is far smaller. */
function looksLikeHttp(firstByte: number): boolean {
  return firstByte >= 0x41 && firstByte <= 0x5a;
}

function sniffYawlFrame(bytes: Buffer, limit: number): SniffResult {
  if (bytes.length < FRAME_HEADER_BYTES) return NEED_MORE_BYTES;
  const length = bytes.readUInt32BE(0);
  if (length > limit - FRAME_HEADER_BYTES) return UNKNOWN;
  if (bytes.length < FRAME_HEADER_BYTES + length) return NEED_MORE_BYTES;
  const unpacked = unpackBody(bytes.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + length));
  if (unpacked.kind === 'malformed') return UNKNOWN;
  const value = unpacked.value as { from?: unknown } | null;
  if (typeof value !== 'object' || value === null) return UNKNOWN;
  const from = value.from;
  if (typeof from === 'number' && Number.isSafeInteger(from) && from > 0) return normalizeMemberId(from);
  if (typeof from === 'bigint' && from > 0n) return normalizeMemberId(from);
  return UNKNOWN;
}

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/** The length of the request head (through the blank line) starting at `start`; undefined if not all in yet. */
function findHead(bytes: Buffer, start: number, limit: number, searchFrom = start): number | 'too-long' | undefined {
  const at = bytes.indexOf(HEAD_END, Math.max(start, searchFrom));
  if (at < 0) return bytes.length - start > limit ? 'too-long' : undefined;
  const length = at + HEAD_END.length - start;
  return length > limit ? 'too-long' : length;
}

interface RequestHead {
  serverFrom?: string;
  /** Body bytes after the head; undefined when the body's end cannot be found by counting (chunked, upgrades). */
  bodyLength: number | undefined;
}

function parseHead(head: Buffer): RequestHead {
  const lines = head.toString('latin1').split('\r\n');
  let serverFrom: string | undefined;
  let contentLength = 0;
  let countable = true;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-server-from') {
      try {
        serverFrom = normalizeMemberId(value);
      } catch {
        // not an id: the request stays anonymous
      }
    } else if (name === 'content-length') {
      const n = Number(value);
      if (Number.isSafeInteger(n) && n >= 0) contentLength = n;
      else countable = false;
    } else if (name === 'transfer-encoding' || name === 'upgrade') {
      countable = false;
    }
  }
  const result: RequestHead = { bodyLength: countable ? contentLength : undefined };
  if (serverFrom !== undefined) result.serverFrom = serverFrom;
  return result;
}

/** Bytes to pass on, with the hex id of the dialer they were sent by, or undefined if it is not known. */
export interface Attributed {
  readonly bytes: Buffer;
  readonly source: string | undefined;
}

type TrackerMode =
  /** Nothing decided: bytes are held. */
  | { kind: 'start' }
  /** HTTP with no identity yet: request heads are held until complete, bodies pass as anonymous. */
  | { kind: 'http'; bodyRemaining: number }
  /** Settled for the rest of the connection. */
  | { kind: 'fixed'; source: string | undefined };

/**
 * Follows one connection's dialer->server bytes and attributes them to a dialer. Bytes are only held while a
 * decision is pending (a yawl first frame or an HTTP request head that is not complete yet), at most `limit` of
 * them; every byte pushed comes out exactly once and in order.
 */
export class SourceTracker {
  private mode: TrackerMode = { kind: 'start' };
  private held: Buffer = Buffer.alloc(0);

  constructor(private readonly limit = SNIFF_LIMIT_BYTES) {}

  /** The dialer's hex id once some bytes named it. */
  get source(): string | undefined {
    return this.mode.kind === 'fixed' ? this.mode.source : undefined;
  }

  /** True once no later bytes can change the attribution. */
  get settled(): boolean {
    return this.mode.kind === 'fixed';
  }

  /** Bytes being held back while the tracker waits for more. */
  get heldBytes(): number {
    return this.held.length;
  }

  push(chunk: Buffer): Attributed[] {
    if (this.mode.kind === 'fixed') return chunk.length > 0 ? [{ bytes: chunk, source: this.mode.source }] : [];
    const previous = this.held.length;
    this.held = previous === 0 ? chunk : Buffer.concat([this.held, chunk]);
    const out: Attributed[] = [];
    if (this.mode.kind === 'start') {
      if (this.held.length === 0) return out;
      if (looksLikeHttp(this.held[0]!)) {
        this.mode = { kind: 'http', bodyRemaining: 0 };
      } else {
        const sniffed = sniffYawlFrame(this.held, this.limit);
        if (sniffed === NEED_MORE_BYTES) return out;
        return this.settle(sniffed === UNKNOWN ? undefined : sniffed, out);
      }
    }
    return this.scanHttp(out, previous);
  }

  /** The dialer has no more to say: whatever is held (an incomplete frame or head) goes on as anonymous bytes. */
  flush(): Attributed[] {
    if (this.mode.kind === 'fixed') return [];
    return this.settle(undefined, []);
  }

  private settle(source: string | undefined, out: Attributed[]): Attributed[] {
    this.mode = { kind: 'fixed', source };
    if (this.held.length > 0) out.push({ bytes: this.held, source });
    this.held = Buffer.alloc(0);
    return out;
  }

  /** Walks `held` request by request; `searchFrom` skips the part of a head already searched for its end. */
  private scanHttp(out: Attributed[], searchFrom: number): Attributed[] {
    const mode = this.mode as Extract<TrackerMode, { kind: 'http' }>;
    let offset = 0;
    for (;;) {
      if (mode.bodyRemaining > 0) {
        const n = Math.min(mode.bodyRemaining, this.held.length - offset);
        if (n > 0) out.push({ bytes: this.held.subarray(offset, offset + n), source: undefined });
        offset += n;
        mode.bodyRemaining -= n;
        searchFrom = offset;
        if (mode.bodyRemaining > 0) break;
      }
      if (offset === this.held.length) break;
      const head = findHead(this.held, offset, this.limit, Math.max(offset, searchFrom - 3));
      if (head === undefined) break;
      if (head === 'too-long') {
        this.held = this.held.subarray(offset);
        return this.settle(undefined, out);
      }
      const parsed = parseHead(this.held.subarray(offset, offset + head));
      if (parsed.serverFrom !== undefined) {
        this.held = this.held.subarray(offset);
        return this.settle(parsed.serverFrom, out);
      }
      out.push({ bytes: this.held.subarray(offset, offset + head), source: undefined });
      offset += head;
      searchFrom = offset;
      if (parsed.bodyLength === undefined) {
        // A body we cannot measure (chunked, an upgrade): we would lose track of where the next request starts.
        this.held = this.held.subarray(offset);
        return this.settle(undefined, out);
      }
      mode.bodyRemaining = parsed.bodyLength;
    }
    this.held = this.held.subarray(offset);
    if (this.held.length > this.limit) return this.settle(undefined, out);
    // Keep our own copy of a partial head, so the socket's chunk behind it is not pinned.
    if (this.held.length > 0 && offset > 0) this.held = Buffer.from(this.held);
    return out;
  }
}
