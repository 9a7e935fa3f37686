import { describe, expect, it } from 'vitest';
import type { Event, WatchResponse } from '../../api/etcd/messages.js';
import { fragmentResponse } from './fragment.js';
import { watchResponseSize } from './protobuf-size.js';
import { watchResponse } from './responses.js';
import { WatchHarness, b, createRequest, showResponse, testHeader } from './watch-test-kit.js';

function event(revision: number, valueBytes: number): Event {
  const kv = { key: b(`k${revision}`), create_revision: 2n, mod_revision: BigInt(revision), version: 1n, value: Buffer.alloc(valueBytes, 'v'), lease: 0n };
  return { type: 'PUT', kv, prev_kv: null };
}

function responseOf(sizes: number[]): WatchResponse {
  return watchResponse(testHeader(99), 4n, { events: sizes.map((size, i) => event(i + 2, size)) });
}

describe('fragmentResponse (etcd sendFragments)', () => {
  it('leaves a response below the limit, or with one event, whole', () => {
    const small = responseOf([10, 10]);
    expect(fragmentResponse(small, watchResponseSize(small) + 1)).toEqual([small]);
    const single = responseOf([5000]);
    expect(fragmentResponse(single, 100)).toEqual([single]);
  });

  it('splits into parts below the limit, each as full as it can be, all but the last flagged fragment', () => {
    const sizes = [300, 10, 500, 200, 200, 900, 5, 5, 5, 400, 1200, 30];
    const whole = responseOf(sizes);
    const limit = 1000;
    const parts = fragmentResponse(whole, limit);
    expect(parts.flatMap((part) => part.events)).toEqual(whole.events);
    expect(parts.map((part) => part.fragment)).toEqual([...parts.slice(1).map(() => true), false]);
    parts.forEach((part, i) => {
      const measured = watchResponseSize({ ...part, fragment: true });
      if (part.events.length > 1) expect(measured).toBeLessThan(limit);
      const next = parts[i + 1]?.events[0];
      if (next !== undefined) expect(watchResponseSize({ ...part, fragment: true, events: [...part.events, next] })).toBeGreaterThanOrEqual(limit);
      expect(part).toMatchObject({ header: whole.header, watch_id: 4n, created: false, canceled: false });
    });
    expect(parts.map((part) => part.events.length)).toEqual([3, 2, 4, 1, 1, 1]);
  });

  it('is applied by the hub to watchers created with fragment=true, and only to them', () => {
    const value = 'v'.repeat(400);
    const h = new WatchHarness({ maxResponseBytes: 1500 });
    for (let i = 0; i < 6; i++) h.put(`k${i}`, value); // 2..7
    const { stream, sink } = h.stream();
    stream.create(createRequest({ key: 'k', rangeEnd: 'l', startRevision: 2, fragment: true }));
    stream.create(createRequest({ key: 'k', rangeEnd: 'l', startRevision: 2 }));
    h.hub.syncTick();
    h.txn((txn) => ['k0', 'k1', 'k2', 'k3'].forEach((key) => txn.put(b(key), b(value))));
    const shape = (r: WatchResponse) => `${r.watch_id} ${r.events.map((e) => e.kv.mod_revision).join(',')}${r.fragment ? ' fragment' : ''}`;
    expect(sink.responses.slice(2).map(shape)).toEqual([
      '0 2,3,4 fragment',
      '0 5,6,7',
      '1 2,3,4,5,6,7',
      '0 8,8,8 fragment',
      '0 8',
      '1 8,8,8,8',
    ]);
    expect(showResponse(sink.responses[2]!)).toMatch(/^0 @7 fragment PUT/);
  });
});
