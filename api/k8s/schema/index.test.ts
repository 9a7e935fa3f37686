import { describe, expect, it } from 'vitest';
import { RESOURCES, apiVersionOf } from '../resources.js';
import { allSchemas, goTypeOf, schemaFor } from './index.js';
import type { ArraySchema, FieldSchema, ObjectSchema } from './types.js';

function at(schema: FieldSchema, path: string): FieldSchema {
  let s: FieldSchema = schema;
  for (const part of path.split('.')) {
    while (s.type === 'array') s = s.items;
    if (s.type !== 'object') throw new Error(`${path}: ${part} under ${s.type}`);
    const next: FieldSchema | undefined = s.fields[part];
    if (!next) throw new Error(`${path}: no ${part}`);
    s = next;
  }
  return s;
}

describe('schemaFor', () => {
  it('has a root schema for every served kind and the subresource kinds', () => {
    for (const r of RESOURCES) expect(schemaFor(apiVersionOf(r), r.kind), r.kind).toBeDefined();
    expect(schemaFor('v1', 'Binding')).toBeDefined();
    expect(schemaFor('policy/v1', 'Eviction')).toBeDefined();
    expect(schemaFor('autoscaling/v1', 'Scale')).toBeDefined();
    expect(schemaFor('apps/v1', 'Pod')).toBeUndefined();
    expect(allSchemas()).toHaveLength(14);
    expect(allSchemas().find((s) => s.kind === 'Lease')?.gvk).toEqual({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' });
  });

  it.each([
    ['v1', 'Pod', 'spec.containers', 'merge', 'name'],
    ['v1', 'Pod', 'spec.initContainers', 'merge', 'name'],
    ['v1', 'Pod', 'spec.containers.ports', 'merge', 'containerPort'],
    ['v1', 'Pod', 'spec.containers.env', 'merge', 'name'],
    ['v1', 'Pod', 'spec.containers.volumeMounts', 'merge', 'mountPath'],
    ['v1', 'Pod', 'spec.volumes', 'merge,retainKeys', 'name'],
    ['v1', 'Pod', 'spec.imagePullSecrets', 'merge', 'name'],
    ['v1', 'Pod', 'status.conditions', 'merge', 'type'],
    ['v1', 'Pod', 'metadata.ownerReferences', 'merge', 'uid'],
    ['v1', 'Pod', 'metadata.finalizers', 'merge', undefined],
    ['v1', 'Service', 'spec.ports', 'merge', 'port'],
    ['v1', 'Node', 'status.addresses', 'merge', 'type'],
    ['v1', 'Node', 'status.conditions', 'merge', 'type'],
    ['apps/v1', 'Deployment', 'spec.template.spec.containers', 'merge', 'name'],
    ['apps/v1', 'Deployment', 'status.conditions', 'merge', 'type'],
    ['v1', 'Pod', 'spec.tolerations', undefined, undefined],
    ['v1', 'Pod', 'spec.containers.args', undefined, undefined],
  ])('%s %s %s: patchStrategy %s key %s', (apiVersion, kind, path, strategy, key) => {
    const s = at(schemaFor(apiVersion, kind)!, path) as ArraySchema;
    expect(s.type).toBe('array');
    expect(s.patchStrategy).toBe(strategy);
    expect(s.patchMergeKey).toBe(key);
  });

  it('types fields as the Go types do', () => {
    const deploy = schemaFor('apps/v1', 'Deployment')!;
    expect(goTypeOf(at(deploy, 'spec.replicas'))).toBe('int32');
    expect(goTypeOf(at(deploy, 'spec.template.spec.terminationGracePeriodSeconds'))).toBe('int64');
    expect(at(deploy, 'spec.strategy.rollingUpdate.maxSurge').type).toBe('int-or-string');
    expect((at(deploy, 'spec.strategy') as ObjectSchema).retainKeys).toBe(true);
    expect(at(deploy, 'spec.template.spec.containers.resources.limits')).toEqual({ type: 'map', values: { type: 'quantity' } });
    expect(at(deploy, 'spec.template.spec.containers.livenessProbe.httpGet.port').type).toBe('int-or-string');
    expect(at(deploy, 'spec.template.spec.containers.livenessProbe.exec.command').type).toBe('array');
    expect(at(deploy, 'metadata.creationTimestamp').type).toBe('time');
    expect(at(deploy, 'metadata.managedFields').type).toBe('any');
    expect(goTypeOf(at(deploy, 'spec.template.spec.containers'))).toBe('[]v1.Container');
    expect(at(schemaFor('coordination.k8s.io/v1', 'Lease')!, 'spec.renewTime').type).toBe('time');
    expect(goTypeOf(at(schemaFor('v1', 'Secret')!, 'data'))).toBe('map[string][]uint8');
    expect(Object.keys((at(schemaFor('v1', 'Pod')!, 'spec.volumes') as ArraySchema).items.type === 'object' ? (at(schemaFor('v1', 'Pod')!, 'spec.volumes') as ArraySchema & { items: ObjectSchema }).items.fields : {})).toEqual(
      expect.arrayContaining(['name', 'emptyDir', 'configMap', 'secret', 'hostPath', 'persistentVolumeClaim', 'projected', 'downwardAPI']),
    );
  });
});
