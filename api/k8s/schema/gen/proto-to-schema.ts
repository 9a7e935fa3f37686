// Turns the proto definitions in api/k8s/proto (field names, JSON names, scalar widths) plus the hand-kept
// markers (markers.ts) into api/k8s/schema/generated.ts: one ObjectSchema per message reachable from the served
// kinds. Run through generate.test.ts (YAWL_REWRITE=1 rewrites the file; otherwise the test fails when stale).
import { readFileSync } from 'node:fs';
import { LIST_MARKERS, REQUIRED, RETAIN_KEYS, type ListMarker } from './markers.js';

interface ProtoField {
  readonly label: 'optional' | 'repeated' | 'map';
  readonly type: string; // scalar name or fully qualified message name (leading dot stripped)
  readonly jsonName: string;
  readonly inline: boolean;
}

interface ProtoMessage {
  readonly group: string; // short package name: core, meta, apps, ...
  readonly goPackage: string; // v1
  readonly name: string;
  readonly fields: ProtoField[];
}

/** The kinds with a root schema: apiVersion, kind and proto message. */
export const ROOT_KINDS: readonly (readonly [apiVersion: string, kind: string, message: string])[] = [
  ['v1', 'Namespace', 'k8s.io.api.core.v1.Namespace'],
  ['v1', 'Node', 'k8s.io.api.core.v1.Node'],
  ['v1', 'Pod', 'k8s.io.api.core.v1.Pod'],
  ['v1', 'Service', 'k8s.io.api.core.v1.Service'],
  ['v1', 'Endpoints', 'k8s.io.api.core.v1.Endpoints'],
  ['v1', 'Event', 'k8s.io.api.core.v1.Event'],
  ['v1', 'ConfigMap', 'k8s.io.api.core.v1.ConfigMap'],
  ['v1', 'Secret', 'k8s.io.api.core.v1.Secret'],
  ['v1', 'Binding', 'k8s.io.api.core.v1.Binding'],
  ['apps/v1', 'Deployment', 'k8s.io.api.apps.v1.Deployment'],
  ['apps/v1', 'ReplicaSet', 'k8s.io.api.apps.v1.ReplicaSet'],
  ['coordination.k8s.io/v1', 'Lease', 'k8s.io.api.coordination.v1.Lease'],
  ['policy/v1', 'Eviction', 'k8s.io.api.policy.v1.Eviction'],
  ['autoscaling/v1', 'Scale', 'k8s.io.api.autoscaling.v1.Scale'],
];

const PROTO_FILES = ['meta-v1', 'core-v1', 'apps-v1', 'coordination-v1', 'policy-v1', 'autoscaling-v1'];

const SCALARS: Readonly<Record<string, string>> = {
  string: 'STRING',
  int32: 'INT32',
  int64: 'INT64',
  bool: 'BOOL',
  bytes: 'BYTES',
  double: 'FLOAT64',
  'k8s.io.apimachinery.pkg.api.resource.Quantity': 'QUANTITY',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'INT_OR_STRING',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'TIME',
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': 'MICRO_TIME',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': 'DURATION',
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'ANY',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': 'ANY',
};

/** Fields whose schema is replaced wholesale ("<group>.<Message>.<field>" → scalar const). */
const OVERRIDES: Readonly<Record<string, string>> = {
  'meta.ObjectMeta.managedFields': 'ANY',
};

export function parseProto(text: string): ProtoMessage[] {
  const pkg = /^package\s+([\w.]+);/m.exec(text)?.[1];
  if (pkg === undefined) throw new Error('proto without package');
  const parts = pkg.split('.');
  const goPackage = parts[parts.length - 1]!;
  const group = parts[parts.length - 2] === 'meta' ? 'meta' : parts[parts.length - 2]!;
  const messages: ProtoMessage[] = [];
  let current: ProtoMessage | undefined;
  for (const line of text.split('\n')) {
    const open = /^message\s+(\w+)\s*\{/.exec(line);
    if (open) {
      current = { group, goPackage, name: open[1]!, fields: [] };
      messages.push(current);
      continue;
    }
    if (/^\}/.test(line)) {
      current = undefined;
      continue;
    }
    if (!current) continue;
    const f = /^\s*(optional|repeated)\s+(\S+)\s+(\w+)\s*=\s*\d+\s*(?:\[(.*)\])?;/.exec(line);
    const m = /^\s*map<\s*string\s*,\s*(\S+)\s*>\s+(\w+)\s*=\s*\d+\s*(?:\[(.*)\])?;/.exec(line);
    if (!f && !m) continue;
    const options = (f ? f[4] : m![3]) ?? '';
    const jsontag = /\(gogoproto\.jsontag\)\s*=\s*"([^"]*)"/.exec(options)?.[1];
    const protoName = f ? f[3]! : m![2]!;
    if (jsontag === '-') continue;
    const tagName = jsontag?.split(',')[0];
    current.fields.push({
      label: f ? (f[1] as 'optional' | 'repeated') : 'map',
      type: (f ? f[2]! : m![1]!).replace(/^\./, ''),
      jsonName: tagName !== undefined && tagName !== '' ? tagName : protoName,
      inline: jsontag !== undefined && jsontag.split(',').includes('inline'),
    });
  }
  return messages;
}

