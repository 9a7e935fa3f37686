// A member's configuration: etcd's flag names, defaults and ETCD_* environment variables, validated once.
import { ConfigError } from '../raft/errors.js';
import { parseAutoCompaction, type AutoCompactionConfig } from './auto-compactor.js';
import { memberIdFor } from './ids.js';

export interface InitialMember {
  name: string;
  peerUrls: string[];
  id: number;
}

export interface StoreConfig {
  name: string;
  dataDir: string;
  listenClientUrls: URL[];
  advertiseClientUrls: string[];
  listenPeerUrls: URL[];
  initialAdvertisePeerUrls: string[];
  initialCluster: InitialMember[];
  initialClusterState: 'new' | 'existing';
  initialClusterToken: string;
  /** Milliseconds. */
  heartbeatInterval: number;
  /** Milliseconds. */
  electionTimeout: number;
  snapshotCount: number;
  /** Entries kept behind a snapshot for slow followers (etcd 3.5's --experimental-snapshot-catchup-entries). */
  snapshotCatchupEntries: number;
  maxRequestBytes: number;
  maxTxnOps: number;
  /** 0 means etcd's default of 2 GiB. */
  quotaBackendBytes: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'panic' | 'fatal';
  autoCompaction: AutoCompactionConfig;
  memberId: number;
}

/** The flags as they arrive from the command line or environment (strings), before validation. */
export interface RawStoreFlags {
  name: string;
  dataDir?: string;
  listenClientUrls: string;
  advertiseClientUrls: string;
  listenPeerUrls: string;
  initialAdvertisePeerUrls: string;
  initialCluster?: string;
  initialClusterState: string;
  initialClusterToken: string;
  heartbeatInterval: string;
  electionTimeout: string;
  snapshotCount: string;
  experimentalSnapshotCatchupEntries: string;
  maxRequestBytes: string;
  maxTxnOps: string;
  quotaBackendBytes: string;
  logLevel: string;
  autoCompactionMode: string;
  autoCompactionRetention: string;
}

/** etcd 3.4's defaults. */
export const ETCD_DEFAULTS: RawStoreFlags = {
  name: 'default',
  listenClientUrls: 'http://localhost:2379',
  advertiseClientUrls: 'http://localhost:2379',
  listenPeerUrls: 'http://localhost:2380',
  initialAdvertisePeerUrls: 'http://localhost:2380',
  initialClusterState: 'new',
  initialClusterToken: 'etcd-cluster',
  heartbeatInterval: '100',
  electionTimeout: '1000',
  snapshotCount: '100000',
  experimentalSnapshotCatchupEntries: '5000',
  maxRequestBytes: '1572864',
  maxTxnOps: '128',
  quotaBackendBytes: '0',
  logLevel: 'info',
  autoCompactionMode: 'periodic',
  autoCompactionRetention: '0',
};

function urls(flag: string, value: string): URL[] {
  const out: URL[] = [];
  for (const s of value.split(',').map((x) => x.trim()).filter(Boolean)) {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      throw new ConfigError(`--${flag}: invalid URL ${JSON.stringify(s)}`);
    }
    if (u.protocol === 'https:') throw new ConfigError(`--${flag}: TLS (https) is not supported yet: ${s}`);
    if (u.protocol !== 'http:') throw new ConfigError(`--${flag}: URL scheme must be http, got ${JSON.stringify(s)}`);
    if (!u.port) throw new ConfigError(`--${flag}: URL must name a port: ${s}`);
    out.push(u);
  }
  if (out.length === 0) throw new ConfigError(`--${flag} must not be empty`);
  return out;
}

function positiveInt(flag: string, value: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || (!allowZero && n === 0)) throw new ConfigError(`--${flag}: expected a ${allowZero ? 'non-negative' : 'positive'} integer, got ${JSON.stringify(value)}`);
  return n;
}

