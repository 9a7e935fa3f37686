// Named failpoints in the store, gofail-style, for crash and slowness testing. Inert unless armed: see
// registry.ts for what a site costs, names.ts for where each one is, terms.ts for the term language, env.ts and
// http.ts for how a member is told which to arm.
export { FAILPOINTS, FAILPOINT_NAMES, isFailpointName, type FailpointName } from './names.js';
export {
  applyFailpointSpec,
  disableFailpoint,
  enableFailpoint,
  failpoint,
  failpointHits,
  failpointTerm,
  failpointsActive,
  listFailpoints,
  resetFailpoints,
} from './registry.js';
export { FailpointTermError, MAX_SLEEP_MS, parseFailpointSpec, parseTerms, type FailpointAction, type FailpointTerm, type FailpointTerms } from './terms.js';
export { parseListenAddress, startFailpointHttpServer, type FailpointHttpOptions, type FailpointHttpServer } from './http.js';
export { FAILPOINTS_ENV, FAILPOINTS_HTTP_ENV, startFailpointsFromEnv, type FailpointsFromEnv } from './env.js';
