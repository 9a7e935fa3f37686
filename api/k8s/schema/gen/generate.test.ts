import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSchemas, parseProto } from './proto-to-schema.js';
import { LIST_MARKERS } from './markers.js';

const target = new URL('../generated.ts', import.meta.url);
const protoDir = new URL('../../proto/', import.meta.url);

describe('generated schemas', () => {
  it('are up to date with the protos and markers (YAWL_REWRITE=1 regenerates)', () => {
    const { text } = generateSchemas(protoDir);
    if (process.env.YAWL_REWRITE === '1') writeFileSync(target, text);
    expect(readFileSync(target, 'utf8')).toBe(text);
  });

  it('uses every marker (a typo in a key would silently drop a patch strategy)', () => {
    const { usedMarkers } = generateSchemas(protoDir);
    expect(Object.keys(LIST_MARKERS).filter((k) => !usedMarkers.has(k))).toEqual([]);
  });

  it('parses json tags: renames, inline and skipped fields', () => {
    const msgs = parseProto(
      [
        'package k8s.io.api.core.v1;',
        'message A {',
        '  optional string uID = 1 [(gogoproto.nullable) = false, (gogoproto.jsontag) = "uid,omitempty"];',
        '  optional .k8s.io.api.core.v1.B b = 2 [(gogoproto.nullable) = false, (gogoproto.jsontag) = ",inline"];',
        '  optional bytes raw = 3 [(gogoproto.jsontag) = "-"];',
        '  map<string, string> labels = 4;',
        '}',
      ].join('\n'),
    );
    expect(msgs[0]!.fields).toEqual([
      { label: 'optional', type: 'string', jsonName: 'uid', inline: false },
      { label: 'optional', type: 'k8s.io.api.core.v1.B', jsonName: 'b', inline: true },
      { label: 'map', type: 'string', jsonName: 'labels', inline: false },
    ]);
  });
});
