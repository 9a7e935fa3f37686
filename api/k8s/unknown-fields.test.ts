import { describe, expect, it } from 'vitest';
import { schemaFor } from './schema/index.js';
import { base64Error, findUnknownFields, strictDecodingMessage, typeErrors } from './unknown-fields.js';

const pod = schemaFor('v1', 'Pod')!;
const deploy = schemaFor('apps/v1', 'Deployment')!;

describe('findUnknownFields', () => {
  it.each([
    [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'i' }] } }, []],
    [{ metadata: { name: 'a', foo: 1 } }, ['.metadata.foo']],
    [{ spec: { foo: 1 } }, ['.spec.foo']],
    [{ spec: { containers: [{ name: 'a' }, { name: 'b', foo: 1, ports: [{ containerPort: 80, bar: 2 }] }] } }, ['.spec.containers[1].foo', '.spec.containers[1].ports[0].bar']],
    [{ spec: { volumes: [{ name: 'v', configMap: { name: 'x', itmes: [] } }] } }, ['.spec.volumes[0].configMap.itmes']],
    [{ spec: { containers: [{ livenessProbe: { httpGet: { port: 80, paht: '/' } } }] } }, ['.spec.containers[0].livenessProbe.httpGet.paht']],
    [{ metadata: { labels: { anything: 'x' }, managedFields: [{ whatever: 1 }] } }, []],
    [{ spec: { containers: 'oops' } }, []],
    [{ status: { phase: 'Running', bogus: true }, extra: 1 }, ['.status.bogus', '.extra']],
  ])('%j → %j', (obj, paths) => {
    expect(findUnknownFields(pod, obj)).toEqual(paths);
  });

  it('sees pod template fields under a Deployment', () => {
    const obj = { spec: { replicas: 1, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', imagePullPolice: 'Always' }] } } } };
    const paths = findUnknownFields(deploy, obj);
    expect(paths).toEqual(['.spec.template.spec.containers[0].imagePullPolice']);
    expect(strictDecodingMessage(paths)).toBe('strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolice"');
  });
});

describe('typeErrors', () => {
  it.each([
    [deploy, { spec: { replicas: 'three' } }, 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [deploy, { spec: { replicas: 1.5 } }, 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [deploy, { spec: 'x' }, 'json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec'],
    [deploy, { spec: { template: { spec: { containers: [{ image: 5 }] } } } }, 'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string'],
    [deploy, { spec: { template: { spec: { containers: {} } } } }, 'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container'],
    [pod, { metadata: { labels: { a: 1 } } }, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    [pod, { spec: { containers: [{ args: [1] }] } }, 'json: cannot unmarshal number into Go struct field Container.spec.containers.args of type string'],
    [pod, { spec: { hostNetwork: 'yes' } }, 'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool'],
    [pod, { spec: { terminationGracePeriodSeconds: '30' } }, 'json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64'],
    [pod, { spec: { containers: [{ resources: { limits: { cpu: 'lots' } } }] } }, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    [pod, { spec: { containers: [{ ports: [{ containerPort: 80.5 }] }] } }, 'json: cannot unmarshal number 80.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32'],
    [pod, { metadata: { creationTimestamp: 'yesterday' } }, 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'],
    [schemaFor('v1', 'Secret')!, { data: { a: 'not base64!' } }, 'illegal base64 data at input byte 3'],
  ])('%#', (schema, obj, message) => {
    expect(typeErrors(schema, obj)[0]).toBe(message);
  });

  it('accepts well-typed objects, nulls, numbers as quantities and either form of int-or-string', () => {
    const obj = {
      metadata: { name: 'x', creationTimestamp: null, deletionTimestamp: '2024-05-01T10:00:00Z' },
      spec: {
        replicas: 2,
        strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: { spec: { containers: [{ name: 'c', resources: { requests: { cpu: 0.5, memory: '1Gi' } }, ports: [{ containerPort: 80 }] }] } },
      },
    };
    expect(typeErrors(deploy, obj)).toEqual([]);
    expect(typeErrors(schemaFor('v1', 'Secret')!, { data: { a: 'aGVsbG8=', b: '' } })).toEqual([]);
  });
});

describe('base64Error', () => {
  it.each([
    ['aGVsbG8=', undefined],
    ['aGVsbA==', undefined],
    ['aGVs', undefined],
    ['aGVsbG8', 'illegal base64 data at input byte 4'],
    ['a', 'illegal base64 data at input byte 0'],
    ['ab$d', 'illegal base64 data at input byte 2'],
    ['a=bc', 'illegal base64 data at input byte 1'],
  ])('%j → %s', (s, err) => expect(base64Error(s)).toBe(err));
});
