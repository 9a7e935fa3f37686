// Free loopback ports for processes that cannot listen on port 0 themselves (etcd and `yawl store` take their
// URLs as flags). We bind port 0, read what the kernel chose, and close: another process could grab the port
// before the member binds it, a small race we accept because the kernel hands out ephemeral ports round-robin.
import { createServer, type Server } from 'node:net';

function listenOnFreePort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address === 'object' && address && address.port > 0) resolve({ server, port: address.port });
      else reject(new Error('the kernel assigned no port'));
    });
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

/** `count` distinct free ports: every listener stays open until all are bound, so the kernel cannot repeat one. */
export async function freePorts(count: number): Promise<number[]> {
  const held: { server: Server; port: number }[] = [];
  try {
    for (let i = 0; i < count; i++) held.push(await listenOnFreePort());
    return held.map((h) => h.port);
  } finally {
    await Promise.all(held.map((h) => close(h.server)));
  }
}
