// Stand-ins for a peer in socket tests: a raw client speaking the protocol by hand, a member that accepts and
// then stops reading, and a proxy that can hold a snapshot connection mid-transfer.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { encodeFrame, FrameDecoder } from './frame-codec.js';
import { decodeHandshake, encodeHandshake, encodeHandshakeReply, MAX_CONTROL_FRAME_BYTES, PEER_PROTOCOL, type Handshake } from './handshake.js';

async function listenOnFreePort(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  const closed = [...sockets].map((s) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve()))));
  for (const socket of sockets) socket.destroy();
  await Promise.all([...closed, new Promise<void>((resolve) => server.close(() => resolve()))]);
}

function trackConnections(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

/** A raw connection to a transport, for sending what a well-behaved member never would. */
export async function rawConnection(port: number): Promise<{ socket: Socket; closed: Promise<void>; received: Buffer[] }> {
  const socket = connect({ host: '127.0.0.1', port });
  const received: Buffer[] = [];
  socket.on('data', (chunk) => received.push(chunk));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, closed, received };
}

export function handshakeFrame(fields: Partial<Handshake> & Pick<Handshake, 'from' | 'to'>): Buffer {
  return encodeFrame(encodeHandshake({ protocol: PEER_PROTOCOL, clusterId: 'cafe0001', channel: 'stream', ...fields }));
}

/** Accepts every handshake and then stops reading, like a member whose process is paused. */
export async function startStalledPeer(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer();
  const sockets = trackConnections(server);
  server.on('connection', (socket) => {
    const decoder = new FrameDecoder(MAX_CONTROL_FRAME_BYTES);
    socket.on('data', (chunk) => {
      decoder.push(chunk);
      if (decoder.next().kind !== 'frame') return;
      socket.write(encodeFrame(encodeHandshakeReply({ accepted: true })));
      socket.pause();
    });
  });
  const port = await listenOnFreePort(server);
  return { url: `http://127.0.0.1:${port}`, stop: () => closeServer(server, sockets) };
}

/**
 * Forwards connections to a transport unchanged, except that a snapshot connection is held after its first body
 * bytes until release(): the proxy stops reading, the sender's socket fills, and its snapshot write cannot finish.
 */
export class SnapshotGateProxy {
  private readonly server = createServer((client) => this.onClient(client));
  private readonly sockets = trackConnections(this.server);
  private readonly held: Array<{ client: Socket; upstream: Socket; chunks: Buffer[] }> = [];
  private released = false;
  private port = 0;
  /** Bytes of snapshot connections received after the handshake while the gate was closed. */
  heldSnapshotBytes = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<void> {
    this.port = await listenOnFreePort(this.server);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  release(): void {
    this.released = true;
    for (const { client, upstream, chunks } of this.held.splice(0)) {
      for (const chunk of chunks) upstream.write(chunk);
      client.pipe(upstream);
      client.resume();
    }
  }

  stop(): Promise<void> {
    return closeServer(this.server, this.sockets);
  }

  private onClient(client: Socket): void {
    const upstream = connect({ host: '127.0.0.1', port: this.targetPort });
    this.sockets.add(upstream);
    upstream.on('error', () => {});
    upstream.once('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    client.once('close', () => upstream.destroy());
    upstream.pipe(client);
    const decoder = new FrameDecoder(MAX_CONTROL_FRAME_BYTES);
    let handshakeBytes = 0;
    const onFirstBytes = (chunk: Buffer): void => {
      decoder.push(chunk);
      const next = decoder.next();
      if (next.kind !== 'frame') {
        handshakeBytes += chunk.length;
        upstream.write(chunk);
        return;
      }
      client.off('data', onFirstBytes);
      const parsed = decodeHandshake(next.body);
      const frameEnd = 4 + next.body.length - handshakeBytes;
      upstream.write(chunk.subarray(0, frameEnd));
      const rest = chunk.subarray(frameEnd);
      if (parsed.kind !== 'handshake' || parsed.handshake.channel !== 'snapshot' || this.released) {
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream);
        return;
      }
      const held = { client, upstream, chunks: rest.length > 0 ? [rest] : [] };
      this.held.push(held);
      this.heldSnapshotBytes += rest.length;
      client.on('data', (more: Buffer) => {
        if (this.released) return;
        held.chunks.push(more);
        this.heldSnapshotBytes += more.length;
        client.pause();
      });
    };
    client.on('data', onFirstBytes);
  }
}

/**
 * Forwards connections to a transport, flipping one byte of every snapshot connection `offset` bytes after its
 * handshake frame: corruption above TCP, which TCP's own checksum cannot catch (a bad NIC offload, a buggy
 * middlebox, a bit flipped in memory).
 */
export class CorruptingProxy {
  private readonly server = createServer((client) => this.onClient(client));
  private readonly sockets = trackConnections(this.server);
  private port = 0;
  /** Bytes flipped so far. */
  corrupted = 0;

  constructor(
    private readonly targetPort: number,
    private readonly offset: number,
  ) {}

  async start(): Promise<void> {
    this.port = await listenOnFreePort(this.server);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return closeServer(this.server, this.sockets);
  }

  private onClient(client: Socket): void {
    const upstream = connect({ host: '127.0.0.1', port: this.targetPort });
    this.sockets.add(upstream);
    upstream.on('error', () => {});
    upstream.once('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    client.once('close', () => upstream.destroy());
    upstream.pipe(client);
    const decoder = new FrameDecoder(MAX_CONTROL_FRAME_BYTES);
    let seen = 0;
    let target: number | undefined;
    client.on('data', (chunk: Buffer) => {
      const start = seen;
      seen += chunk.length;
      if (target === undefined) {
        decoder.push(chunk);
        const next = decoder.next();
        if (next.kind === 'frame') {
          const parsed = decodeHandshake(next.body);
          const isSnapshot = parsed.kind === 'handshake' && parsed.handshake.channel === 'snapshot';
          target = isSnapshot ? 4 + next.body.length + this.offset : Number.POSITIVE_INFINITY;
        }
      }
      let forwarded = chunk;
      if (target !== undefined && target >= start && target < seen) {
        forwarded = Buffer.from(chunk);
        forwarded[target - start] ^= 0xff;
        this.corrupted++;
      }
      // Keeps the receiver's backpressure reaching the sender, as a direct connection would.
      if (!upstream.write(forwarded)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
  }
}
