// The core's configuration. validateConfig() fills defaults once and rejects user mistakes with a ConfigError.
import { ConfigError } from './errors.js';
import type { Rand } from './rand.js';
import type { Storage } from './storage.js';
import type { NodeId } from './types.js';

export interface RaftConfig {
  id: NodeId;
  storage: Storage;
  /** Ticks without hearing from a leader before a follower campaigns (randomized in [n, 2n)). */
  electionTick: number;
  /** Ticks between a leader's heartbeats. Must be less than electionTick. */
  heartbeatTick: number;
  /** Seeded randomness for election timeouts. */
  rand: Rand;
  /** The last index the application applied before a restart; entries up to it are not handed out again. */
  applied?: number;
  /** Most bytes of entries in one append message. etcd: 1 MiB. */
  maxSizePerMsg?: number;
  /** Most append messages in flight to one follower. etcd: 512 (4096 in 3.5). */
  maxInflightMsgs?: number;
  /** Most bytes of committed entries in one Ready. */
  maxCommittedSizePerReady?: number;
  /** A leader that has not heard from a quorum within an election timeout steps down. */
  checkQuorum?: boolean;
  /** Campaign only after a pre-vote round shows the candidate could win (Raft thesis §9.6). */
  preVote?: boolean;
  /** A line-per-event trace, for the simulator's readable failure reports. */
  trace?: (line: string) => void;
}

export type ValidRaftConfig = Required<Omit<RaftConfig, 'trace'>> & Pick<RaftConfig, 'trace'>;

export function validateConfig(c: RaftConfig): ValidRaftConfig {
  if (!Number.isSafeInteger(c.id) || c.id <= 0) throw new ConfigError('raft: id must be a positive integer');
  if (!(c.heartbeatTick > 0)) throw new ConfigError('raft: heartbeat tick must be greater than 0');
  if (!(c.electionTick > c.heartbeatTick)) throw new ConfigError('raft: election tick must be greater than heartbeat tick');
  if (!c.storage) throw new ConfigError('raft: storage cannot be nil');
  const maxInflightMsgs = c.maxInflightMsgs ?? 512;
  if (!(maxInflightMsgs > 0)) throw new ConfigError('raft: max inflight messages must be greater than 0');
  const maxSizePerMsg = c.maxSizePerMsg ?? 1024 * 1024;
  return {
    id: c.id,
    storage: c.storage,
    electionTick: c.electionTick,
    heartbeatTick: c.heartbeatTick,
    rand: c.rand,
    applied: c.applied ?? 0,
    maxSizePerMsg,
    maxInflightMsgs,
    maxCommittedSizePerReady: c.maxCommittedSizePerReady ?? 64 * 1024 * 1024,
    checkQuorum: c.checkQuorum ?? true,
    preVote: c.preVote ?? true,
    trace: c.trace,
  };
}
