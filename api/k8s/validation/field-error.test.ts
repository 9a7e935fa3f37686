import { describe, expect, it } from 'vitest';
import { duplicate, formatCause, formatError, forbidden, GoValue, goFormat, invalid, invalidMessage, notFound, notSupported, required, tooLong } from './field-error.js';

describe('field errors', () => {
  it.each([
    [required('spec.containers'), 'spec.containers: Required value'],
    [required('metadata.name', 'name or generateName is required'), 'metadata.name: Required value: name or generateName is required'],
    [invalid('spec.replicas', -1, 'must be greater than or equal to 0'), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [invalid('metadata.name', 'Foo', 'bad'), 'metadata.name: Invalid value: "Foo": bad'],
    [notSupported('spec.restartPolicy', 'Sometimes', ['Always', 'OnFailure', 'Never']), 'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    [forbidden('metadata.namespace', 'not allowed on this type'), 'metadata.namespace: Forbidden: not allowed on this type'],
    [duplicate('spec.containers[1].name', 'a'), 'spec.containers[1].name: Duplicate value: "a"'],
    [notFound('spec.containers[0].volumeMounts[0].name', 'data'), 'spec.containers[0].volumeMounts[0].name: Not found: "data"'],
    [tooLong('metadata.annotations', 262144), 'metadata.annotations: Too long: must have at most 262144 bytes'],
    [invalid('x', new GoValue('25%'), 'd'), 'x: Invalid value: 25%: d'],
  ])('%#', (err, text) => expect(formatError(err)).toBe(text));

  it('formats values as Go does', () => {
    expect(goFormat({ b: 'y', a: 'x' })).toBe('map[string]string{"a":"x", "b":"y"}');
    expect(goFormat(['a', 'b'])).toBe('[]string{"a", "b"}');
    expect(goFormat(null)).toBe('null');
    expect(goFormat('a"b\n')).toBe('"a\\"b\\n"');
    expect(goFormat(true)).toBe('true');
  });

  it('builds the 422 message and causes', () => {
    const e1 = required('spec.containers[0].image');
    const e2 = invalid('spec.replicas', -1, 'must be greater than or equal to 0');
    expect(invalidMessage('Pod', 'p', [e1])).toBe('Pod "p" is invalid: spec.containers[0].image: Required value');
    expect(invalidMessage('Deployment.apps', 'web', [e1, e2, e1])).toBe(
      'Deployment.apps "web" is invalid: [spec.containers[0].image: Required value, spec.replicas: Invalid value: -1: must be greater than or equal to 0]',
    );
    expect(formatCause(e2)).toEqual({ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' });
  });
});
