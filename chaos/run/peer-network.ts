// The run's view of chaos/net: one proxy per member in front of its peer port, driven through the small
// NetworkControl surface the fault injector uses.
import type { NetworkControl } from '../faults/network-control.js';
import { Network, type NetworkStats } from '../net/index.js';

export interface PeerNetwork extends NetworkControl {
  stats(): NetworkStats;
  close(): Promise<void>;
}

export async function startPeerNetwork(
  members: readonly { readonly name: string; readonly peerUrl: string; readonly listenPeerUrl: string }[],
  seed: number,
): Promise<PeerNetwork> {
  const network = await Network.forPeerUrls(members, { seed });
  return {
    setMemberId: (name, idHex) => network.setMemberIds([[name, idHex]]),
    partition: (groups) => network.partition(groups),
    isolate: (name) => network.isolate(name),
    blockOneWay: (from, to) => network.blockOneWay(from, to),
    bridge: (bridge) => network.bridge(bridge),
    blackhole: (name) => network.blackhole(name),
    delay: (delayMs, jitterMs) => network.delay('all', delayMs, jitterMs),
    drop: (rate) => network.drop('all', rate),
    heal: () => network.heal(),
    stats: () => network.stats(),
    close: () => network.close(),
  };
}
