import { describe, expect, it } from 'vitest';
import { SelectorError } from './errors.js';
import { fieldSelectorToString, fieldValue, matchesFields, parseFieldSelector, parseFieldSelectorSyntax } from './field-selector.js';

const pod = {
  metadata: { name: 'web-1', namespace: 'default' },
  spec: { nodeName: 'node-a', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default' },
  status: { phase: 'Running', podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.9' }] },
};

describe('parseFieldSelector', () => {
  const ok: [string, string][] = [
    ['', ''],
    ['metadata.name=x', 'metadata.name=x'],
    ['metadata.name==x', 'metadata.name=x'],
    ['spec.nodeName!=y,metadata.name=x', 'metadata.name=x,spec.nodeName!=y'],
    ['spec.nodeName=', 'spec.nodeName='],
    ['metadata.name=a\\,b', 'metadata.name=a\\,b'],
    [',metadata.name=x,', 'metadata.name=x'],
  ];
  it.each(ok)('%j -> %j', (input, want) => {
    expect(fieldSelectorToString(parseFieldSelector('pods', input))).toBe(want);
  });

  const bad: [string, string, string][] = [
    ['pods', 'foo=bar', 'field label not supported: foo'],
    ['pods', 'metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['pods', 'metadata.name=a=b', 'invalid field selector: unescaped character in value: 61'],
    ['pods', 'metadata.name=a\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['nodes', 'metadata.namespace=x', 'field label not supported: metadata.namespace'],
    ['namespaces', 'spec.finalizers=x', 'field label not supported: spec.finalizers'],
    ['events', 'involvedObject.foo=x', 'field label not supported: involvedObject.foo'],
    ['configmaps', 'data=x', '"data" is not a known field selector: only "metadata.name", "metadata.namespace"'],
  ];
  it.each(bad)('%s %j', (resource, input, message) => {
    const run = () => parseFieldSelector(resource, input);
    expect(run).toThrow(SelectorError);
    expect(run).toThrow(message);
  });

  it('unescapes values', () => {
    expect(parseFieldSelectorSyntax('metadata.name=a\\=b\\\\c').terms).toEqual([{ field: 'metadata.name', operator: '=', value: 'a=b\\c' }]);
  });
});

describe('fieldValue and matchesFields', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['pods', pod, 'spec.nodeName', 'node-a'],
    ['pods', pod, 'status.podIP', '10.0.0.9'],
    ['pods', pod, 'status.nominatedNodeName', ''],
    ['pods', pod, 'spec.hostNetwork', 'false'],
    ['nodes', { metadata: { name: 'n' }, spec: { unschedulable: true } }, 'spec.unschedulable', 'true'],
    ['nodes', { metadata: { name: 'n' } }, 'spec.unschedulable', 'false'],
    ['replicasets', { metadata: { name: 'r' }, status: { replicas: 3 } }, 'status.replicas', '3'],
    ['secrets', { type: 'Opaque' }, 'type', 'Opaque'],
    ['namespaces', { status: { phase: 'Active' } }, 'status.phase', 'Active'],
    ['events', { source: { component: 'kubelet' }, reportingComponent: 'kubelet' }, 'source', 'kubelet'],
    ['events', { involvedObject: { kind: 'Pod', uid: 'u1' } }, 'involvedObject.uid', 'u1'],
    ['configmaps', { metadata: { name: 'c', namespace: 'ns' } }, 'metadata.namespace', 'ns'],
  ];
  it.each(cases)('%s %s %s', (resource, obj, field, want) => {
    expect(fieldValue(resource, obj, field)).toBe(want);
  });

  it('matches = and != with unset fields as ""', () => {
    const unscheduled = { metadata: { name: 'p' }, spec: {} };
    expect(matchesFields('pods', parseFieldSelector('pods', 'spec.nodeName='), unscheduled)).toBe(true);
    expect(matchesFields('pods', parseFieldSelector('pods', 'spec.nodeName='), pod)).toBe(false);
    expect(matchesFields('pods', parseFieldSelector('pods', 'spec.nodeName=node-a,status.phase!=Failed'), pod)).toBe(true);
    expect(matchesFields('pods', parseFieldSelector('pods', 'spec.nodeName=node-a,status.phase!=Running'), pod)).toBe(false);
    expect(matchesFields('pods', parseFieldSelector('pods', ''), pod)).toBe(true);
  });
});
