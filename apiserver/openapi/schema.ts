// Field schemas (api/k8s/schema/types.ts) as OpenAPI 3.0 schema objects, with the vendor extensions kubectl
// reads: x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key (strategic merge patch, computed by
// `kubectl apply` from this document), x-kubernetes-list-type / -list-map-keys, and IntOrString and Quantity
// as Kubernetes' v3 documents write them (oneOf integer|string with format int-or-string; oneOf string|number).
// Nested objects are written inline, so the patch-meta lookup never needs to resolve a reference.
import type { ArraySchema, FieldSchema, ObjectSchema } from '../../api/k8s/schema/types.js';

export type OpenApiSchema = Record<string, unknown>;

function scalar(schema: FieldSchema): OpenApiSchema | undefined {
  const described = (s: OpenApiSchema): OpenApiSchema => (schema.description ? { description: schema.description, ...s } : s);
  switch (schema.type) {
    case 'string':
      return described(schema.enum ? { type: 'string', enum: [...schema.enum] } : { type: 'string' });
    case 'integer':
      return described({ type: 'integer' });
    case 'number':
      return described({ type: 'number', format: 'double' });
    case 'boolean':
      return described({ type: 'boolean' });
    case 'int-or-string':
      return described({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true });
    case 'quantity':
      return described({ oneOf: [{ type: 'string' }, { type: 'number' }] });
    case 'time':
      return described({ type: 'string', format: 'date-time' });
    case 'any':
      return described({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    default:
      return undefined;
  }
}

function arrayExtensions(a: ArraySchema): OpenApiSchema {
  const ext: OpenApiSchema = {};
  if (a.listType) ext['x-kubernetes-list-type'] = a.listType;
  if (a.listMapKeys && a.listMapKeys.length > 0) ext['x-kubernetes-list-map-keys'] = [...a.listMapKeys];
  if (a.patchMergeKey) ext['x-kubernetes-patch-merge-key'] = a.patchMergeKey;
  if (a.patchStrategy) ext['x-kubernetes-patch-strategy'] = a.patchStrategy;
  return ext;
}

/** One field schema as OpenAPI; `seen` guards against a schema that contains itself. */
export function toOpenApi(schema: FieldSchema, seen: ReadonlySet<FieldSchema> = new Set()): OpenApiSchema {
  const s = scalar(schema);
  if (s) return s;
  if (seen.has(schema)) return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const inner = new Set(seen).add(schema);
  const out: OpenApiSchema = {};
  if (schema.description) out.description = schema.description;
  switch (schema.type) {
    case 'map':
      return { ...out, type: 'object', additionalProperties: toOpenApi(schema.values, inner) };
    case 'array':
      return { ...out, type: 'array', items: toOpenApi(schema.items, inner), ...arrayExtensions(schema) };
    case 'object':
      return { ...out, ...objectBody(schema, inner) };
    default:
      return out;
  }
}

function objectBody(schema: ObjectSchema, seen: ReadonlySet<FieldSchema>): OpenApiSchema {
  const properties: Record<string, OpenApiSchema> = {};
  for (const [name, field] of Object.entries(schema.fields)) {
    const p = toOpenApi(field, seen);
    // retainKeys is a strategy of the field that holds the struct (Deployment's spec.strategy).
    properties[name] = field.type === 'object' && field.retainKeys ? { ...p, 'x-kubernetes-patch-strategy': 'retainKeys' } : p;
  }
  const out: OpenApiSchema = { type: 'object', properties };
  if (schema.required && schema.required.length > 0) out.required = [...schema.required];
  return out;
}

/** A kind's root schema, tagged with its group-version-kind (an array, as on Kubernetes' definitions). */
export function kindSchema(schema: ObjectSchema, gvk: { group: string; version: string; kind: string }): OpenApiSchema {
  return { ...toOpenApi(schema), 'x-kubernetes-group-version-kind': [{ group: gvk.group, kind: gvk.kind, version: gvk.version }] };
}