/** Parse etcd's --initial-cluster form: name1=url1,name1=url2,name2=url3 (a name may repeat for several URLs). */
export function parseInitialCluster(value: string, token: string): InitialMember[] {
  const byName = new Map<string, string[]>();
  for (const part of value.split(',').map((x) => x.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--initial-cluster: expected name=url, got ${JSON.stringify(part)}`);
    const name = part.slice(0, eq);
    const url = urls('initial-cluster', part.slice(eq + 1))[0]!.toString().replace(/\/$/, '');
    byName.set(name, [...(byName.get(name) ?? []), url]);
  }
  const members = [...byName].map(([name, peerUrls]) => ({ name, peerUrls, id: memberIdFor(peerUrls, token) }));
  const ids = new Set(members.map((m) => m.id));
  if (ids.size !== members.length) throw new ConfigError('--initial-cluster: two members have the same peer URLs');
  return members;
}

export function validateStoreConfig(f: RawStoreFlags): StoreConfig {
  const name = f.name;
  if (!name) throw new ConfigError('--name must not be empty');
  const state = f.initialClusterState;
  if (state !== 'new' && state !== 'existing') throw new ConfigError(`--initial-cluster-state: expected "new" or "existing", got ${JSON.stringify(state)}`);
  const heartbeatInterval = positiveInt('heartbeat-interval', f.heartbeatInterval);
  const electionTimeout = positiveInt('election-timeout', f.electionTimeout);
  // etcd's own rule: the election timeout must be at least five heartbeats.
  if (electionTimeout < 5 * heartbeatInterval) throw new ConfigError(`--election-timeout[${electionTimeout}ms] should be at least as 5 times as --heartbeat-interval[${heartbeatInterval}ms]`);
  if (electionTimeout > 50000) throw new ConfigError(`--election-timeout[${electionTimeout}ms] is too long, and should be set less than 50 seconds`);
  const initialAdvertisePeerUrls = urls('initial-advertise-peer-urls', f.initialAdvertisePeerUrls).map((u) => u.toString().replace(/\/$/, ''));
  const initialCluster = parseInitialCluster(f.initialCluster ?? `${name}=${initialAdvertisePeerUrls.join(`,${name}=`)}`, f.initialClusterToken);
  const self = initialCluster.find((m) => m.name === name);
  if (!self) throw new ConfigError(`couldn't find local name "${name}" in the initial cluster configuration`);
  const selfUrls = [...self.peerUrls].sort().join(',');
  if (selfUrls !== [...initialAdvertisePeerUrls].sort().join(',')) {
    throw new ConfigError(`--initial-cluster has ${name}=${self.peerUrls.join(',')} but missing from --initial-advertise-peer-urls=${initialAdvertisePeerUrls.join(',')}`);
  }
  const logLevel = f.logLevel as StoreConfig['logLevel'];
  if (!['debug', 'info', 'warn', 'error', 'panic', 'fatal'].includes(logLevel)) throw new ConfigError(`--log-level: unknown level ${JSON.stringify(f.logLevel)}`);
  return {
    name,
    dataDir: f.dataDir || `${name}.etcd`,
    listenClientUrls: urls('listen-client-urls', f.listenClientUrls),
    advertiseClientUrls: urls('advertise-client-urls', f.advertiseClientUrls).map((u) => u.toString().replace(/\/$/, '')),
    listenPeerUrls: urls('listen-peer-urls', f.listenPeerUrls),
    initialAdvertisePeerUrls,
    initialCluster,
    initialClusterState: state,
    initialClusterToken: f.initialClusterToken,
    heartbeatInterval,
    electionTimeout,
    snapshotCount: positiveInt('snapshot-count', f.snapshotCount),
    snapshotCatchupEntries: positiveInt('experimental-snapshot-catchup-entries', f.experimentalSnapshotCatchupEntries),
    maxRequestBytes: positiveInt('max-request-bytes', f.maxRequestBytes),
    maxTxnOps: positiveInt('max-txn-ops', f.maxTxnOps),
    quotaBackendBytes: positiveInt('quota-backend-bytes', f.quotaBackendBytes, true),
    logLevel,
    autoCompaction: parseAutoCompaction(f.autoCompactionMode, f.autoCompactionRetention),
    memberId: self.id,
  };
}
