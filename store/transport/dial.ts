import { connect, type Socket } from 'node:net';
import { assertNever } from './assert-never.js';
import { encodeFrame, FrameDecoder } from './frame-codec.js';
import { decodeHandshakeReply, encodeHandshake, MAX_CONTROL_FRAME_BYTES, type Handshake } from './handshake.js';
import type { PeerAddress } from './peer-url.js';
import type { SocketTracker } from './socket-tracker.js';

export type DialOutcome =
  | { kind: 'accepted'; socket: Socket }
  | { kind: 'rejected'; reason: string }
  | { kind: 'failed'; reason: string };

export interface DialOptions {
  address: PeerAddress;
  handshake: Handshake;
  timeoutMs: number;
  sockets: SocketTracker;
}

/** Idle time before TCP keepalive probes start; Go's net.Dialer (and so etcd) uses the same 30 s. */
const KEEPALIVE_IDLE_MS = 30_000;

/**
 * Opens a connection, sends the handshake and waits for the receiver's verdict. Calls onOutcome exactly once,
 * unless cancelled first. On 'accepted' the socket belongs to the caller; otherwise it is already destroyed.
 * Returns a cancel function that destroys the attempt without calling onOutcome.
 */
export function dialPeer(options: DialOptions, onOutcome: (outcome: DialOutcome) => void): () => void {
  const socket = connect({ host: options.address.host, port: options.address.port });
  options.sockets.track(socket);
  // Batching happens above (one write per event-loop turn); Nagle would only add latency to heartbeats.
  socket.setNoDelay(true);
  socket.setKeepAlive(true, KEEPALIVE_IDLE_MS);
  socket.write(encodeFrame(encodeHandshake(options.handshake)));

  const decoder = new FrameDecoder(MAX_CONTROL_FRAME_BYTES);
  let settled = false;

  const onData = (chunk: Buffer): void => {
    decoder.push(chunk);
    const next = decoder.next();
    switch (next.kind) {
      case 'incomplete':
        return;
      case 'tooLarge':
        settle({ kind: 'failed', reason: `handshake reply of ${next.length} bytes is not from a yawl peer` });
        return;
      case 'frame': {
        const reply = decodeHandshakeReply(next.body);
        if (reply === undefined) settle({ kind: 'failed', reason: 'malformed handshake reply' });
        else if (reply.accepted) settle({ kind: 'accepted', socket });
        else settle({ kind: 'rejected', reason: reply.reason });
        return;
      }
      default:
        return assertNever(next);
    }
  };
  const onError = (error: Error): void => settle({ kind: 'failed', reason: error.message });
  const onClose = (): void => settle({ kind: 'failed', reason: 'connection closed before the handshake reply' });
  const timer = setTimeout(
    () => settle({ kind: 'failed', reason: `no handshake reply within ${options.timeoutMs} ms` }),
    options.timeoutMs,
  );

  function detach(): void {
    settled = true;
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('error', onError);
    socket.off('close', onClose);
  }

  function settle(outcome: DialOutcome): void {
    if (settled) return;
    detach();
    if (outcome.kind !== 'accepted') socket.destroy();
    onOutcome(outcome);
  }

  socket.on('data', onData);
  socket.on('error', onError);
  socket.on('close', onClose);

  return () => {
    if (settled) return;
    detach();
    socket.destroy();
  };
}
