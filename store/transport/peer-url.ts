import { TransportConfigError } from './errors.js';

export interface PeerAddress {
  host: string;
  port: number;
}

/**
 * Reads the host and port of an etcd-style peer URL (`http://10.0.0.1:2380`). Only plain http is accepted:
 * the transport has no TLS, and silently talking plaintext to an https URL would be a surprise.
 */
export function parsePeerUrl(url: string): PeerAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TransportConfigError(`invalid peer URL ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:') {
    throw new TransportConfigError(`peer URL ${url}: scheme ${parsed.protocol.replace(/:$/, '')} is not supported (want http)`);
  }
  if (parsed.port === '') throw new TransportConfigError(`peer URL ${url} has no port`);
  if (parsed.pathname !== '/' || parsed.search !== '' || parsed.hash !== '' || parsed.username !== '') {
    throw new TransportConfigError(`peer URL ${url} must be scheme://host:port only`);
  }
  // WHATWG URL keeps the brackets of an IPv6 literal; net.connect wants the bare address.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(parsed.port) };
}

export function formatPeerAddress(address: PeerAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
