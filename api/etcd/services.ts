// grpc-js service definitions and client constructors built from our .proto files, with TypeScript types for
// both ends: a server implements `ServiceImplementation<KVMethods>` and hands it to `server.addService(KVService,
// impl)`; a client is `new KVClient(address, credentials)`. Method names are the proto's (Range, LeaseGrant, ...).
import * as grpc from '@grpc/grpc-js';
import type { Service } from 'protobufjs';
import { codecForType, etcdProtoRoot } from './codec.js';
import type * as m from './messages.js';
import type { Init } from './messages.js';

/** The shape of one RPC; `Req` and `Res` are the decoded message types from messages.ts. */
export interface Unary<Req, Res> {
  readonly kind: 'unary';
  readonly request: Req;
  readonly response: Res;
}
export interface ServerStreaming<Req, Res> {
  readonly kind: 'server-streaming';
  readonly request: Req;
  readonly response: Res;
}
export interface BidiStreaming<Req, Res> {
  readonly kind: 'bidi-streaming';
  readonly request: Req;
  readonly response: Res;
}

export interface KVMethods {
  Range: Unary<m.RangeRequest, m.RangeResponse>;
  Put: Unary<m.PutRequest, m.PutResponse>;
  DeleteRange: Unary<m.DeleteRangeRequest, m.DeleteRangeResponse>;
  Txn: Unary<m.TxnRequest, m.TxnResponse>;
  Compact: Unary<m.CompactionRequest, m.CompactionResponse>;
}

export interface WatchMethods {
  Watch: BidiStreaming<m.WatchRequest, m.WatchResponse>;
}

export interface LeaseMethods {
  LeaseGrant: Unary<m.LeaseGrantRequest, m.LeaseGrantResponse>;
  LeaseRevoke: Unary<m.LeaseRevokeRequest, m.LeaseRevokeResponse>;
  LeaseKeepAlive: BidiStreaming<m.LeaseKeepAliveRequest, m.LeaseKeepAliveResponse>;
  LeaseTimeToLive: Unary<m.LeaseTimeToLiveRequest, m.LeaseTimeToLiveResponse>;
  LeaseLeases: Unary<m.Empty, m.LeaseLeasesResponse>;
}

export interface ClusterMethods {
  MemberAdd: Unary<m.MemberAddRequest, m.MemberAddResponse>;
  MemberRemove: Unary<m.MemberRemoveRequest, m.MemberRemoveResponse>;
  MemberUpdate: Unary<m.MemberUpdateRequest, m.MemberUpdateResponse>;
  MemberList: Unary<m.Empty, m.MemberListResponse>;
  MemberPromote: Unary<m.MemberPromoteRequest, m.MemberPromoteResponse>;
}

export interface MaintenanceMethods {
  Alarm: Unary<m.AlarmRequest, m.AlarmResponse>;
  Status: Unary<m.Empty, m.StatusResponse>;
  Defragment: Unary<m.Empty, m.DefragmentResponse>;
  Hash: Unary<m.Empty, m.HashResponse>;
  HashKV: Unary<m.HashKVRequest, m.HashKVResponse>;
  Snapshot: ServerStreaming<m.Empty, m.SnapshotResponse>;
  MoveLeader: Unary<m.MoveLeaderRequest, m.MoveLeaderResponse>;
}

export interface AuthMethods {
  AuthEnable: Unary<m.Empty, m.HeaderResponse>;
  AuthDisable: Unary<m.Empty, m.HeaderResponse>;
  Authenticate: Unary<m.AuthenticateRequest, m.AuthenticateResponse>;
  UserAdd: Unary<m.AuthUserAddRequest, m.HeaderResponse>;
  UserGet: Unary<m.AuthUserNameRequest, m.AuthRolesResponse>;
  UserList: Unary<m.Empty, m.AuthUserListResponse>;
  UserDelete: Unary<m.AuthUserNameRequest, m.HeaderResponse>;
  UserChangePassword: Unary<m.AuthUserChangePasswordRequest, m.HeaderResponse>;
  UserGrantRole: Unary<m.AuthUserGrantRoleRequest, m.HeaderResponse>;
  UserRevokeRole: Unary<m.AuthUserRevokeRoleRequest, m.HeaderResponse>;
  RoleAdd: Unary<m.AuthRoleAddRequest, m.HeaderResponse>;
  RoleGet: Unary<m.AuthRoleNameRequest, m.AuthRoleGetResponse>;
  RoleList: Unary<m.Empty, m.AuthRolesResponse>;
  RoleDelete: Unary<m.AuthRoleNameRequest, m.HeaderResponse>;
  RoleGrantPermission: Unary<m.AuthRoleGrantPermissionRequest, m.HeaderResponse>;
  RoleRevokePermission: Unary<m.AuthRoleRevokePermissionRequest, m.HeaderResponse>;
}

export interface LockMethods {
  Lock: Unary<m.LockRequest, m.LockResponse>;
  Unlock: Unary<m.UnlockRequest, m.HeaderResponse>;
}

export interface ElectionMethods {
  Campaign: Unary<m.CampaignRequest, m.CampaignResponse>;
  Proclaim: Unary<m.ProclaimRequest, m.HeaderResponse>;
  Leader: Unary<m.LeaderRequest, m.LeaderResponse>;
  Observe: ServerStreaming<m.LeaderRequest, m.LeaderResponse>;
  Resign: Unary<m.ResignRequest, m.HeaderResponse>;
}

