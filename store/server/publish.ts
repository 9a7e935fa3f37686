// Once a member runs, it publishes its name and client URLs through Raft (etcd's publish), so that every
// member's MemberList shows them and followers can find the leader's client URL. Retried until it lands.
import type { Logger } from 'pino';
import type { StoreConfig } from './config.js';
import type { Member } from './member.js';

export function publishAttributes(member: Member, cfg: StoreConfig, logger: Logger): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = async () => {
    if (stopped) return;
    // Always published at start, as etcd does: the URLs may have changed since the last run.
    const mine = member.members().find((m) => Number(m.id) === member.id);
    const want = cfg.advertiseClientUrls;
    try {
      await member.propose({ kind: 'memberAttributes', req: { ID: BigInt(member.id), name: cfg.name, peerURLs: mine ? [...mine.peerURLs] : [], clientURLs: want, isLearner: false } });
      logger.info({ clientUrls: want }, 'published member attributes');
    } catch (e) {
      logger.debug({ err: (e as Error).message }, 'publishing member attributes failed; retrying');
      if (!stopped) timer = setTimeout(() => void attempt(), 500);
    }
  };
  void attempt();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
