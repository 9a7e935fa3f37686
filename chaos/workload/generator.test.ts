import { describe, expect, test } from 'vitest';
import type { Request, Response } from '../history/types.js';
import { RequestGenerator } from './generator.js';

function drive(seed: number, client: number, steps: number): Request[] {
  const generator = new RequestGenerator(client, seed);
  const requests: Request[] = [];
  let revision = 1;
  for (let i = 0; i < steps; i++) {
    const request = generator.next(i * 10);
    requests.push(request);
    revision += 1;
    const response: Response | undefined =
      request.type === 'leaseGrant' ? { type: 'leaseGrant', revision, lease: String(1000 + i) } : i % 7 === 0 ? undefined : ({ type: 'put', revision } as Response);
    generator.observe(request, response);
  }
  return requests;
}

describe('RequestGenerator', () => {
  test('is reproducible from seed and client, and differs between clients', () => {
    expect(drive(5, 1, 300)).toEqual(drive(5, 1, 300));
    expect(drive(5, 1, 300)).not.toEqual(drive(5, 2, 300));
  });

  test('every written value is unique across clients', () => {
    const values = [0, 1, 2, 3].flatMap((client) =>
      drive(9, client, 500).flatMap((r) => (r.type === 'put' || r.type === 'cas' ? [r.value] : r.type === 'txn' ? r.puts.map((p) => p.value) : [])),
    );
    expect(new Set(values).size).toBe(values.length);
  });

  test('covers every request type, and only client 0 compacts', () => {
    const kinds = new Set(drive(3, 0, 2_000).map((r) => r.type));
    for (const kind of ['get', 'range', 'put', 'delete', 'cas', 'txn', 'leaseGrant', 'leaseRevoke', 'compact']) expect(kinds).toContain(kind);
    expect(drive(3, 1, 2_000).some((r) => r.type === 'compact')).toBe(false);
  });

  test('a lease cycle is grant, put with that lease, revoke', () => {
    const generator = new RequestGenerator(4, 11);
    let request: Request;
    do request = generator.next(0);
    while (request.type !== 'leaseGrant');
    generator.observe(request, { type: 'leaseGrant', revision: 2, lease: '77' });
    let put: Request;
    do put = generator.next(0);
    while (!(put.type === 'put' && put.lease));
    expect(put).toMatchObject({ key: 'lease/4', lease: '77' });
    generator.observe(put, undefined); // failed: maybe attached, so revoke next
    let revoke: Request;
    do revoke = generator.next(0);
    while (revoke.type !== 'leaseRevoke' && revoke.type !== 'leaseGrant');
    expect(revoke).toEqual({ type: 'leaseRevoke', lease: '77' });
  });
});
