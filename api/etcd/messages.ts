// Hand-written TypeScript shapes of the etcd v3 messages, as our codec decodes them (see codec.ts):
// - field names exactly as in the .proto files (snake_case and etcd's own TTL / ID / peerURLs spellings);
// - int64 / uint64 as bigint, so revisions, lease ids and member ids never lose precision;
// - bytes as Buffer; enums as their names (string unions read better in logs than numbers);
// - every scalar and repeated field present, holding its proto3 default when it was not on the wire;
// - a singular message field is `T | null` where etcd may leave it out and plain `T` where etcd 3.4 always sets
//   it (an event's `kv`, most responses' `header`), so callers need not null-check what is never null; as seen
//   on the wire, 3.4 sends no header with Defragment, MoveLeader, Snapshot and Alarm responses;
// - a oneof member is present only when set, and the oneof's own name says which member that is.
// What a caller sends is `Init<T>` (below): everything optional, int64 as bigint | number | string.

/** Input form of a message: what encode() and a client call accept. */
export type Init<T> = T extends bigint
  ? bigint | number | string
  : T extends Uint8Array
    ? Uint8Array
    : T extends string | number | boolean
      ? T
      : T extends readonly (infer E)[]
        ? readonly Init<E>[]
        : T extends object
          ? { [K in keyof T]?: Init<NonNullable<T[K]>> | null }
          : T;

/** A message with no fields (HashRequest, StatusRequest, ...). */
export type Empty = Record<string, never>;

export interface ResponseHeader {
  cluster_id: bigint;
  member_id: bigint;
  revision: bigint;
  raft_term: bigint;
}

/** Every response that carries nothing but its header (CompactionResponse, LeaseRevokeResponse, ...). */
export interface HeaderResponse {
  header: ResponseHeader;
}

/** Defragment and MoveLeader answer with an empty message in etcd 3.4: the header field exists but is unset. */
export interface UnsetHeaderResponse {
  header: ResponseHeader | null;
}

// ---- mvccpb ----

export interface KeyValue {
  key: Buffer;
  create_revision: bigint;
  mod_revision: bigint;
  version: bigint;
  value: Buffer;
  lease: bigint;
}

export type EventType = 'PUT' | 'DELETE';

export interface Event {
  type: EventType;
  kv: KeyValue;
  prev_kv: KeyValue | null;
}

// ---- KV ----

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

export interface RangeRequest {
  key: Buffer;
  range_end: Buffer;
  limit: bigint;
  revision: bigint;
  sort_order: SortOrder;
  sort_target: SortTarget;
  serializable: boolean;
  keys_only: boolean;
  count_only: boolean;
  min_mod_revision: bigint;
  max_mod_revision: bigint;
  min_create_revision: bigint;
  max_create_revision: bigint;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  more: boolean;
  count: bigint;
}

export interface PutRequest {
  key: Buffer;
  value: Buffer;
  lease: bigint;
  prev_kv: boolean;
  ignore_value: boolean;
  ignore_lease: boolean;
}

export interface PutResponse {
  header: ResponseHeader;
  prev_kv: KeyValue | null;
}

export interface DeleteRangeRequest {
  key: Buffer;
  range_end: Buffer;
  prev_kv: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: bigint;
  prev_kvs: KeyValue[];
}

export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';

export interface Compare {
  result: CompareResult;
  target: CompareTarget;
  key: Buffer;
  /** Which member of the target_union oneof is set. */
  target_union?: 'version' | 'create_revision' | 'mod_revision' | 'value' | 'lease';
  version?: bigint;
  create_revision?: bigint;
  mod_revision?: bigint;
  value?: Buffer;
  lease?: bigint;
  range_end: Buffer;
}

export interface RequestOp {
  request?: 'request_range' | 'request_put' | 'request_delete_range' | 'request_txn';
  request_range?: RangeRequest;
  request_put?: PutRequest;
  request_delete_range?: DeleteRangeRequest;
  request_txn?: TxnRequest;
}

export interface ResponseOp {
  response?: 'response_range' | 'response_put' | 'response_delete_range' | 'response_txn';
  response_range?: RangeResponse;
  response_put?: PutResponse;
  response_delete_range?: DeleteRangeResponse;
  response_txn?: TxnResponse;
}

export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface CompactionRequest {
  revision: bigint;
  physical: boolean;
}

export type CompactionResponse = HeaderResponse;

// ---- Watch ----

export type WatchFilterType = 'NOPUT' | 'NODELETE';

export interface WatchCreateRequest {
  key: Buffer;
  range_end: Buffer;
  start_revision: bigint;
  progress_notify: boolean;
  filters: WatchFilterType[];
  prev_kv: boolean;
  watch_id: bigint;
  fragment: boolean;
}

export interface WatchCancelRequest {
  watch_id: bigint;
}

export interface WatchRequest {
  request_union?: 'create_request' | 'cancel_request' | 'progress_request';
  create_request?: WatchCreateRequest;
  cancel_request?: WatchCancelRequest;
  progress_request?: Empty;
}

export interface WatchResponse {
  header: ResponseHeader;
  watch_id: bigint;
  created: boolean;
  canceled: boolean;
  compact_revision: bigint;
  cancel_reason: string;
  fragment: boolean;
  events: Event[];
}

// ---- Lease ----

export interface LeaseGrantRequest {
  TTL: bigint;
  ID: bigint;
}

export interface LeaseGrantResponse {
  header: ResponseHeader;
  ID: bigint;
  TTL: bigint;
  error: string;
}

export interface LeaseRevokeRequest {
  ID: bigint;
}

export type LeaseRevokeResponse = HeaderResponse;

