// The paths of one resource in a group-version document, laid out as the apiserver's: the collection
// (list/create/deletecollection), the cluster-wide list for namespaced resources, the object
// (read/replace/patch/delete) and each subresource. Every operation names its group-version-kind; every
// PATCH, PUT and POST takes `fieldValidation`, which is what kubectl's query-param verifier looks for on the
// PATCH of a kind before it leaves field validation to the server.
import type { ResourceInfo, SubresourceInfo, Verb } from '../../api/k8s/resources.js';
import type { OpenApiSchema } from './schema.js';

type Gvk = { group: string; version: string; kind: string };
type Param = { name: string; in: 'path' | 'query'; required?: boolean; description: string; schema: OpenApiSchema };

const q = (name: string, description: string, schema: OpenApiSchema = { type: 'string', uniqueItems: true }): Param => ({ name, in: 'query', description, schema });
const PRETTY = q('pretty', "If 'true', then the output is pretty printed.");
const DRY_RUN = q('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed');
const FIELD_MANAGER = q('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.');
const FIELD_VALIDATION = q(
  'fieldValidation',
  'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
);
const FORCE = q('force', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people.', { type: 'boolean', uniqueItems: true });
const WRITE = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];
const LIST = [
  q('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', { type: 'boolean', uniqueItems: true }),
  q('continue', 'The continue option should be set when retrieving more results from the server.'),
  q('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  q('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  q('limit', 'limit is a maximum number of responses to return for a list call.', { type: 'integer', uniqueItems: true }),
  q('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  q('resourceVersionMatch', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  q('sendInitialEvents', 'sendInitialEvents=true may be set together with watch=true.', { type: 'boolean', uniqueItems: true }),
  q('timeoutSeconds', 'Timeout for the list/watch call.', { type: 'integer', uniqueItems: true }),
  q('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', { type: 'boolean', uniqueItems: true }),
];
const DELETE = [
  DRY_RUN,
  q('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', { type: 'integer', uniqueItems: true }),
  q('orphanDependents', 'Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7.', { type: 'boolean', uniqueItems: true }),
  q('propagationPolicy', "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'."),
];
const pathParam = (name: string, description: string): Param => ({ name, in: 'path', required: true, description, schema: { type: 'string', uniqueItems: true } });

const PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
export const PATCH_SCHEMA = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';
export const STATUS_SCHEMA = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
export const DELETE_OPTIONS_SCHEMA = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';

/** io.k8s.api.<group's first label, "core" for "">.<version>.<Kind>, as Kubernetes names definitions. */
export function schemaName(gvk: Gvk): string {
  return `io.k8s.api.${gvk.group === '' ? 'core' : gvk.group.split('.')[0]}.${gvk.version}.${gvk.kind}`;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: OpenApiSchema) => ({ 'application/json': { schema }, 'application/yaml': { schema } });
const ok = (schema: OpenApiSchema) => ({ '200': { description: 'OK', content: json(schema) }, '401': { description: 'Unauthorized' } });

/** "CoreV1", "AppsV1", "CoordinationV1": the middle of Kubernetes' operation ids. */
function gvTag(group: string, version: string): { tag: string; id: string } {
  const g = group === '' ? 'core' : group.split('.')[0]!;
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return { tag: `${g}_${version}`, id: `${cap(g)}${cap(version)}` };
}

export interface ResourcePaths {
  readonly paths: Record<string, OpenApiSchema>;
  /** Kinds the operations refer to (the resource's own, Scale, Eviction, Binding), to add to components. */
  readonly kinds: Gvk[];
}

export function resourcePaths(r: ResourceInfo): ResourcePaths {
  const gv = gvTag(r.group, r.version);
  const prefix = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const scope = r.namespaced ? 'Namespaced' : '';
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
  const own: Gvk = { group: r.group, version: r.version, kind: r.kind };
  const listName = `${schemaName(own)}List`;
  const has = (v: Verb) => r.verbs.includes(v);
  const common = [...(r.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : []), PRETTY];
  const withName = [pathParam('name', `name of the ${r.kind}`), ...common];

  const op = (action: string, idVerb: string, suffix: string, gvk: Gvk, parameters: Param[], extra: OpenApiSchema) => ({
    tags: [gv.tag],
    description: `${action} ${gvk.kind}`,
    operationId: `${idVerb}${gv.id}${scope}${r.kind}${suffix}`,
    parameters,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: gvk.group, kind: gvk.kind, version: gvk.version },
    ...extra,
  });
  const body = (schema: OpenApiSchema) => ({ requestBody: { required: true, content: { '*/*': { schema } } } });
  const patchBody = { requestBody: { required: true, content: Object.fromEntries(PATCH_TYPES.map((t) => [t, { schema: ref(PATCH_SCHEMA) }])) } };

  const paths: Record<string, OpenApiSchema> = {};
  const kinds: Gvk[] = [own];
  const item = ref(schemaName(own));

  const coll: OpenApiSchema = { parameters: common };
  if (has('list')) coll.get = op('list', 'list', '', own, LIST, { responses: ok(ref(listName)) });
  if (has('create')) coll.post = op('post', 'create', '', own, WRITE, { ...body(item), responses: ok(item) });
  if (has('deletecollection')) coll.delete = op('deletecollection', 'deleteCollection', '', own, [...DELETE, ...LIST], { responses: ok(ref(STATUS_SCHEMA)) });
  paths[collection] = coll;
  if (r.namespaced && has('list')) {
    paths[`${prefix}/${r.resource}`] = {
      parameters: [PRETTY],
      get: { ...op('list', 'list', 'ForAllNamespaces', own, LIST, { responses: ok(ref(listName)) }), operationId: `list${gv.id}${r.kind}ForAllNamespaces` },
    };
  }

  const obj: OpenApiSchema = { parameters: withName };
  if (has('get')) obj.get = op('get', 'read', '', own, [], { responses: ok(item) });
  if (has('update')) obj.put = op('put', 'replace', '', own, WRITE, { ...body(item), responses: ok(item) });
  if (has('patch')) obj.patch = op('patch', 'patch', '', own, [...WRITE, FORCE], { ...patchBody, responses: ok(item) });
  if (has('delete')) obj.delete = op('delete', 'delete', '', own, DELETE, { ...body(ref(DELETE_OPTIONS_SCHEMA)), responses: ok(ref(STATUS_SCHEMA)) });
  paths[`${collection}/{name}`] = obj;

  for (const s of r.subresources) {
    const gvk: Gvk = { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind };
    if (!kinds.some((k) => k.group === gvk.group && k.version === gvk.version && k.kind === gvk.kind)) kinds.push(gvk);
    paths[`${collection}/{name}/${s.name}`] = subresourcePath(s, gvk, withName, op, body, patchBody);
  }
  return { paths, kinds };
}

type OpFn = (action: string, idVerb: string, suffix: string, gvk: Gvk, parameters: Param[], extra: OpenApiSchema) => OpenApiSchema;

function subresourcePath(s: SubresourceInfo, gvk: Gvk, params: Param[], op: OpFn, body: (s: OpenApiSchema) => OpenApiSchema, patchBody: OpenApiSchema): OpenApiSchema {
  const suffix = s.name.charAt(0).toUpperCase() + s.name.slice(1);
  const schema = ref(schemaName(gvk));
  const out: OpenApiSchema = { parameters: params };
  if (s.name === 'log') {
    out.get = op('get', 'read', suffix, gvk, [q('container', 'The container for which to stream logs.'), q('follow', 'Follow the log stream of the pod.', { type: 'boolean', uniqueItems: true })], {
      responses: { '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } } },
    });
    return out;
  }
  if (s.verbs.includes('get')) out.get = op('get', 'read', suffix, gvk, [], { responses: ok(schema) });
  if (s.verbs.includes('update')) out.put = op('put', 'replace', suffix, gvk, WRITE, { ...body(schema), responses: ok(schema) });
  if (s.verbs.includes('patch')) out.patch = op('patch', 'patch', suffix, gvk, [...WRITE, FORCE], { ...patchBody, responses: ok(schema) });
  if (s.verbs.includes('create')) out.post = op('post', 'create', suffix, gvk, WRITE, { ...body(schema), responses: ok(schema) });
  return out;
}
