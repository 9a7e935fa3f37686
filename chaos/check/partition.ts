// Which operations the linearizability search checks together. Operations on different keys commute, so each
// single-key register (reg/, lease/) is searched on its own; keys that multi-key transactions and ranges touch
// together (the txn/ group, or any prefix a range or txn names) form one partition. Small partitions are what
// keeps the search cheap.
//
// Only operations that can matter go in: a definite failure changed nothing, and a read without an answer tells
// nothing. A leaseRevoke goes with the keys any put attached its lease to; a lease never attached to anything has
// nothing to check. leaseGrant and compact change no key and are left to the revision-order check.
import { KEY_PREFIX, type Operation } from '../history/types.js';
import { describeOperation } from './describe.js';

export interface Partition {
  /** A key, or a prefix ending in '/' for a multi-key group. */
  name: string;
  operations: Operation[];
}

export interface Partitioning {
  partitions: Partition[];
  /** Operations the model cannot check, with why. */
  problems: string[];
}

export function partitionOperations(operations: readonly Operation[]): Partitioning {
  const groups = multiKeyPrefixes(operations);
  // The shortest group prefix a key has, so that a range over a longer prefix lands in the same group.
  const groupOf = (key: string): string => groups.find((prefix) => key.startsWith(prefix)) ?? key;
  const leaseKeys = new Map<string, Set<string>>();
  for (const op of operations) {
    if (op.request.type === 'put' && op.request.lease && op.request.lease !== '0') {
      const keys = leaseKeys.get(op.request.lease) ?? new Set();
      keys.add(op.request.key);
      leaseKeys.set(op.request.lease, keys);
    }
  }

  const byName = new Map<string, Operation[]>();
  const problems: string[] = [];
  const add = (name: string, op: Operation) => {
    const list = byName.get(name) ?? [];
    list.push(op);
    byName.set(name, list);
  };
  for (const op of operations) {
    if (!mayMatter(op)) continue;
    const request = op.request;
    switch (request.type) {
      case 'get':
      case 'put':
      case 'delete':
      case 'cas':
        add(groupOf(request.key), op);
        break;
      case 'range':
        add(groupOf(request.prefix), op);
        break;
      case 'txn': {
        const group = groupOf(request.prefix);
        const outside = [...request.compares, ...request.puts].map((c) => c.key).filter((key) => groupOf(key) !== group);
        if (outside.length > 0) problems.push(`cannot check ${describeOperation(op)}: it touches ${outside.join(', ')} outside ${group}`);
        else add(group, op);
        break;
      }
      case 'leaseRevoke':
        for (const group of new Set([...(leaseKeys.get(request.lease) ?? [])].map(groupOf))) add(group, op);
        break;
      case 'leaseGrant':
      case 'compact':
        break;
    }
  }
  const partitions = [...byName].map(([name, ops]) => ({ name, operations: ops })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { partitions, problems };
}

/** Whether an operation can have changed state or tells something about it. */
export function mayMatter(op: Operation): boolean {
  if (op.response) return true;
  if (op.failure?.definite) return false;
  return op.request.type !== 'get' && op.request.type !== 'range';
}

function multiKeyPrefixes(operations: readonly Operation[]): string[] {
  const prefixes = new Set<string>([KEY_PREFIX.txn]);
  for (const op of operations) {
    if (op.request.type === 'range' || op.request.type === 'txn') prefixes.add(op.request.prefix);
  }
  return [...prefixes].sort((a, b) => a.length - b.length);
}
