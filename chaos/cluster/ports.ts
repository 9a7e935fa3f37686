// Free loopback ports for processes that cannot listen on port 0 themselves (etcd and `yawl store` take their
// URLs as flags). Ports are drawn at random from below the kernel's ephemeral range: every outgoing connection
// (gRPC clients, peer dials, the chaos proxies) takes its local port from that range, so a port chosen inside it
// could be taken by a connection between our check and the member's bind (seen as EADDRINUSE when test files
// run in parallel). Below the range only another listener can take it, and random draws make that rare.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

const FALLBACK_EPHEMERAL_LOW = 32768;
/** The lowest port we draw: clear of the well-known and registered ports daemons commonly use. */
const LOWEST = 10_000;

function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return low !== undefined && Number.isInteger(low) && low > LOWEST + 1_000 ? low : FALLBACK_EPHEMERAL_LOW;
  } catch {
    return FALLBACK_EPHEMERAL_LOW;
  }
}

function listenOn(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** One free port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/** `count` distinct free ports: every listener stays open until all are bound, so none is handed out twice. */
export async function freePorts(count: number): Promise<number[]> {
  const high = ephemeralLow() - 1;
  const held: { server: Server; port: number }[] = [];
  try {
    for (let attempts = 0; held.length < count; attempts++) {
      if (attempts > 1_000) throw new Error(`no ${count} free ports found in ${LOWEST}-${high}`);
      const port = LOWEST + Math.floor(Math.random() * (high - LOWEST + 1));
      if (held.some((h) => h.port === port)) continue;
      const server = await listenOn(port);
      if (server) held.push({ server, port });
    }
    return held.map((h) => h.port);
  } finally {
    await Promise.all(held.map((h) => close(h.server)));
  }
}
