// Single-step membership changes: one voter or learner added, promoted, demoted or removed at a time. One
// change in flight at a time (the leader refuses a second until the first is applied) keeps any two majorities
// of consecutive configurations overlapping, which is what makes this safe without joint consensus (Raft §6).
import { ConfigError } from './errors.js';
import type { ConfChange, ConfState } from './types.js';

export function applyConfChangeToState(cs: ConfState, cc: ConfChange): ConfState {
  if (!Number.isSafeInteger(cc.nodeId) || cc.nodeId <= 0) throw new ConfigError(`invalid node id ${cc.nodeId}`);
  const voters = new Set(cs.voters);
  const learners = new Set(cs.learners);
  switch (cc.type) {
    case 'addNode':
      learners.delete(cc.nodeId); // promotion of a learner, or a new voter
      voters.add(cc.nodeId);
      break;
    case 'addLearner':
      voters.delete(cc.nodeId); // demotion of a voter, or a new learner
      learners.add(cc.nodeId);
      break;
    case 'removeNode':
      voters.delete(cc.nodeId);
      learners.delete(cc.nodeId);
      break;
    default: {
      const never: never = cc.type;
      throw new ConfigError(`unknown conf change type ${String(never)}`);
    }
  }
  if (voters.size === 0) throw new ConfigError('removed all voters');
  const byId = (a: number, b: number) => a - b;
  return { voters: [...voters].sort(byId), learners: [...learners].sort(byId) };
}

/** Conf change entries carry a small fixed encoding so the core needs no serialization library. */
export function encodeConfChange(cc: ConfChange): Uint8Array {
  const ctx = cc.context ?? new Uint8Array(0);
  const out = new Uint8Array(1 + 8 + ctx.byteLength);
  out[0] = cc.type === 'addNode' ? 1 : cc.type === 'addLearner' ? 2 : 3;
  new DataView(out.buffer).setFloat64(1, cc.nodeId);
  out.set(ctx, 9);
  return out;
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  if (data.byteLength < 9) throw new ConfigError('conf change entry too short');
  const kind = data[0];
  const type = kind === 1 ? 'addNode' : kind === 2 ? 'addLearner' : kind === 3 ? 'removeNode' : undefined;
  if (!type) throw new ConfigError(`unknown conf change kind ${kind}`);
  const nodeId = new DataView(data.buffer, data.byteOffset, data.byteLength).getFloat64(1);
  return { type, nodeId, context: data.slice(9) };
}
