// The network fault layer of `yawl chaos`: proxies in front of each member's peer port, and the rules they obey.
export { Network, type Links, type MemberId, type NetworkOptions, type ProxiedMember } from './network.js';
export { PeerProxy, type HostPort, type ProxyPolicy } from './proxy.js';
export { Lane, MAX_RTO_MS, MIN_RTO_MS, LANE_HIGH_WATER_BYTES, type Direction, type Random } from './lane.js';
export {
  allPairs,
  bridgePairs,
  isolatePairs,
  LinkRules,
  NORMAL_LINK,
  oneWayPairs,
  pairKey,
  partitionPairs,
  type LinkRule,
  type Pair,
} from './rules.js';
export { normalizeMemberId, sniffSource, SourceTracker, SNIFF_LIMIT_BYTES, NEED_MORE_BYTES, UNKNOWN, type Attributed, type SniffResult } from './sniff.js';
export type { LinkStats, NetworkStats, ProxyStats } from './stats.js';
