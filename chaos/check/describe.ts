// Short, stable text for operations and key-values, so a violation names the concrete operation (#id, client,
// request, answer, time window) a person can then find in history.json.
import type { KeyValue, Operation, Request, Response } from '../history/types.js';

export function formatTime(time: number | null): string {
  return time === null ? 'never' : `${time.toFixed(1)}ms`;
}

export function quote(value: string | null): string {
  return value === null ? '∅' : `'${value}'`;
}

export function describeKv(kv: KeyValue): string {
  const lease = kv.lease !== '0' ? ` lease ${kv.lease}` : '';
  return `${kv.key}=${quote(kv.value)}@${kv.modRevision}(c${kv.createRevision} v${kv.version}${lease})`;
}

export function describeRequest(request: Request): string {
  switch (request.type) {
    case 'get':
      return `get ${request.key}`;
    case 'range':
      return `range ${request.prefix}*`;
    case 'put':
      return `put ${request.key}=${quote(request.value)}${request.lease ? ` lease ${request.lease}` : ''}`;
    case 'delete':
      return `delete ${request.key}`;
    case 'cas':
      return `cas ${request.key} ${quote(request.expect)}→${quote(request.value)}`;
    case 'txn': {
      const ifs = request.compares.map((c) => `${c.key}==${quote(c.expect)}`).join(' && ');
      const thens = request.puts.map((p) => `${p.key}=${quote(p.value)}`).join(', ');
      return `txn if ${ifs || 'true'} then ${thens || 'nothing'} else range ${request.prefix}*`;
    }
    case 'leaseGrant':
      return `leaseGrant ttl ${request.ttl}`;
    case 'leaseRevoke':
      return `leaseRevoke ${request.lease}`;
    case 'compact':
      return `compact ${request.revision}`;
  }
}

export function describeResponse(response: Response): string {
  switch (response.type) {
    case 'get':
      return `${response.kv ? describeKv(response.kv) : '∅'} rev ${response.revision}`;
    case 'range':
    case 'txn': {
      const kvs = `[${response.kvs.map(describeKv).join(', ')}]`;
      if (response.type === 'range') return `${kvs} rev ${response.revision}`;
      return response.succeeded ? `ok rev ${response.revision}` : `failed, ${kvs} rev ${response.revision}`;
    }
    case 'cas':
      if (response.succeeded) return `ok rev ${response.revision}`;
      return `failed, ${response.kv ? describeKv(response.kv) : '∅'} rev ${response.revision}`;
    case 'delete':
      return `deleted ${response.deleted} rev ${response.revision}`;
    case 'leaseGrant':
      return `lease ${response.lease} rev ${response.revision}`;
    case 'put':
    case 'leaseRevoke':
    case 'compact':
      return `rev ${response.revision}`;
  }
}

export function describeOutcome(operation: Operation): string {
  if (operation.response) return describeResponse(operation.response);
  if (operation.failure) return `${operation.failure.definite ? 'failed' : 'unknown'} (${operation.failure.code})`;
  return 'no answer';
}

export function describeOperation(operation: Operation): string {
  const window = `${formatTime(operation.call)}–${formatTime(operation.return)}`;
  return `#${operation.id} c${operation.client} ${describeRequest(operation.request)} → ${describeOutcome(operation)} [${window}]`;
}
