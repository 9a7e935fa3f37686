import { describe, expect, it } from 'vitest';
import { messageCodec } from '../../api/etcd/codec.js';
import type { KeyValue, WatchResponse } from '../../api/etcd/messages.js';
import { SeededRand } from '../raft/rand.js';
import { eventFieldSize, watchResponseSize, watchResponseSizeWithoutEvents } from './protobuf-size.js';

const codec = messageCodec<WatchResponse>('etcdserverpb.WatchResponse');

/** Lengths and numbers around every varint width boundary, zero (left out on the wire) included. */
const LENGTHS = [0, 1, 127, 128, 16_383, 16_384, 70_000];
const NUMBERS = [0n, 1n, 127n, 128n, 2n ** 35n, 2n ** 63n - 1n];

function randomKv(rand: SeededRand): KeyValue {
  const pick = <T>(items: readonly T[]): T => items[rand.intn(items.length)]!;
  return {
    key: Buffer.alloc(pick(LENGTHS), 'k'),
    create_revision: pick(NUMBERS),
    mod_revision: pick(NUMBERS),
    version: pick(NUMBERS),
    value: Buffer.alloc(pick(LENGTHS), 'v'),
    lease: pick([...NUMBERS, -1n, -(2n ** 63n)]),
  };
}

function randomResponse(rand: SeededRand): WatchResponse {
  const flag = () => rand.intn(2) === 1;
  return {
    header: { cluster_id: 2n ** 64n - 1n, member_id: BigInt(rand.intn(1000)), revision: BigInt(rand.intn(1 << 30)), raft_term: BigInt(rand.intn(3)) },
    watch_id: [0n, -1n, 7n, 300n][rand.intn(4)]!,
    created: flag(),
    canceled: flag(),
    compact_revision: [0n, -1n, 12345n][rand.intn(3)]!,
    cancel_reason: ['', 'mvcc: watcher range is empty', 'Ünïcode ✓'][rand.intn(3)]!,
    fragment: flag(),
    events: Array.from({ length: rand.intn(4) }, () => ({
      type: flag() ? ('PUT' as const) : ('DELETE' as const),
      kv: randomKv(rand),
      prev_kv: flag() ? randomKv(rand) : null,
    })),
  };
}

describe('watchResponseSize', () => {
  it('equals the length api/etcd encodes, over random responses at every varint width', () => {
    const rand = new SeededRand(7);
    for (let i = 0; i < 300; i++) {
      const response = randomResponse(rand);
      expect(watchResponseSize(response)).toBe(codec.encode(response).length);
      const eventsBytes = response.events.reduce((sum, event) => sum + eventFieldSize(event), 0);
      expect(watchResponseSizeWithoutEvents(response) + eventsBytes).toBe(watchResponseSize(response));
    }
  });
});
