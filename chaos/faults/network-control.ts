// What the fault injector needs from the network layer (chaos/net): link-level faults between named members.
export interface NetworkControl {
  /** The member id (hex) a member's connections identify themselves with; changes when a member is replaced. */
  setMemberId(name: string, idHex: string): void;
  partition(groups: string[][]): void;
  isolate(name: string): void;
  blockOneWay(from: string, to: string): void;
  bridge(bridge: string): void;
  blackhole(name: string): void;
  delay(delayMs: number, jitterMs: number): void;
  drop(rate: number): void;
  heal(): void;
}
