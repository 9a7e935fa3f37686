// The proxies over real loopback sockets, with fake members: plain TCP servers that record what arrives and echo
// it back, dialed by test code that opens with a yawl handshake frame or an etcd-style HTTP request.
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { SeededRand } from '../../store/raft/rand.js';
import { encodeFrame } from '../../store/transport/frame-codec.js';
import { encodeHandshake, PEER_PROTOCOL } from '../../store/transport/handshake.js';
import { freePorts } from '../cluster/ports.js';
import { LANE_HIGH_WATER_BYTES } from './lane.js';
import { Network } from './network.js';

const HOST = '127.0.0.1';
/** Member ids as the harness would learn them from Status: n1 = 0x11, n2 = 0x22, n3 = 0x33. */
const IDS = { n1: 0x11n, n2: 0x22n, n3: 0x33n } as const;
type Name = keyof typeof IDS;

interface ServerSide {
  readonly socket: Socket;
  received: Buffer;
  closed: boolean;
}

/** A member's peer listener: records every connection's bytes and, if `echo`, sends them straight back. */
class FakeMember {
  readonly connections: ServerSide[] = [];
  echo = true;
  private constructor(
    readonly name: Name,
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(name: Name): Promise<FakeMember> {
    const server = createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    const member = new FakeMember(name, server, (server.address() as { port: number }).port);
    server.on('connection', (socket) => {
      const side: ServerSide = { socket, received: Buffer.alloc(0), closed: false };
      member.connections.push(side);
      socket.on('data', (chunk: Buffer) => {
        side.received = Buffer.concat([side.received, chunk]);
        if (member.echo) socket.write(chunk);
      });
      socket.on('end', () => socket.end());
      socket.on('error', () => {});
      socket.on('close', () => (side.closed = true));
    });
    return member;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A dialer's end of a connection, with everything it has read. */
interface Dialed {
  readonly socket: Socket;
  received: Buffer;
  closed: boolean;
}

function dial(port: number): Promise<Dialed> {
  return new Promise((resolve, reject) => {
    // Not half-open: like a member, the dialer closes its side once the other side has closed.
    const socket = connect({ host: HOST, port });
    const dialed: Dialed = { socket, received: Buffer.alloc(0), closed: false };
    socket.on('data', (chunk: Buffer) => (dialed.received = Buffer.concat([dialed.received, chunk])));
    socket.on('error', () => {});
    socket.on('close', () => (dialed.closed = true));
    socket.once('connect', () => resolve(dialed));
    socket.once('error', reject);
  });
}

function yawlHello(from: Name, to: Name): Buffer {
  return encodeFrame(encodeHandshake({ protocol: PEER_PROTOCOL, clusterId: 'test', from: Number(IDS[from]), to: Number(IDS[to]), channel: 'stream' }));
}

function etcdHello(from: Name): Buffer {
  return Buffer.from(`GET /raft/stream/message/${IDS[from].toString(16)} HTTP/1.1\r\nHost: x\r\nX-Server-From: ${IDS[from].toString(16)}\r\n\r\n`);
}

const PROBE = Buffer.from('GET /raft/probing HTTP/1.1\r\nHost: x\r\n\r\n');

async function until(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Numbered, fixed-size records, so a reordering or a gap is visible: record i is 8 bytes holding i. */
function records(from: number, count: number): Buffer {
  const out = Buffer.alloc(count * 8);
  for (let i = 0; i < count; i++) out.writeBigUInt64BE(BigInt(from + i), i * 8);
  return out;
}

interface Rig {
  network: Network;
  members: Record<Name, FakeMember>;
  /** Dials `to`'s proxy as `from` and sends the hello of the chosen protocol. */
  open(from: Name, to: Name, protocol?: 'yawl' | 'etcd'): Promise<{ client: Dialed; hello: Buffer }>;
}

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function rig(seed = 7, knownIds = true): Promise<Rig> {
  const members = {
    n1: await FakeMember.start('n1'),
    n2: await FakeMember.start('n2'),
    n3: await FakeMember.start('n3'),
  };
  cleanups.push(() => Promise.all(Object.values(members).map((m) => m.close())).then(() => {}));
  const network = await Network.start(
    Object.values(members).map((m) => ({ name: m.name, proxy: { host: HOST, port: 0 }, member: { host: HOST, port: m.port } })),
    { seed },
  );
  cleanups.push(() => network.close());
  if (knownIds) network.setMemberIds(IDS);
  const dialed: Dialed[] = [];
  cleanups.push(() => dialed.forEach((d) => d.socket.destroy()));
  return {
    network,
    members,
    async open(from, to, protocol = 'yawl') {
      const client = await dial(network.proxyAddress(to).port);
      dialed.push(client);
      const hello = protocol === 'yawl' ? yawlHello(from, to) : etcdHello(from);
      client.socket.write(hello);
      return { client, hello };
    },
  };
}

describe('identification', () => {
  test('each proxy names the dialers of yawl and etcd connections, and counts the anonymous ones', async () => {
    const { network, members, open } = await rig();
    await open('n1', 'n2', 'yawl');
    await open('n3', 'n2', 'etcd');
    await open('n2', 'n1', 'etcd');
    const probe = await dial(network.proxyAddress('n2').port);
    probe.socket.write(PROBE);
    await until('all four connections to reach the members', () => members.n2.connections.length === 3 && members.n1.connections.length === 1);
    await until('the probe to be forwarded', () => members.n2.connections.some((c) => c.received.equals(PROBE)));
    const stats = network.stats();
    expect(stats.proxies.n2!.identified).toEqual({ n1: 1, n3: 1 });
    expect(stats.proxies.n2!.unidentified).toBe(1);
    expect(stats.proxies.n1!.identified).toEqual({ n2: 1 });
    expect(stats.links['n1->n2']!.connections).toBe(1);
    expect(stats.links['?->n2']!.bytesForwarded).toBe(PROBE.length);
    probe.socket.destroy();
  });

  test('connections made before the ids are known count as #hex, then as their member, and obey its rules', async () => {
    const { network, members, open } = await rig(7, false);
    const { client, hello } = await open('n1', 'n3');
    await until('the echo', () => client.received.length === hello.length);
    expect(network.stats().proxies.n3!.identified).toEqual({ '#11': 1 });
    expect(network.stats().links['#11->n3']!.bytesForwarded).toBe(hello.length);
    network.setMemberIds(IDS);
    expect(network.stats().proxies.n3!.identified).toEqual({ n1: 1 });
    expect(network.stats().links['n1->n3']!.bytesForwarded).toBe(hello.length);
    network.blockOneWay('n1', 'n3');
    client.socket.write('vanishes');
    await sleep(50);
    expect(members.n3.connections[0]!.received.length).toBe(hello.length);
  });
});

describe('construction', () => {
  test('from the peer URLs a member advertises and listens on', async () => {
    const member = await FakeMember.start('n1');
    cleanups.push(() => member.close());
    const [proxyPort, otherProxy, otherPeer] = await freePorts(3);
    const network = await Network.forPeerUrls(
      [
        { name: 'n1', peerUrl: `http://127.0.0.1:${proxyPort}`, listenPeerUrl: `http://127.0.0.1:${member.port}` },
        { name: 'n2', peerUrl: `http://127.0.0.1:${otherProxy}`, listenPeerUrl: `http://127.0.0.1:${otherPeer}` },
      ],
      { seed: 3 },
    );
    cleanups.push(() => network.close());
    expect(network.members).toEqual(['n1', 'n2']);
    expect(network.proxyUrl('n1')).toBe(`http://127.0.0.1:${proxyPort}`);
    const client = await dial(proxyPort!);
    cleanups.push(() => void client.socket.destroy());
    client.socket.write(PROBE);
    await until('the echo through the proxy', () => client.received.equals(PROBE));
    // A port that is taken: start fails and leaves nothing listening.
    await expect(
      Network.start([{ name: 'x', proxy: { host: HOST, port: proxyPort! }, member: { host: HOST, port: member.port } }]),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('forwarding', () => {
  test('bytes arrive intact both ways, hello included', async () => {
    const { members, open } = await rig();
    const { client, hello } = await open('n1', 'n2');
    const payload = randomBytes(3 * 1024 * 1024);
    client.socket.write(payload);
    const expected = Buffer.concat([hello, payload]);
    await until('the echo', () => client.received.length === expected.length, 20_000);
    expect(sha(members.n2.connections[0]!.received)).toBe(sha(expected));
    expect(sha(client.received)).toBe(sha(expected));
  });

  test('a half-close passes through and the connection winds down cleanly', async () => {
    const { network, members, open } = await rig();
    const { client, hello } = await open('n1', 'n2', 'etcd');
    client.socket.end();
    await until('both ends to close', () => client.closed && members.n2.connections[0]!.closed);
    expect(client.received.equals(hello)).toBe(true);
    await until('the proxy to forget it', () => network.stats().proxies.n2!.open === 0);
  });

  test('a member that is down: the dialer sees its connection close', async () => {
    const { members, open } = await rig();
    await members.n3.close();
    const { client } = await open('n1', 'n3');
    await until('the close', () => client.closed);
  });
});

describe('blocks', () => {
  test('one-way block: the dialer writes into the void, the member never hears of it', async () => {
    const { network, members, open } = await rig();
    network.blockOneWay('n1', 'n2');
    const { client } = await open('n1', 'n2');
    expect(client.socket.write(Buffer.alloc(1000, 1))).toBe(true);
    await sleep(100);
    expect(members.n2.connections).toHaveLength(0); // not even a TCP connection
    expect(client.closed).toBe(false);
    expect(network.stats().links['n1->n2']!.bytesDiscarded).toBeGreaterThan(1000);
    // The other direction still flows: n2 dials n1 and is heard, but n1's answers (n1 -> n2) vanish.
    const back = await open('n2', 'n1');
    await until('n1 to hear n2', () => members.n1.connections[0]?.received.length === back.hello.length);
    await sleep(50);
    expect(back.client.received.length).toBe(0);
  });

  test('a block on the answering direction: the member hears, the dialer gets nothing back', async () => {
    const { network, members, open } = await rig();
    network.blockOneWay('n2', 'n1');
    const { client, hello } = await open('n1', 'n2');
    await until('the member to hear the hello', () => members.n2.connections[0]?.received.length === hello.length);
    await sleep(100);
    expect(client.received.length).toBe(0);
    expect(network.stats().links['n2->n1']!.bytesDiscarded).toBe(hello.length);
  });

  test('lifting a block resets the connections that lost bytes, and only those', async () => {
    const { network, members, open } = await rig();
    const hit = await open('n1', 'n2');
    const spared = await open('n3', 'n2');
    await until('both echoes', () => hit.client.received.length > 0 && spared.client.received.length > 0);
    network.blockOneWay('n1', 'n2');
    hit.client.socket.write('lost');
    await until('the loss', () => network.stats().links['n1->n2']!.bytesDiscarded === 4);
    await sleep(50);
    expect(hit.client.closed).toBe(false);
    expect(members.n2.connections[0]!.received.length).toBe(hit.hello.length);
    network.heal();
    await until('the damaged connection to close on both sides', () => hit.client.closed && members.n2.connections[0]!.closed);
    expect(spared.client.closed).toBe(false);
    expect(network.stats().links['n1->n2']!.connectionsReset).toBe(1);
    spared.client.socket.write('still here');
    await until('the spared connection to work', () => spared.client.received.toString().endsWith('still here'));
  });

  test('anonymous dialers get through unless the target is cut off from everyone', async () => {
    const { network, members } = await rig();
    network.blockOneWay('n1', 'n2');
    const first = await dial(network.proxyAddress('n2').port);
    first.socket.write(PROBE);
    await until('the probe answer', () => first.received.equals(PROBE));
    network.heal();
    network.isolate('n2');
    const second = await dial(network.proxyAddress('n2').port);
    second.socket.write(PROBE);
    await sleep(100);
    expect(members.n2.connections).toHaveLength(1);
    expect(second.received.length).toBe(0);
    first.socket.destroy();
    second.socket.destroy();
  });

  test('a kept-alive etcd connection that starts anonymous is blocked once a request names a blocked sender', async () => {
    const { network, members } = await rig();
    members.n2.echo = false;
    network.blockOneWay('n1', 'n2');
    const client = await dial(network.proxyAddress('n2').port);
    client.socket.write(PROBE);
    await until('the probe', () => members.n2.connections[0]?.received.equals(PROBE) === true);
    client.socket.write(etcdHello('n1'));
    await sleep(100);
    expect(members.n2.connections[0]!.received.equals(PROBE)).toBe(true);
    expect(network.stats().links['n1->n2']!.bytesDiscarded).toBe(etcdHello('n1').length);
    client.socket.destroy();
  });

  test('partition, bridge and blackhole block the pairs they name, on live connections', async () => {
    const { network, open } = await rig();
    const conns = {
      n1n2: await open('n1', 'n2'),
      n2n3: await open('n2', 'n3'),
      n1n3: await open('n1', 'n3'),
    };
    await until('all echoes', () => Object.values(conns).every((c) => c.client.received.length === c.hello.length));
    const ping = async (): Promise<string[]> => {
      const before = Object.values(conns).map((c) => c.client.received.length);
      for (const c of Object.values(conns)) if (!c.client.closed) c.client.socket.write('.');
      await sleep(80);
      return Object.entries(conns)
        .filter(([, c], i) => c.client.received.length > before[i]!)
        .map(([k]) => k);
    };
    network.bridge('n2'); // n1 and n3 cannot talk; both talk to n2
    expect(await ping()).toEqual(['n1n2', 'n2n3']);
    network.heal(); // n1n3 lost bytes: reset
    await until('the reset', () => conns.n1n3.client.closed);
    network.blackhole('n3');
    expect(await ping()).toEqual(['n1n2']);
    network.heal();
    await until('n2n3 reset', () => conns.n2n3.client.closed);
    network.partition([['n1'], ['n2', 'n3']]);
    expect(await ping()).toEqual([]);
  });
});

describe('delay and drop', () => {
  test('delay: chunks arrive late by the delay, jitter never reorders', async () => {
    const { network, members, open } = await rig();
    members.n2.echo = false;
    network.delay([['n1', 'n2']], 150);
    const { client, hello } = await open('n1', 'n2');
    const start = performance.now();
    await until('the hello', () => members.n2.connections[0]?.received.length === hello.length);
    const took = performance.now() - start;
    expect(took).toBeGreaterThanOrEqual(148);
    expect(took).toBeLessThan(1_000);

    network.delay([['n1', 'n2']], 40, 40);
    const sent: Buffer[] = [];
    for (let i = 0; i < 100; i++) {
      const record = records(i * 10, 10);
      sent.push(record);
      client.socket.write(record);
      await sleep(1);
    }
    const expected = Buffer.concat([hello, ...sent]);
    await until('everything', () => members.n2.connections[0]!.received.length === expected.length);
    expect(members.n2.connections[0]!.received.equals(expected)).toBe(true);
    expect(network.stats().links['n1->n2']!.chunksDelayed).toBeGreaterThan(50);
  });

  test('delay on all links slows the answers too', async () => {
    const { network, open } = await rig();
    network.delay('all', 60);
    const start = performance.now();
    const { client, hello } = await open('n3', 'n1');
    await until('the echo', () => client.received.length === hello.length);
    expect(performance.now() - start).toBeGreaterThanOrEqual(118);
  });

  test('drop: chunks are held for a retransmission timeout, never lost or reordered', async () => {
    const { network, members, open } = await rig(42);
    members.n2.echo = false;
    network.drop([['n1', 'n2']], 0.3);
    const { client, hello } = await open('n1', 'n2');
    const sent: Buffer[] = [];
    const start = performance.now();
    for (let i = 0; i < 60; i++) {
      const record = records(i * 4, 4);
      sent.push(record);
      client.socket.write(record);
      await sleep(2);
    }
    const expected = Buffer.concat([hello, ...sent]);
    await until('everything', () => members.n2.connections[0]?.received.length === expected.length, 20_000);
    expect(members.n2.connections[0]!.received.equals(expected)).toBe(true);
    const held = network.stats().links['n1->n2']!.chunksHeld;
    expect(held).toBeGreaterThan(5);
    expect(performance.now() - start).toBeGreaterThan(200);
  });

  test('which chunks are held is decided by the seed alone', async () => {
    // With a drop rate and no jitter, the network draws exactly one number per chunk from SeededRand(seed): so the
    // chunks that get held can be predicted from the seed, and a run replays from it.
    const seed = 5;
    const rate = 0.5;
    const predictor = new SeededRand(seed);
    const predicted = Array.from({ length: 9 }, () => (predictor.float() < rate ? 'H' : '.')).join('');
    expect(new Set(predicted).size).toBe(2); // some held, some not: the check means something
    const { network, members, open } = await rig(seed);
    members.n2.echo = false;
    network.drop([['n1', 'n2']], rate);
    // Held or not is read from the counters (load cannot blur it); a held chunk must also have been late.
    const held = () => network.stats().links['n1->n2']?.chunksHeld ?? 0;
    const arrived = (length: number) => () => members.n2.connections[0]?.received.length === length;
    let observed = '';
    const observe = (heldBefore: number, start: number) => {
      const wasHeld = held() > heldBefore;
      if (wasHeld) expect(performance.now() - start).toBeGreaterThanOrEqual(195);
      observed += wasHeld ? 'H' : '.';
    };
    const start = performance.now();
    const { client, hello } = await open('n1', 'n2'); // the hello is chunk 0
    await until('the hello', arrived(hello.length));
    observe(0, start);
    for (let i = 1; i < predicted.length; i++) {
      const length = members.n2.connections[0]!.received.length + 1;
      const [before, sentAt] = [held(), performance.now()];
      client.socket.write(Buffer.from([i]));
      await until(`chunk ${i}`, arrived(length));
      observe(before, sentAt);
    }
    expect(observed).toBe(predicted);
    expect(network.stats().links['n1->n2']!.chunksHeld).toBe(predicted.split('H').length - 1);
  });
});

describe('backpressure and shutdown', () => {
  test('a slow reader holds the sender back; every byte still arrives', async () => {
    const { network, members, open } = await rig();
    const { client, hello } = await open('n1', 'n2');
    await until('the echo', () => client.received.length === hello.length);
    members.n2.echo = false;
    client.socket.pause(); // the dialer stops reading what n2 sends
    const server = members.n2.connections[0]!.socket;
    const total = 96 * 1024 * 1024;
    const chunk = randomBytes(1024 * 1024);
    let written = 0;
    let refused = false;
    const pump = () => {
      while (written < total) {
        written += chunk.length;
        if (!server.write(chunk)) {
          refused = true;
          server.once('drain', pump);
          return;
        }
      }
    };
    pump();
    await sleep(1_000);
    const stalledAt = written;
    // Kernel buffers on both sides of the proxy plus one lane's worth: far less than everything.
    expect(refused).toBe(true);
    expect(stalledAt).toBeLessThan(total / 2);
    expect(network.stats().proxies.n2!.open).toBe(1);

    client.received = Buffer.alloc(0);
    let got = 0;
    const hash = createHash('sha256');
    client.socket.removeAllListeners('data');
    client.socket.on('data', (c: Buffer) => {
      got += c.length;
      hash.update(c);
    });
    client.socket.resume();
    await until('the whole transfer', () => got === total, 60_000);
    const expected = createHash('sha256');
    for (let i = 0; i < total / chunk.length; i++) expected.update(chunk);
    expect(hash.digest('hex')).toBe(expected.digest('hex'));
    console.info(`backpressure: ${(stalledAt / 1024 / 1024).toFixed(0)} MiB written before the sender was held back (lane high water ${LANE_HIGH_WATER_BYTES / 1024 / 1024} MiB)`);
  });

  test('close() destroys every connection and leaves no timer behind', async () => {
    const { network, members, open } = await rig();
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const { client } = await open('n1', 'n2');
    await until('the echo', () => client.received.length > 0);
    const before = timers();
    network.delay('all', 5_000);
    client.socket.write('queued for five seconds');
    await sleep(20);
    expect(timers()).toBeGreaterThan(before);
    await network.close();
    await until('the dialer to see the close', () => client.closed);
    await until('the member to see the close', () => members.n2.connections[0]!.closed);
    expect(timers()).toBeLessThanOrEqual(before);
    await expect(dial(network.proxyAddress('n2').port)).rejects.toThrow();
  });
});
