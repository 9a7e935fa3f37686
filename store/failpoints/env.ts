// Arming failpoints from a member's environment, read once at start:
//
//   YAWL_FAILPOINTS="raftBeforeSave=panic;applyAfterCommit=sleep(100)"   armed before the member opens its data
//   YAWL_FAILPOINTS_HTTP=127.0.0.1:22381                                   the control endpoint (http.ts)
//
// Neither set: nothing is armed and no endpoint listens, and every failpoint site stays a boolean read.
import { startFailpointHttpServer, parseListenAddress, type FailpointHttpServer } from './http.js';
import { applyFailpointSpec, failpointTerm } from './registry.js';
import { FailpointTermError } from './terms.js';

export const FAILPOINTS_ENV = 'YAWL_FAILPOINTS';
export const FAILPOINTS_HTTP_ENV = 'YAWL_FAILPOINTS_HTTP';

export interface FailpointsFromEnv {
  /** `name=term` of each failpoint YAWL_FAILPOINTS armed. */
  readonly armed: string[];
  readonly http: FailpointHttpServer | undefined;
}

/**
 * Arms what YAWL_FAILPOINTS names and starts the endpoint YAWL_FAILPOINTS_HTTP asks for. A setting that does
 * not parse, or names an unknown failpoint, throws an Error that says which variable is wrong and why.
 */
export async function startFailpointsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  onChange?: (name: string, term: string) => void,
): Promise<FailpointsFromEnv> {
  const spec = env[FAILPOINTS_ENV];
  const addr = env[FAILPOINTS_HTTP_ENV];
  let armed: string[] = [];
  let listen: { host: string; port: number } | undefined;
  try {
    if (spec !== undefined && spec.trim() !== '') armed = applyFailpointSpec(spec).map((name) => `${name}=${failpointTerm(name)}`);
  } catch (e) {
    if (e instanceof FailpointTermError) throw new Error(`${FAILPOINTS_ENV}: ${e.message}`);
    throw e;
  }
  try {
    if (addr !== undefined && addr.trim() !== '') listen = parseListenAddress(addr);
  } catch (e) {
    if (e instanceof FailpointTermError) throw new Error(`${FAILPOINTS_HTTP_ENV}: ${e.message}`);
    throw e;
  }
  let http: FailpointHttpServer | undefined;
  if (listen) {
    try {
      http = await startFailpointHttpServer({ ...listen, onChange });
    } catch (e) {
      throw new Error(`${FAILPOINTS_HTTP_ENV}: cannot listen on ${addr}: ${(e as Error).message}`);
    }
  }
  return { armed, http };
}
