// Everything a member derives from its state DB: the MVCC store, the lease table and the applier over them.
// Replaced as a whole when a snapshot from the leader is installed.
import type { Logger } from 'pino';
import { StateDb } from '../backend/state-db.js';
import { Lessor, minLeaseTtlSeconds } from '../lease/index.js';
import { KvStore } from '../mvcc/kv-store.js';
import { Applier, type ApplierHooks } from './applier.js';
import type { StoreConfig } from './config.js';

export class AppliedState {
  private constructor(
    readonly db: StateDb,
    readonly store: KvStore,
    readonly lessor: Lessor,
    readonly applier: Applier,
  ) {}

  static async open(path: string, cfg: StoreConfig, hooks: ApplierHooks, logger: Logger): Promise<AppliedState> {
    const db = await StateDb.open(path);
    const store = new KvStore({ backend: db.mvcc });
    const lessor = new Lessor({ clock: { now: () => performance.now() }, minTtlSeconds: minLeaseTtlSeconds(cfg.heartbeatInterval, cfg.electionTimeout) });
    const leases = db.leases.list();
    lessor.restore(leases);
    if (leases.length > 0) {
      // Which keys hang on which lease is not stored twice: it is read back from the keys themselves.
      const all = store.range(Buffer.from([0]), Buffer.from([0]));
      for (const kv of all.kvs) if (kv.lease !== 0n) lessor.restoreAttachment(kv.lease, kv.key);
    }
    return new AppliedState(db, store, lessor, new Applier(store, lessor, db, hooks, logger));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
