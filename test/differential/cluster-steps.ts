// The cluster as a whole, last: membership, status, health, and a final compaction after which the history
// holds no lease ids, so HashKV on every member must equal etcd's exactly.
import { unary } from '../../api/etcd/grpc-test-kit.js';
import { bytes, ctl, rpc, syncAllMembers, type Step } from '../support/script.js';

export const clusterSteps: Step[] = [
  ctl('member list', ['member', 'list'], { sortLines: true }),
  rpc('MemberList', (c) => unary(c.cluster, c.cluster.MemberList, {}), {
    after: (r) => ({ ...r, members: [...r.members].sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name)) }),
  }),
  syncAllMembers(),
  ctl('endpoint status -w json', ['endpoint', 'status', '-w', 'json'], { allEndpoints: true }),
  ctl('endpoint health', ['endpoint', 'health'], { allEndpoints: true, sortLines: true }),
  rpc('Status', (c) => unary(c.maintenance, c.maintenance.Status, {})),
  rpc('compact everything', async (c) => {
    const revision = (await unary(c.kv, c.kv.Range, { key: bytes('final') })).header.revision;
    return unary(c.kv, c.kv.Compact, { revision, physical: true });
  }),
  rpc('what is left', (c) => unary(c.kv, c.kv.Range, { key: bytes('\0'), range_end: bytes('\0') })),
  syncAllMembers('every member has applied the compaction'),
  ctl('endpoint hashkv after compacting everything', ['endpoint', 'hashkv', '-w', 'json'], { allEndpoints: true }),
];
