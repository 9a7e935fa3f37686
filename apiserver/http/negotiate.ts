// Content negotiation for responses: kubectl asks for a meta.k8s.io/v1 Table when it prints (Accept:
// application/json;as=Table;v=v1;g=meta.k8s.io,application/json), for PartialObjectMetadata sometimes, and for
// YAML never (it converts itself). Each Accept entry is tried in order; plain JSON is the fallback.

export type ResponseShape = { kind: 'object' } | { kind: 'table'; includeObject: 'None' | 'Metadata' | 'Object' };

interface MediaRange {
  type: string;
  params: Map<string, string>;
}

function parseAccept(accept: string): MediaRange[] {
  return accept
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [type, ...params] = part.split(';').map((p) => p.trim());
      const map = new Map<string, string>();
      for (const p of params) {
        const eq = p.indexOf('=');
        if (eq > 0) map.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
      }
      return { type: type!.toLowerCase(), params: map };
    });
}

export function negotiate(accept: string | undefined, query: URLSearchParams): ResponseShape {
  for (const range of parseAccept(accept ?? 'application/json')) {
    if (range.type !== 'application/json' && range.type !== '*/*' && range.type !== 'application/*') continue;
    const as = range.params.get('as');
    if (as === undefined) return { kind: 'object' };
    if (as === 'Table' && range.params.get('g') === 'meta.k8s.io' && (range.params.get('v') === 'v1' || range.params.get('v') === 'v1beta1')) {
      const include = query.get('includeObject');
      return { kind: 'table', includeObject: include === 'None' || include === 'Object' ? include : 'Metadata' };
    }
    // Other "as" forms (PartialObjectMetadata, aggregated discovery) fall through to the next entry.
  }
  return { kind: 'object' };
}
