// Wire and storage shapes of the Raft core. Everything here is plain data so that the driver can encode it with
// msgpackr for disk and network, and the simulator can copy it freely.

export type NodeId = number;

/** NONE means "no node": no leader known, no vote cast. Real node ids are positive. */
export const NONE: NodeId = 0;

export type EntryType = 'normal' | 'confChange';

export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  /** Application payload; for 'confChange' entries the encoded ConfChange (see encodeConfChange). */
  data: Uint8Array;
}

/** What must survive a crash besides the log: the current term, the vote cast in it, and the commit index. */
export interface HardState {
  term: number;
  vote: NodeId;
  commit: number;
}

/** The membership a log prefix describes. Single-step changes: no joint configuration. */
export interface ConfState {
  voters: NodeId[];
  learners: NodeId[];
}

export interface SnapshotMetadata {
  index: number;
  term: number;
  confState: ConfState;
}

export interface Snapshot {
  metadata: SnapshotMetadata;
  data: Uint8Array;
}

export type ConfChangeType = 'addNode' | 'addLearner' | 'removeNode';

/** One membership change. 'addNode' on an existing learner promotes it. */
export interface ConfChange {
  type: ConfChangeType;
  nodeId: NodeId;
  /** Opaque to Raft; etcd carries the member's peer URLs here. */
  context?: Uint8Array;
}

export type StateType = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/** Volatile state worth telling the application about; not persisted. */
export interface SoftState {
  lead: NodeId;
  state: StateType;
}

/** A linearizable read is safe to serve once the application has applied `index`. */
export interface ReadState {
  index: number;
  requestCtx: Uint8Array;
}

interface MessageBase {
  from: NodeId;
  to: NodeId;
  term: number;
}

export interface AppendMessage extends MessageBase {
  type: 'app';
  /** Index and term of the entry just before `entries`. */
  index: number;
  logTerm: number;
  entries: Entry[];
  commit: number;
}

export interface AppendResponse extends MessageBase {
  type: 'appResp';
  /** Accepted: the last index now known to match. Rejected: the index the append was probing. */
  index: number;
  reject: boolean;
  /** On rejection: the follower's best guess of where the logs might agree (index and its term). */
  rejectHint: number;
  logTerm: number;
}

export interface VoteRequest extends MessageBase {
  type: 'vote' | 'preVote';
  index: number;
  logTerm: number;
  /** A leadership transfer: the voter ignores its leader lease. */
  force: boolean;
}

export interface VoteResponse extends MessageBase {
  type: 'voteResp' | 'preVoteResp';
  reject: boolean;
}

export interface Heartbeat extends MessageBase {
  type: 'heartbeat';
  commit: number;
  /** ReadIndex round this heartbeat confirms leadership for (empty when none). */
  context: Uint8Array;
}

export interface HeartbeatResponse extends MessageBase {
  type: 'heartbeatResp';
  context: Uint8Array;
}

export interface SnapshotMessage extends MessageBase {
  type: 'snap';
  snapshot: Snapshot;
}

/** A proposal forwarded by a follower to its leader. */
export interface ProposalMessage extends MessageBase {
  type: 'prop';
  entries: Entry[];
}

export interface ReadIndexRequest extends MessageBase {
  type: 'readIndex';
  context: Uint8Array;
}

export interface ReadIndexResponse extends MessageBase {
  type: 'readIndexResp';
  index: number;
  context: Uint8Array;
}

export interface TransferLeaderRequest extends MessageBase {
  type: 'transferLeader';
  /** The node that should become leader. */
  transferee: NodeId;
}

export interface TimeoutNow extends MessageBase {
  type: 'timeoutNow';
}

export type Message =
  | AppendMessage
  | AppendResponse
  | VoteRequest
  | VoteResponse
  | Heartbeat
  | HeartbeatResponse
  | SnapshotMessage
  | ProposalMessage
  | ReadIndexRequest
  | ReadIndexResponse
  | TransferLeaderRequest
  | TimeoutNow;

export type MessageType = Message['type'];

/** Messages that carry a term older than ours are answered or dropped; these are always handled locally. */
export function isResponse(m: Message): boolean {
  return m.type === 'appResp' || m.type === 'voteResp' || m.type === 'preVoteResp' || m.type === 'heartbeatResp' || m.type === 'readIndexResp';
}

/**
 * Everything the application must do after a round of input, in order:
 * 1. persist `hardState`, `entries` and `snapshot` (one synced write when mustSync),
 * 2. send `messages`,
 * 3. apply `snapshot` then `committedEntries` and serve `readStates` once applied,
 * 4. call advance().
 */
export interface Ready {
  softState?: SoftState;
  hardState?: HardState;
  entries: Entry[];
  snapshot?: Snapshot;
  committedEntries: Entry[];
  messages: Message[];
  readStates: ReadState[];
  mustSync: boolean;
}

export function isEmptyHardState(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === NONE && hs.commit === 0;
}

export function emptySnapshot(): Snapshot {
  return { metadata: { index: 0, term: 0, confState: { voters: [], learners: [] } }, data: new Uint8Array(0) };
}
