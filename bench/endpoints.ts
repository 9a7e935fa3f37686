// --endpoints entries as grpc-js dials them. No gRPC in here, so the CLI can check flags without loading it.

/** host:port from an --endpoints entry: `127.0.0.1:2379`, `http://127.0.0.1:2379` or `[::1]:2379`. */
export function parseEndpoint(text: string): string {
  const trimmed = text.trim();
  if (/^https:\/\//i.test(trimmed)) throw new RangeError(`endpoint ${JSON.stringify(text)}: TLS is not supported, use http:// or host:port`);
  const hostPort = trimmed.replace(/^http:\/\//i, '').replace(/\/+$/, '');
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(hostPort)) throw new RangeError(`endpoint ${JSON.stringify(text)} is not host:port`);
  const port = Number(hostPort.slice(hostPort.lastIndexOf(':') + 1));
  if (port < 1 || port > 65_535) throw new RangeError(`endpoint ${JSON.stringify(text)} has no valid port`);
  return hostPort;
}

/** A comma-separated --endpoints list; empty entries are skipped. */
export function parseEndpointList(text: string): string[] {
  const entries = text.split(',').filter((e) => e.trim() !== '');
  if (entries.length === 0) throw new RangeError('--endpoints needs at least one host:port');
  return entries.map(parseEndpoint);
}
