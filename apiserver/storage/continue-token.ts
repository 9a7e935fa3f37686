// List continue tokens exactly as Kubernetes encodes them (k8s.io/apiserver/pkg/storage/continue.go): unpadded
// URL-safe base64 of {"v":"meta.k8s.io/v1","rv":<list revision>,"start":"<next key without the prefix>"}.
// rv -1 means "continue at the latest revision" (the token an expired-continue 410 hands back).
import { BadRequestError } from './errors.js';

export interface ContinuePosition {
  /** The full key the next page starts at. */
  fromKey: string;
  /** The revision the list reads at; -1 for the latest. */
  resourceVersion: number;
}

export function encodeContinue(key: string, keyPrefix: string, resourceVersion: number): string {
  if (!key.startsWith(keyPrefix) || key === keyPrefix) throw new Error('unable to encode next field: the key and key prefix do not match');
  const json = JSON.stringify({ v: 'meta.k8s.io/v1', rv: resourceVersion, start: key.slice(keyPrefix.length) });
  return Buffer.from(json, 'utf8').toString('base64url');
}

function invalid(detail: string): BadRequestError {
  return new BadRequestError(`continue key is not valid: ${detail}`);
}

/** Clean the way Go's path.Clean does for the cases that matter: any "." / ".." / "//" segment is refused. */
function isClean(path: string): boolean {
  const segments = path.slice(1).split('/');
  return segments.every((s, i) => s !== '.' && s !== '..' && (s !== '' || i === segments.length - 1)) && !(path.length > 1 && path.endsWith('/'));
}

export function decodeContinue(token: string, keyPrefix: string): ContinuePosition {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(token)) throw invalid('illegal base64 data');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (error) {
    throw invalid((error as Error).message);
  }
  const c = (parsed ?? {}) as { v?: unknown; rv?: unknown; start?: unknown };
  if (c.v !== 'meta.k8s.io/v1') throw invalid(`server does not recognize this encoded version ${JSON.stringify(c.v ?? '')}`);
  if (typeof c.rv !== 'number' || !Number.isSafeInteger(c.rv) || c.rv === 0) {
    throw invalid('incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (typeof c.start !== 'string' || c.start.length === 0) throw invalid('encoded start key empty (version meta.k8s.io/v1)');
  // A client must not climb out of the listed prefix (`../secrets/...`).
  const path = c.start.startsWith('/') ? c.start : `/${c.start}`;
  if (!isClean(path)) throw invalid(c.start);
  return { fromKey: keyPrefix + path.slice(1), resourceVersion: c.rv };
}
