import type { Socket } from 'node:net';

/**
 * Every socket the transport opens or accepts, so that stop() can destroy them all and wait until their handles
 * are really closed; without the wait a test runner (or a restart on the same port) can still see them.
 */
export class SocketTracker {
  private readonly open = new Set<Socket>();
  private readonly closed = new Map<Socket, Promise<void>>();

  track(socket: Socket): void {
    this.open.add(socket);
    this.closed.set(socket, new Promise((resolve) => socket.once('close', () => resolve())));
    socket.once('close', () => {
      this.open.delete(socket);
      this.closed.delete(socket);
    });
    // Owners learn of failures through 'close'; this listener only keeps a late 'error' (after the owner has
    // let go of the socket) from becoming an uncaught exception.
    socket.on('error', () => {});
  }

  get size(): number {
    return this.open.size;
  }

  async destroyAll(): Promise<void> {
    const waits = [...this.closed.values()];
    for (const socket of this.open) socket.destroy();
    await Promise.all(waits);
  }
}
