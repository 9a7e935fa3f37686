// How a member joining a running cluster learns who it is: like etcd's GET /members on a peer URL, it asks any
// existing member for the cluster id and the member list over the peer port, and finds its own id by its peer
// URLs. A discovery request is one frame, answered by one frame, then the connection closes.
import { connect } from 'node:net';
import { encodeFrame, FrameDecoder } from './frame-codec.js';
import { MAX_CONTROL_FRAME_BYTES, PEER_PROTOCOL } from './handshake.js';
import { packBody, unpackBody } from './msgpack-body.js';
import { parsePeerUrl } from './peer-url.js';

export interface ClusterDescription {
  /** As the transport handshakes carry it (hex). */
  clusterId: string;
  members: { id: number; name: string; peerURLs: string[] }[];
}

/** Answers are bigger than handshakes: a member list. */
const MAX_DISCOVERY_FRAME_BYTES = 1024 * 1024;

export function isDiscoveryRequest(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { discover?: unknown }).discover === PEER_PROTOCOL;
}

export function encodeDiscoveryRequest(): Buffer {
  return encodeFrame(packBody({ discover: PEER_PROTOCOL }));
}

export function encodeDiscoveryAnswer(description: ClusterDescription): Buffer {
  return encodeFrame(packBody({ cluster: description }));
}

/** Ask the member at `peerUrl` to describe its cluster. Rejects on any failure or after timeoutMs. */
export function discoverCluster(peerUrl: string, timeoutMs: number): Promise<ClusterDescription> {
  const address = parsePeerUrl(peerUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address.host, port: address.port });
    const decoder = new FrameDecoder(Math.max(MAX_CONTROL_FRAME_BYTES, MAX_DISCOVERY_FRAME_BYTES));
    const fail = (e: Error) => {
      socket.destroy();
      reject(e);
    };
    const timer = setTimeout(() => fail(new Error(`no answer from ${peerUrl} within ${timeoutMs} ms`)), timeoutMs);
    socket.once('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    socket.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      const next = decoder.next();
      if (next.kind !== 'frame') return;
      clearTimeout(timer);
      socket.destroy();
      const unpacked = unpackBody(next.body);
      const value = unpacked.kind === 'malformed' ? undefined : (unpacked.value as { cluster?: ClusterDescription; reason?: string });
      if (value?.cluster && typeof value.cluster.clusterId === 'string' && Array.isArray(value.cluster.members)) resolve(value.cluster);
      else reject(new Error(`${peerUrl} did not describe its cluster${value?.reason ? `: ${value.reason}` : ''}`));
    });
    socket.write(encodeDiscoveryRequest());
  });
}
