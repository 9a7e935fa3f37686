import { describe, expect, it } from 'vitest';
import { normaliseEtcdArgs } from './store-command.js';

describe('etcd-style arguments', () => {
  it('accepts Go-style single-dash long flags for the flags etcd has, and leaves everything else alone', () => {
    expect(normaliseEtcdArgs(['node', 'main', 'store', '-name', 'n1', '-data-dir=/x', '-x', '--listen-client-urls', 'u', '-unknown'])).toEqual([
      'node',
      'main',
      'store',
      '--name',
      'n1',
      '--data-dir=/x',
      '-x',
      '--listen-client-urls',
      'u',
      '-unknown',
    ]);
  });
});
