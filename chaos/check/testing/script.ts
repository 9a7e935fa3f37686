// Terse helpers for hand-written test histories: build a script, run it through the reference store, then reach
// into the recorded history to break one detail.
import type { History, KeyValue, Operation, Request, Response } from '../../history/types.js';
import type { ScriptedOperation } from './scripted-run.js';

export function op(client: number, call: number, ret: number | null, request: Request, extra: Partial<ScriptedOperation> = {}): ScriptedOperation {
  return { client, call, return: ret, request, ...extra };
}

export const put = (key: string, value: string, lease?: string): Request => (lease ? { type: 'put', key, value, lease } : { type: 'put', key, value });
export const get = (key: string): Request => ({ type: 'get', key });
export const del = (key: string): Request => ({ type: 'delete', key });
export const cas = (key: string, expect: string | null, value: string): Request => ({ type: 'cas', key, expect, value });
export const range = (prefix: string): Request => ({ type: 'range', prefix });
export const txn = (prefix: string, compares: [string, string | null][], puts: [string, string][]): Request => ({
  type: 'txn',
  prefix,
  compares: compares.map(([key, expect]) => ({ key, expect })),
  puts: puts.map(([key, value]) => ({ key, value })),
});

export function kv(key: string, value: string, mod: number, create = mod, version = 1, lease = '0'): KeyValue {
  return { key, value, modRevision: mod, createRevision: create, version, lease };
}

export function operation(history: History, id: number): Operation {
  const found = history.operations.find((o) => o.id === id);
  if (!found) throw new Error(`no operation #${id}`);
  return found;
}

/** The answer of operation `id`, which must be of `type`, for a test to read or change. */
export function answer<T extends Response['type']>(history: History, id: number, type: T): Extract<Response, { type: T }> {
  const response = operation(history, id).response;
  if (response?.type !== type) throw new Error(`operation #${id} has no ${type} answer`);
  return response as Extract<Response, { type: T }>;
}