export function generateSchemas(protoDir: URL): { text: string; usedMarkers: Set<string> } {
  const messages = new Map<string, ProtoMessage>();
  for (const file of PROTO_FILES) {
    const text = readFileSync(new URL(`${file}.proto`, protoDir), 'utf8');
    const pkg = /^package\s+([\w.]+);/m.exec(text)![1]!;
    for (const msg of parseProto(text)) messages.set(`${pkg}.${msg.name}`, msg);
  }
  const out: string[] = [];
  const emitted = new Map<string, string>(); // message → const name
  const usedMarkers = new Set<string>();
  const rootMessages = new Set(ROOT_KINDS.map((r) => r[2]));

  const constName = (msg: ProtoMessage) => `${msg.group}_${msg.name}`;

  const typeExpr = (type: string): string => {
    const scalar = SCALARS[type];
    if (scalar !== undefined) return scalar;
    return emit(type);
  };

  const fieldLines = (msg: ProtoMessage): string[] => {
    const lines: string[] = [];
    for (const field of msg.fields) {
      if (field.inline) {
        const inner = messages.get(field.type);
        if (!inner) throw new Error(`unknown inline type ${field.type}`);
        lines.push(...fieldLines(inner));
        continue;
      }
      const key = `${msg.group}.${msg.name}.${field.jsonName}`;
      const override = OVERRIDES[key];
      let expr: string;
      if (override !== undefined) expr = override;
      else if (field.label === 'map') expr = `{ type: 'map', values: ${typeExpr(field.type)} }`;
      else if (field.label === 'repeated') {
        if (LIST_MARKERS[key]) usedMarkers.add(key);
        expr = `{ type: 'array', items: ${typeExpr(field.type)}${markerText(LIST_MARKERS[key])} }`;
      }
      else expr = typeExpr(field.type);
      lines.push(`    ${quoteKey(field.jsonName)}: ${expr},`);
    }
    return lines;
  };

  function emit(full: string): string {
    const done = emitted.get(full);
    if (done !== undefined) return done;
    const msg = messages.get(full);
    if (!msg) throw new Error(`unknown message ${full}`);
    const name = constName(msg);
    emitted.set(full, name);
    const lines = fieldLines(msg);
    if (rootMessages.has(full)) lines.unshift('    apiVersion: STRING,', '    kind: STRING,');
    const extra: string[] = [];
    const required = REQUIRED[`${msg.group}.${msg.name}`];
    if (required) extra.push(`  required: [${required.map((r) => `'${r}'`).join(', ')}],`);
    if (RETAIN_KEYS.has(`${msg.group}.${msg.name}`)) extra.push('  retainKeys: true,');
    out.push(
      `export const ${name}: ObjectSchema = named('${msg.goPackage}.${msg.name}', {`,
      `  type: 'object',`,
      `  fields: {`,
      ...lines,
      `  },`,
      ...extra,
      `});`,
      '',
    );
    return name;
  }

  for (const [, , message] of ROOT_KINDS) emit(message);
  const roots = ROOT_KINDS.map(([apiVersion, kind, message]) => `  '${apiVersion}/${kind}': ${emitted.get(message)},`);
  const text = [
    '// GENERATED by api/k8s/schema/gen/proto-to-schema.ts from api/k8s/proto/*.proto and gen/markers.ts.',
    '// Do not edit: change the generator or the markers, then run YAWL_REWRITE=1 npx vitest run api/k8s/schema/gen',
    "import { ANY, BOOL, BYTES, DURATION, FLOAT64, INT32, INT64, INT_OR_STRING, MICRO_TIME, QUANTITY, STRING, TIME, named } from './scalars.js';",
    "import type { ObjectSchema } from './types.js';",
    '',
    '// Referenced so that every import is used whatever the proto files contain.',
    'void [ANY, BOOL, BYTES, DURATION, FLOAT64, INT32, INT64, INT_OR_STRING, MICRO_TIME, QUANTITY, STRING, TIME];',
    '',
    ...out,
    '/** Root schemas by "<apiVersion>/<kind>". */',
    'export const ROOT_SCHEMAS: Readonly<Record<string, ObjectSchema>> = {',
    ...roots,
    '};',
    '',
  ].join('\n');
  return { text, usedMarkers };
}

function markerText(marker: ListMarker | undefined): string {
  if (!marker) return '';
  const parts: string[] = [];
  if (marker.patchStrategy) parts.push(`patchStrategy: '${marker.patchStrategy}'`);
  if (marker.patchMergeKey) parts.push(`patchMergeKey: '${marker.patchMergeKey}'`);
  if (marker.listType) parts.push(`listType: '${marker.listType}'`);
  if (marker.listMapKeys) parts.push(`listMapKeys: [${marker.listMapKeys.map((k) => `'${k}'`).join(', ')}]`);
  return parts.length > 0 ? `, ${parts.join(', ')}` : '';
}

function quoteKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`;
}
