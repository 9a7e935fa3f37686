// gofail's control endpoint, for a chaos harness that arms failpoints in a running member:
//
//   GET    /        every known failpoint, one `name=term` line each (term "off" when disarmed)
//   GET    /name    its term
//   PUT    /name    arm it with the term in the body ("off" disarms it)             -> 204
//   DELETE /name    disarm it                                                      -> 204
//
// An unknown name or a term that does not parse gets 400 and a one-line reason; no change is made then.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { disableFailpoint, enableFailpoint, failpointTerm, listFailpoints } from './registry.js';
import { FailpointTermError } from './terms.js';

const MAX_BODY_BYTES = 64 * 1024;

export interface FailpointHttpOptions {
  readonly host: string;
  /** 0 picks a free port; `port` on the result says which. */
  readonly port: number;
  /** Told of every change made through the endpoint (the member logs them). */
  readonly onChange?: (name: string, term: string) => void;
}

export interface FailpointHttpServer {
  readonly host: string;
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  close(): Promise<void>;
}

/** Parses YAWL_FAILPOINTS_HTTP: `host:port`, `[v6]:port`, or `:port` (127.0.0.1, not every interface). */
export function parseListenAddress(text: string): { host: string; port: number } {
  const t = text.trim().replace(/^http:\/\//, '').replace(/\/$/, '');
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(t);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new FailpointTermError(`bad address ${JSON.stringify(text)}: expected host:port, e.g. 127.0.0.1:22381`);
  }
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export async function startFailpointHttpServer(options: FailpointHttpOptions): Promise<FailpointHttpServer> {
  const server = createServer((req, res) => {
    handle(req, res, options.onChange).catch((e: unknown) => reply(res, 500, `${(e as Error).message}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Never the reason a member stays up.
  server.unref();
  const port = (server.address() as AddressInfo).port;
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    host: options.host,
    port,
    url: `http://${urlHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, onChange: FailpointHttpOptions['onChange']): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://failpoints').pathname;
  if (path === '/') {
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET');
    return reply(res, 200, listFailpoints().map(({ name, term }) => `${name}=${term}\n`).join(''));
  }
  let name: string;
  try {
    name = decodeURIComponent(path.slice(1));
  } catch {
    return reply(res, 400, `bad failpoint name in ${JSON.stringify(path)}\n`);
  }
  try {
    switch (req.method) {
      case 'GET':
      case 'HEAD':
        return reply(res, 200, failpointTerm(name));
      case 'PUT': {
        const body = await readBody(req);
        if (body === undefined) return reply(res, 413, `term longer than ${MAX_BODY_BYTES} bytes\n`);
        enableFailpoint(name, body);
        onChange?.(name, failpointTerm(name));
        return reply(res, 204, '');
      }
      case 'DELETE':
        disableFailpoint(name);
        onChange?.(name, 'off');
        return reply(res, 204, '');
      default:
        return methodNotAllowed(res, 'GET, PUT, DELETE');
    }
  } catch (e) {
    if (e instanceof FailpointTermError) return reply(res, 400, `${e.message}\n`);
    throw e;
  }
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  reply(res, 405, `method not allowed; use ${allow}\n`);
}

function reply(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = status;
  if (status !== 204) res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(status === 204 ? undefined : body);
}