export interface HealthMethods {
  Check: Unary<m.HealthCheckRequest, m.HealthCheckResponse>;
  Watch: ServerStreaming<m.HealthCheckRequest, m.HealthCheckResponse>;
}

/** Server side: handlers receive decoded requests and may answer with any `Init` of the response. */
export type ServiceImplementation<M> = {
  [K in keyof M]: M[K] extends Unary<infer Req, infer Res>
    ? grpc.handleUnaryCall<Req, Init<Res>>
    : M[K] extends ServerStreaming<infer Req, infer Res>
      ? grpc.handleServerStreamingCall<Req, Init<Res>>
      : M[K] extends BidiStreaming<infer Req, infer Res>
        ? grpc.handleBidiStreamingCall<Req, Init<Res>>
        : never;
};

export interface UnaryClientMethod<Req, Res> {
  (request: Req, callback: grpc.requestCallback<Res>): grpc.ClientUnaryCall;
  (request: Req, metadata: grpc.Metadata, callback: grpc.requestCallback<Res>): grpc.ClientUnaryCall;
  (request: Req, options: Partial<grpc.CallOptions>, callback: grpc.requestCallback<Res>): grpc.ClientUnaryCall;
  (
    request: Req,
    metadata: grpc.Metadata,
    options: Partial<grpc.CallOptions>,
    callback: grpc.requestCallback<Res>,
  ): grpc.ClientUnaryCall;
}

export interface ServerStreamingClientMethod<Req, Res> {
  (request: Req, options?: Partial<grpc.CallOptions>): grpc.ClientReadableStream<Res>;
  (request: Req, metadata?: grpc.Metadata, options?: Partial<grpc.CallOptions>): grpc.ClientReadableStream<Res>;
}

export interface BidiStreamingClientMethod<Req, Res> {
  (options?: Partial<grpc.CallOptions>): grpc.ClientDuplexStream<Req, Res>;
  (metadata?: grpc.Metadata, options?: Partial<grpc.CallOptions>): grpc.ClientDuplexStream<Req, Res>;
}

/** Client side: calls take `Init` requests and yield decoded responses. */
export type ServiceClient<M> = grpc.Client & {
  [K in keyof M]: M[K] extends Unary<infer Req, infer Res>
    ? UnaryClientMethod<Init<Req>, Res>
    : M[K] extends ServerStreaming<infer Req, infer Res>
      ? ServerStreamingClientMethod<Init<Req>, Res>
      : M[K] extends BidiStreaming<infer Req, infer Res>
        ? BidiStreamingClientMethod<Init<Req>, Res>
        : never;
};

export type ServiceClientConstructor<M> = {
  new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions): ServiceClient<M>;
  readonly service: grpc.ServiceDefinition<ServiceImplementation<M>>;
  readonly serviceName: string;
};

/** Builds the grpc-js definition of a service from its reflected protobufjs form. */
function serviceDefinition<M>(fullName: string): grpc.ServiceDefinition<ServiceImplementation<M>> {
  const service: Service = etcdProtoRoot.lookupService(fullName);
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = codecForType<unknown>(method.resolvedRequestType!);
    const response = codecForType<unknown>(method.resolvedResponseType!);
    definition[method.name] = {
      path: `/${fullName}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: (value) => request.encode(value as Init<unknown>),
      requestDeserialize: (bytes) => request.decode(bytes),
      responseSerialize: (value) => response.encode(value as Init<unknown>),
      responseDeserialize: (bytes) => response.decode(bytes),
    };
  }
  return definition as grpc.ServiceDefinition<ServiceImplementation<M>>;
}

function clientConstructor<M>(
  definition: grpc.ServiceDefinition<ServiceImplementation<M>>,
  fullName: string,
): ServiceClientConstructor<M> {
  return grpc.makeGenericClientConstructor(definition, fullName) as unknown as ServiceClientConstructor<M>;
}

export const KVService = serviceDefinition<KVMethods>('etcdserverpb.KV');
export const WatchService = serviceDefinition<WatchMethods>('etcdserverpb.Watch');
export const LeaseService = serviceDefinition<LeaseMethods>('etcdserverpb.Lease');
export const ClusterService = serviceDefinition<ClusterMethods>('etcdserverpb.Cluster');
export const MaintenanceService = serviceDefinition<MaintenanceMethods>('etcdserverpb.Maintenance');
export const AuthService = serviceDefinition<AuthMethods>('etcdserverpb.Auth');
export const LockService = serviceDefinition<LockMethods>('v3lockpb.Lock');
export const ElectionService = serviceDefinition<ElectionMethods>('v3electionpb.Election');
export const HealthService = serviceDefinition<HealthMethods>('grpc.health.v1.Health');

export const KVClient = clientConstructor(KVService, 'etcdserverpb.KV');
export const WatchClient = clientConstructor(WatchService, 'etcdserverpb.Watch');
export const LeaseClient = clientConstructor(LeaseService, 'etcdserverpb.Lease');
export const ClusterClient = clientConstructor(ClusterService, 'etcdserverpb.Cluster');
export const MaintenanceClient = clientConstructor(MaintenanceService, 'etcdserverpb.Maintenance');
export const AuthClient = clientConstructor(AuthService, 'etcdserverpb.Auth');
export const LockClient = clientConstructor(LockService, 'v3lockpb.Lock');
export const ElectionClient = clientConstructor(ElectionService, 'v3electionpb.Election');
export const HealthClient = clientConstructor(HealthService, 'grpc.health.v1.Health');
