// The checks kubectl users meet first, with the real apiserver's wording: object names, required containers,
// and a workload's selector matching its template. (api/k8s grows the full per-field validation.)
import type { ResourceInfo } from '../api/k8s/resources.js';
import type { KubeObject } from './registry/object-store.js';
import type { FieldError } from './registry/strategy.js';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** Namespaces and Services are named by DNS labels; the rest by DNS subdomains. */
function nameIsLabel(info: ResourceInfo): boolean {
  return info.resource === 'namespaces' || info.resource === 'services';
}

function goMap(m: Record<string, string>): string {
  return `map[string]string{${Object.entries(m)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `"${k}":"${v}"`)
    .join(', ')}}`;
}

export function validate(info: ResourceInfo, obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const name = obj.metadata.name;
  if (name === undefined || name === '') {
    errs.push({ type: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  } else if (old === undefined) {
    const label = nameIsLabel(info);
    if (!(label ? LABEL : SUBDOMAIN).test(name) || name.length > (label ? 63 : 253)) {
      errs.push({ type: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${name}": ${label ? LABEL_MSG : SUBDOMAIN_MSG}` });
    }
  }
  const o = obj as Record<string, any>;
  const podSpecAt = (spec: Record<string, any> | undefined, path: string) => {
    const containers = (spec?.containers ?? []) as Array<Record<string, any>>;
    if (containers.length === 0) errs.push({ type: 'FieldValueRequired', field: `${path}.containers`, message: 'Required value' });
    containers.forEach((c, i) => {
      if (!c.name) errs.push({ type: 'FieldValueRequired', field: `${path}.containers[${i}].name`, message: 'Required value' });
      if (!c.image) errs.push({ type: 'FieldValueRequired', field: `${path}.containers[${i}].image`, message: 'Required value' });
    });
  };
  if (info.resource === 'pods') podSpecAt(o.spec, 'spec');
  if (info.resource === 'deployments' || info.resource === 'replicasets') {
    const selector = o.spec?.selector as { matchLabels?: Record<string, string> } | undefined;
    const labels = (o.spec?.template?.metadata?.labels ?? {}) as Record<string, string>;
    if (!selector) errs.push({ type: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' });
    else if (Object.entries(selector.matchLabels ?? {}).some(([k, v]) => labels[k] !== v)) {
      errs.push({ type: 'FieldValueInvalid', field: 'spec.template.metadata.labels', message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\`` });
    }
    if (typeof o.spec?.replicas === 'number' && o.spec.replicas < 0) errs.push({ type: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${o.spec.replicas}: must be greater than or equal to 0` });
    podSpecAt(o.spec?.template?.spec, 'spec.template.spec');
  }
  return errs;
}

/** Top-level fields each kind has (a strict decode refuses any other). Nested fields are not checked yet. */
const TOP_LEVEL: Record<string, string[]> = {
  ConfigMap: ['data', 'binaryData', 'immutable'],
  Secret: ['data', 'stringData', 'type', 'immutable'],
  Endpoints: ['subsets'],
  Event: ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type', 'eventTime', 'series', 'action', 'related', 'reportingComponent', 'reportingInstance'],
};

export function unknownTopLevelFields(obj: KubeObject): string[] {
  const own = TOP_LEVEL[String(obj.kind)] ?? ['spec', 'status'];
  const known = new Set(['apiVersion', 'kind', 'metadata', ...own]);
  return Object.keys(obj)
    .filter((k) => !known.has(k))
    .map((k) => `.${k}`);
}
