import { afterEach, describe, expect, it } from 'vitest';
import { discoverCluster } from './discover.js';
import { PeerTransport } from './peer-transport.js';

describe('cluster discovery over the peer port', () => {
  const started: PeerTransport[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((t) => t.stop()));
  });

  async function transport(describe?: () => { clusterId: string; members: { id: number; name: string; peerURLs: string[] }[] } | undefined) {
    const t = new PeerTransport({ selfId: 1, clusterId: 'c0ffee', listen: { host: '127.0.0.1', port: 0 }, onMessage: () => {}, describeCluster: describe });
    await t.start();
    started.push(t);
    return `http://127.0.0.1:${t.listenPort}`;
  }

  it('answers with the cluster id and members', async () => {
    const members = [{ id: 1, name: 'a', peerURLs: ['http://127.0.0.1:1'] }];
    const url = await transport(() => ({ clusterId: 'c0ffee', members }));
    expect(await discoverCluster(url, 2000)).toEqual({ clusterId: 'c0ffee', members });
  });

  it('says so when the member cannot describe its cluster yet, and fails on a dead port', async () => {
    const url = await transport(() => undefined);
    await expect(discoverCluster(url, 2000)).rejects.toThrow(/cannot describe its cluster yet/);
    await expect(discoverCluster('http://127.0.0.1:1', 1000)).rejects.toThrow();
  });
});
