import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../defaults.js';
import type { JsonObject } from '../meta.js';
import { findKind, RESOURCES } from '../resources.js';
import { formatError, invalidMessage, qualifiedKind, validateCreate, validateSubresource, validateUpdate } from './index.js';
import { POD_UPDATE_FORBIDDEN } from './pod.js';

const info = (kind: string) => RESOURCES.find((r) => r.kind === kind)!;
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

function defaulted(apiVersion: string, kind: string, obj: JsonObject): JsonObject {
  applyDefaults(apiVersion, kind, obj);
  return obj;
}

const pod = (spec: JsonObject = {}, meta: JsonObject = {}) =>
  defaulted('v1', 'Pod', { metadata: { name: 'p', namespace: 'default', ...meta }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });

const deployment = (spec: JsonObject = {}, labels: Record<string, string> = { app: 'web' }) =>
  defaulted('apps/v1', 'Deployment', {
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, ...spec },
  });

const errorsOf = (kind: string, obj: JsonObject) => validateCreate(info(kind), obj).map(formatError);

describe('validateCreate', () => {
  it('accepts well-formed objects of every kind', () => {
    expect(errorsOf('Pod', pod())).toEqual([]);
    expect(errorsOf('Deployment', deployment())).toEqual([]);
    expect(errorsOf('Namespace', defaulted('v1', 'Namespace', { metadata: { name: 'dev' } }))).toEqual([]);
    expect(errorsOf('Service', defaulted('v1', 'Service', { metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ port: 80 }], selector: { app: 'web' } } }))).toEqual([]);
    expect(errorsOf('ConfigMap', { metadata: { name: 'cm', namespace: 'default' }, data: { 'a.yaml': 'x' } })).toEqual([]);
    expect(errorsOf('Secret', defaulted('v1', 'Secret', { metadata: { name: 's', namespace: 'default' }, data: { password: 'cGFzcw==' } }))).toEqual([]);
    expect(errorsOf('Lease', { metadata: { name: 'l', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'n1', leaseDurationSeconds: 40 } })).toEqual([]);
    expect(errorsOf('Node', defaulted('v1', 'Node', { metadata: { name: 'node-1' }, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }))).toEqual([]);
  });

  it.each([
    ['Namespace', { metadata: { name: 'Dev' } }, [`metadata.name: Invalid value: "Dev": ${LABEL_MSG}`]],
    ['Namespace', { metadata: { name: 'a.b' } }, ['metadata.name: Invalid value: "a.b": must not contain dots']],
    ['Namespace', { metadata: { name: 'dev', namespace: 'x' } }, ['metadata.namespace: Forbidden: not allowed on this type']],
    ['ConfigMap', { metadata: { name: 'Foo', namespace: 'default' } }, [`metadata.name: Invalid value: "Foo": ${SUBDOMAIN_MSG}`]],
    ['ConfigMap', { metadata: { namespace: 'default' } }, ['metadata.name: Required value: name or generateName is required']],
    ['ConfigMap', { metadata: { name: 'a' } }, ['metadata.namespace: Required value']],
    [
      'Service',
      { metadata: { name: '1web', namespace: 'default' }, spec: { type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] } },
      ["metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"],
    ],
    ['ConfigMap', { metadata: { name: 'a', namespace: 'default', labels: { 'bad key!': 'x', ok: '-v' } } }, [
      "metadata.labels: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      "metadata.labels: Invalid value: \"-v\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]],
    ['ConfigMap', { metadata: { name: 'a', namespace: 'default' }, data: { 'a b': 'x' } }, ["data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]],
    ['Secret', { metadata: { name: 's', namespace: 'default' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }, ['data[tls.key]: Required value']],
    ['Lease', { metadata: { name: 'l', namespace: 'default' }, spec: { leaseDurationSeconds: 0 } }, ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']],
    ['Node', { metadata: { name: 'n' }, spec: { taints: [{ key: 'k', effect: 'Sometimes' }] } }, ['spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"']],
  ])('%s %j', (kind, obj, errs) => expect(errorsOf(kind, obj as JsonObject)).toEqual(errs));

  it.each([
    [{ containers: [] }, ['spec.containers: Required value']],
    [{ containers: [{ name: 'c' }] }, ['spec.containers[0].image: Required value']],
    [{ containers: [{ image: 'nginx' }] }, ['spec.containers[0].name: Required value']],
    [{ containers: [{ name: 'Web', image: 'nginx' }] }, [`spec.containers[0].name: Invalid value: "Web": ${LABEL_MSG}`]],
    [{ containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] }, ['spec.containers[1].name: Duplicate value: "a"']],
    [{ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 70000 }] }] }, ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    [{ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80, protocol: 'HTTP' }] }] }, ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']],
    [{ containers: [{ name: 'a', image: 'x', ports: [{ name: 'HTTP', containerPort: 80 }] }] }, [
      'spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain at least one letter (a-z)',
    ]],
    [{ containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] }, ['spec.containers[0].volumeMounts[0].name: Not found: "data"']],
    [{ containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1' }, requests: { cpu: '2' } } }] }, ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']],
    [{ containers: [{ name: 'a', image: 'x', imagePullPolicy: 'Sometimes' }] }, ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"']],
    [{ containers: [{ name: 'a', image: 'x', livenessProbe: { periodSeconds: 5 } }] }, ['spec.containers[0].livenessProbe: Required value: must specify a handler type']],
    [{ containers: [{ name: 'a', image: 'x', livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } }] }, ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1']],
    [{ containers: [{ name: 'a', image: 'x', env: [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }] }, ['spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty']],
    [{ restartPolicy: 'Sometimes' }, ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    [{ volumes: [{ name: 'a', emptyDir: {} }, { name: 'a', emptyDir: {} }] }, ['spec.volumes[1].name: Duplicate value: "a"']],
    [{ volumes: [{ name: 'a', emptyDir: {}, configMap: { name: 'x' } }] }, ['spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type']],
    [{ tolerations: [{ operator: 'Equal', value: 'x' }] }, ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"']],
    [{ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }] }, ["spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"]],
    [{ activeDeadlineSeconds: 0 }, ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive']],
    [{ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } }, ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term']],
    [{ topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }] }, ['spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero']],
  ])('Pod spec %j', (spec, errs) => {
    expect(errorsOf('Pod', pod(spec as JsonObject))).toEqual(errs);
  });

  it.each([
    [deployment({}, { app: 'x' }), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`']],
    [deployment({ replicas: -1 }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    [deployment({ selector: { matchLabels: {} } }), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment']],
    [deployment({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }), ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]],
    [deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0']],
    [deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'lots', maxUnavailable: 1 } } }), ["spec.strategy.rollingUpdate.maxSurge: Invalid value: lots: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]],
    [deployment({ progressDeadlineSeconds: 10, minReadySeconds: 10 }), ['spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds']],
  ])('Deployment %#', (obj, errs) => expect(errorsOf('Deployment', obj)).toEqual(errs));

  it('Deployment: template restartPolicy must be Always; missing selector is required', () => {
    const d = deployment();
    ((d.spec as JsonObject).template as { spec: JsonObject }).spec.restartPolicy = 'Never';
    expect(errorsOf('Deployment', d)).toEqual(['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
    const noSel = deployment();
    delete (noSel.spec as JsonObject).selector;
    expect(errorsOf('Deployment', noSel)).toEqual(['spec.selector: Required value']);
  });

  it.each([
    [{ type: 'ClusterIP', sessionAffinity: 'None', selector: { app: 'x' } }, ['spec.ports: Required value']],
    [{ type: 'ClusterIP', sessionAffinity: 'None', clusterIP: 'None' }, []],
    [{ type: 'ExternalName', externalName: 'example.com', sessionAffinity: 'None' }, []],
    [{ type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 0, protocol: 'TCP', targetPort: 80 }] }, ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive']],
    [{ type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 81, protocol: 'TCP', targetPort: 81 }] }, ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']],
    [{ type: 'Balanced', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] }, ['spec.type: Unsupported value: "Balanced": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    [{ type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30000 }] }, ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
  ])('Service %j', (spec, errs) => expect(errorsOf('Service', { metadata: { name: 'web', namespace: 'default' }, spec } as JsonObject)).toEqual(errs));
});

describe('validateUpdate', () => {
  const update = (kind: string, next: JsonObject, old: JsonObject) => validateUpdate(info(kind), next, old).map(formatError);

  it('metadata name, namespace and uid are immutable', () => {
    const old = { metadata: { name: 'a', namespace: 'default', uid: 'u1' }, data: {} };
    expect(update('ConfigMap', { metadata: { name: 'a', namespace: 'default', uid: 'u2' } }, old)).toEqual(['metadata.uid: Invalid value: "u2": field is immutable']);
  });

  it('Deployment selector is immutable', () => {
    const old = deployment();
    const next = deployment({ selector: { matchLabels: { app: 'web2' } } }, { app: 'web2' });
    expect(update('Deployment', next, old)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
    expect(update('Deployment', deployment({ replicas: 5 }), old)).toEqual([]);
  });

  it('Pod: images may change, other fields may not', () => {
    const old = pod();
    expect(update('Pod', pod({ containers: [{ name: 'c', image: 'nginx:2', imagePullPolicy: 'Always' }] }), old)).toEqual([]);
    expect(update('Pod', pod({ activeDeadlineSeconds: 30 }), old)).toEqual([]);
    expect(update('Pod', pod({ tolerations: [{ key: 'k', operator: 'Exists' }] }), old)).toEqual([]);
    const errs = validateUpdate(info('Pod'), pod({ containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] }), old);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.field).toBe('spec');
    expect(errs[0]!.message.startsWith(`Forbidden: ${POD_UPDATE_FORBIDDEN}\n`)).toBe(true);
    expect(update('Pod', pod({ containers: [{ name: 'c', image: 'x' }, { name: 'd', image: 'y' }] }), old)).toEqual(['spec.containers: Forbidden: pod updates may not add or remove containers']);
    const withToleration = pod({ tolerations: [{ key: 'k', operator: 'Exists' }] });
    expect(update('Pod', pod(), withToleration)).toEqual(['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
  });

  it('Service: the allocated cluster IP may not change', () => {
    const spec = { type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] };
    const old = { metadata: { name: 'web', namespace: 'default' }, spec: { ...spec, clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5'] } };
    const next = { metadata: { name: 'web', namespace: 'default' }, spec: { ...spec, clusterIP: '10.0.0.6', clusterIPs: ['10.0.0.6'] } };
    expect(update('Service', next, old)).toEqual(['spec.clusterIPs[0]: Invalid value: []string{"10.0.0.6"}: may not change once set']);
  });

  it('immutable ConfigMaps and Secret types', () => {
    const old = { metadata: { name: 'a', namespace: 'default' }, immutable: true, data: { a: 'b' } };
    expect(update('ConfigMap', { ...old, data: { a: 'c' } }, old)).toEqual(['data: Forbidden: field is immutable when `immutable` is set']);
    const s = { metadata: { name: 's', namespace: 'default' }, type: 'Opaque' };
    expect(update('Secret', { ...s, type: 'kubernetes.io/basic-auth', data: { username: 'dQ==' } }, s)).toEqual(['type: Invalid value: "kubernetes.io/basic-auth": field is immutable']);
  });
});

describe('messages and subresources', () => {
  it('builds the 422 message the apiserver returns', () => {
    const d = deployment({}, { app: 'x' });
    const r = findKind('apps/v1', 'Deployment')!;
    expect(invalidMessage(qualifiedKind(r.kind, r.group), 'web', validateCreate(r, d))).toBe(
      'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
    );
  });

  it('validates Binding, Eviction and Scale bodies', () => {
    expect(validateSubresource('Binding', { target: { kind: 'Node' } }, 'p').map(formatError)).toEqual(['target.name: Required value']);
    expect(validateSubresource('Scale', { spec: { replicas: -2 } }, 'web').map(formatError)).toEqual(['spec.replicas: Invalid value: -2: must be greater than or equal to 0']);
    expect(validateSubresource('Eviction', { metadata: { name: 'p' } }, 'p')).toEqual([]);
  });
});
