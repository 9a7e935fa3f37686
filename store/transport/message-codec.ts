import type { Message, MessageType } from '../raft/types.js';
import { packBody, unpackBody } from './msgpack-body.js';

/**
 * Every Raft message type, so a frame naming anything else is refused. A Record keyed by the union makes the
 * compiler point here when a message type is added to the core.
 */
const KNOWN_MESSAGE_TYPES: Readonly<Record<MessageType, true>> = {
  app: true,
  appResp: true,
  vote: true,
  voteResp: true,
  preVote: true,
  preVoteResp: true,
  heartbeat: true,
  heartbeatResp: true,
  snap: true,
  prop: true,
  readIndex: true,
  readIndexResp: true,
  transferLeader: true,
  timeoutNow: true,
};

export function encodeMessage(message: Message): Buffer {
  return packBody(message);
}

export type DecodedMessage = { kind: 'message'; message: Message } | { kind: 'malformed'; reason: string };

/**
 * Checks the envelope only (type, from, to, term). A sender has passed the cluster handshake, so it runs the same
 * code; checking every field of every entry would cost more than the corruption it could catch, which TCP's
 * checksum and the handshake already make unlikely.
 */
export function decodeMessage(body: Uint8Array): DecodedMessage {
  const unpacked = unpackBody(body);
  if (unpacked.kind === 'malformed') return unpacked;
  const value = unpacked.value as Partial<Record<keyof Message, unknown>> | null;
  if (typeof value !== 'object' || value === null) return { kind: 'malformed', reason: 'message is not a map' };
  if (typeof value.type !== 'string' || !Object.hasOwn(KNOWN_MESSAGE_TYPES, value.type)) {
    return { kind: 'malformed', reason: `unknown message type ${JSON.stringify(value.type)}` };
  }
  for (const field of ['from', 'to', 'term'] as const) {
    const n = value[field];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      return { kind: 'malformed', reason: `${value.type} message has invalid ${field} ${String(n)}` };
    }
  }
  return { kind: 'message', message: value as Message };
}
