// Random workloads shaped like the chaos workload: registers (get, put, cas, delete), a txn/ group (multi-key
// txn, range) and one key per lease (grant, put with the lease, revoke), from several clients each issuing one
// request at a time with random durations, some timing out (applied later or never) and a few never answered.
import type { Request } from '../../history/types.js';
import { pick, type Random } from './prng.js';
import type { ScriptedOperation } from './scripted-run.js';

export interface RandomScriptOptions {
  clients: number;
  operations: number;
  /** Chance that a request times out (and then, half the time, is applied anyway). */
  indeterminate: number;
  /** Chance that a request is never answered, after which its client stops. */
  lost?: number;
  /** Chance of a definite error. */
  rejected?: number;
}

const REGISTERS = ['reg/0', 'reg/1', 'reg/2', 'reg/3'];
const TXN_KEYS = ['txn/a', 'txn/b', 'txn/c'];

export function randomScript(random: Random, options: RandomScriptOptions): ScriptedOperation[] {
  const free = Array.from({ length: options.clients }, () => random() * 2);
  const lastValue = new Map<string, string | null>();
  const leases: ({ id: string; attached: boolean } | undefined)[] = [];
  const script: ScriptedOperation[] = [];
  let serial = 0;
  let leaseSerial = 7000;

  for (let n = 0; n < options.operations; n++) {
    const client = free.indexOf(Math.min(...free));
    if (free[client] === Infinity) break;
    const call = free[client]! + random() * 0.5;
    const duration = 0.2 + random() * 4;
    const value = () => `v${++serial}`;
    const expect = (key: string) => (random() < 0.8 ? (lastValue.get(key) ?? null) : 'nope');
    let request: Request;
    let leaseId: string | undefined;
    let mayFail = true;

    const kind = random();
    if (kind < 0.4) {
      const key = pick(random, REGISTERS);
      const what = random();
      if (what < 0.4) request = { type: 'get', key };
      else if (what < 0.65) request = { type: 'put', key, value: value() };
      else if (what < 0.9) request = { type: 'cas', key, expect: expect(key), value: value() };
      else request = { type: 'delete', key };
    } else if (kind < 0.7) {
      if (random() < 0.4) request = { type: 'range', prefix: 'txn/' };
      else {
        const shuffled = [...TXN_KEYS].sort(() => random() - 0.5);
        const compares = shuffled.slice(0, 1 + Math.floor(random() * 2)).map((key) => ({ key, expect: expect(key) }));
        const puts = [...TXN_KEYS].sort(() => random() - 0.5).slice(0, Math.floor(random() * 3)).map((key) => ({ key, value: value() }));
        request = { type: 'txn', prefix: 'txn/', compares, puts };
      }
    } else {
      const lease = leases[client];
      if (!lease) {
        leaseId = String(++leaseSerial);
        leases[client] = { id: leaseId, attached: false };
        request = { type: 'leaseGrant', ttl: 600 };
        mayFail = false;
      } else if (!lease.attached) {
        request = { type: 'put', key: `lease/${client}`, value: value(), lease: lease.id };
        lease.attached = true;
      } else if (random() < 0.5) {
        request = { type: 'get', key: `lease/${Math.floor(random() * options.clients)}` };
      } else {
        request = { type: 'leaseRevoke', lease: lease.id };
        leases[client] = undefined;
      }
    }
    for (const [key, v] of writes(request)) lastValue.set(key, v);

    const roll = random();
    const lost = options.lost ?? 0;
    const rejected = options.rejected ?? 0;
    const op: ScriptedOperation = { client, call, return: call + duration, request };
    if (leaseId) op.leaseId = leaseId;
    if (mayFail && roll < options.indeterminate) {
      op.outcome = 'timeout';
      if (random() < 0.5) op.at = call + random() * duration * 3;
    } else if (mayFail && roll < options.indeterminate + lost) {
      op.return = null;
      if (random() < 0.5) op.at = call + random() * duration * 3;
    } else if (mayFail && roll < options.indeterminate + lost + rejected) {
      op.outcome = 'rejected';
    } else {
      op.at = call + duration * (0.05 + 0.9 * random());
    }
    script.push(op);
    free[client] = op.return ?? Infinity;
  }
  return script;
}

function writes(request: Request): [string, string | null][] {
  switch (request.type) {
    case 'put':
    case 'cas':
      return [[request.key, request.value]];
    case 'txn':
      return request.puts.map((p) => [p.key, p.value]);
    case 'delete':
      return [[request.key, null]];
    default:
      return [];
  }
}