export interface LeaseKeepAliveRequest {
  ID: bigint;
}

export interface LeaseKeepAliveResponse {
  header: ResponseHeader;
  ID: bigint;
  TTL: bigint;
}

export interface LeaseTimeToLiveRequest {
  ID: bigint;
  keys: boolean;
}

export interface LeaseTimeToLiveResponse {
  header: ResponseHeader;
  ID: bigint;
  TTL: bigint;
  grantedTTL: bigint;
  keys: Buffer[];
}

export interface LeaseStatus {
  ID: bigint;
}

export interface LeaseLeasesResponse {
  header: ResponseHeader;
  leases: LeaseStatus[];
}

// ---- Cluster ----

export interface Member {
  ID: bigint;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface MemberAddRequest {
  peerURLs: string[];
  isLearner: boolean;
}

export interface MemberAddResponse {
  header: ResponseHeader;
  member: Member | null;
  members: Member[];
}

export interface MemberIdRequest {
  ID: bigint;
}

export type MemberRemoveRequest = MemberIdRequest;
export type MemberPromoteRequest = MemberIdRequest;

export interface MemberUpdateRequest {
  ID: bigint;
  peerURLs: string[];
}

/** MemberRemove, MemberUpdate, MemberList and MemberPromote all answer with the member list. */
export interface MembersResponse {
  header: ResponseHeader;
  members: Member[];
}

export type MemberRemoveResponse = MembersResponse;
export type MemberUpdateResponse = MembersResponse;
export type MemberListResponse = MembersResponse;
export type MemberPromoteResponse = MembersResponse;

// ---- Maintenance ----

export type AlarmType = 'NONE' | 'NOSPACE' | 'CORRUPT';
export type AlarmAction = 'GET' | 'ACTIVATE' | 'DEACTIVATE';

export interface AlarmRequest {
  action: AlarmAction;
  memberID: bigint;
  alarm: AlarmType;
}

export interface AlarmMember {
  memberID: bigint;
  alarm: AlarmType;
}

export interface AlarmResponse {
  header: ResponseHeader | null;
  alarms: AlarmMember[];
}

export interface StatusResponse {
  header: ResponseHeader;
  version: string;
  dbSize: bigint;
  leader: bigint;
  raftIndex: bigint;
  raftTerm: bigint;
  raftAppliedIndex: bigint;
  errors: string[];
  dbSizeInUse: bigint;
  isLearner: boolean;
}

export interface HashResponse {
  header: ResponseHeader;
  hash: number;
}

export interface HashKVRequest {
  revision: bigint;
}

export interface HashKVResponse {
  header: ResponseHeader;
  hash: number;
  compact_revision: bigint;
}

export interface SnapshotResponse {
  header: ResponseHeader | null;
  remaining_bytes: bigint;
  blob: Buffer;
}

export interface MoveLeaderRequest {
  targetID: bigint;
}

export type DefragmentResponse = UnsetHeaderResponse;
export type MoveLeaderResponse = UnsetHeaderResponse;

// ---- Auth ----

export type PermissionType = 'READ' | 'WRITE' | 'READWRITE';

export interface Permission {
  permType: PermissionType;
  key: Buffer;
  range_end: Buffer;
}

export interface UserAddOptions {
  no_password: boolean;
}

export interface AuthenticateRequest {
  name: string;
  password: string;
}

export interface AuthenticateResponse {
  header: ResponseHeader;
  token: string;
}

export interface AuthUserAddRequest {
  name: string;
  password: string;
  options: UserAddOptions | null;
}

/** AuthUserGet and AuthUserDelete name a user. */
export interface AuthUserNameRequest {
  name: string;
}

export interface AuthUserChangePasswordRequest {
  name: string;
  password: string;
}

export interface AuthUserGrantRoleRequest {
  user: string;
  role: string;
}

export interface AuthUserRevokeRoleRequest {
  name: string;
  role: string;
}

export interface AuthRoleAddRequest {
  name: string;
}

/** AuthRoleGet and AuthRoleDelete name a role. */
export interface AuthRoleNameRequest {
  role: string;
}

export interface AuthRoleGrantPermissionRequest {
  name: string;
  perm: Permission | null;
}

export interface AuthRoleRevokePermissionRequest {
  role: string;
  key: Buffer;
  range_end: Buffer;
}

export interface AuthRolesResponse {
  header: ResponseHeader;
  roles: string[];
}

export interface AuthUserListResponse {
  header: ResponseHeader;
  users: string[];
}

export interface AuthRoleGetResponse {
  header: ResponseHeader;
  perm: Permission[];
}

// ---- v3lockpb, v3electionpb, grpc.health.v1 ----

export interface LockRequest {
  name: Buffer;
  lease: bigint;
}

export interface LockResponse {
  header: ResponseHeader;
  key: Buffer;
}

export interface UnlockRequest {
  key: Buffer;
}

export interface LeaderKey {
  name: Buffer;
  key: Buffer;
  rev: bigint;
  lease: bigint;
}

export interface CampaignRequest {
  name: Buffer;
  lease: bigint;
  value: Buffer;
}

export interface CampaignResponse {
  header: ResponseHeader;
  leader: LeaderKey | null;
}

export interface ProclaimRequest {
  leader: LeaderKey | null;
  value: Buffer;
}

export interface LeaderRequest {
  name: Buffer;
}

export interface LeaderResponse {
  header: ResponseHeader;
  kv: KeyValue | null;
}

export interface ResignRequest {
  leader: LeaderKey | null;
}

export interface HealthCheckRequest {
  service: string;
}

export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

export interface HealthCheckResponse {
  status: ServingStatus;
}
