// Applies committed Raft entries to the member's state: the MVCC store, the lease table and the membership,
// all recorded in the state DB and written in one batch per apply round together with the consistent index.
// Deterministic: every member applies the same entries in the same order to the same effect.
import type { Logger } from 'pino';
import type * as pb from '../../api/etcd/messages.js';
import type { WriteHooks } from '../backend/serial-writer.js';
import type { StateDb } from '../backend/state-db.js';
import { failpoint, failpointsActive } from '../failpoints/registry.js';
import { ErrLeaseExists, ErrLeaseNotFound, ErrLeaseTTLTooLarge, type Lessor } from '../lease/index.js';
import type { Event } from '../mvcc/key-value.js';
import type { KvStore } from '../mvcc/kv-store.js';
import { decodeConfChange } from '../raft/confchange.js';
import type { Entry } from '../raft/types.js';
import { EtcdError } from './errors.js';
import { applyCompact, applyDeleteRange, applyPut, applyTxn, type LeaseBook } from './kv-apply.js';
import { decodeProposal, type Proposal } from './proposal.js';

export type ApplyResult = { ok: true; revision: number; response: unknown } | { ok: false; error: Error };

export interface ApplierHooks {
  /** The proposal with this id committed; the member that proposed it hands the result to its client. */
  applied(id: string, result: ApplyResult): void;
  /** A write changed the key space: watchers hear of it. */
  events(revision: number, events: Event[]): void;
  /**
   * A conf change committed. `replayed`: its effect on the state DB (the member records) is already there, only
   * Raft's configuration must learn it again, as after a restart or a snapshot install that went past it.
   */
  confChange(e: Entry, replayed: boolean): void;
  /** The leader's first entry of its term was applied. */
  leaderEntryApplied(term: number): void;
  /** A member's peer URLs changed (MemberUpdate): the transport must dial the new ones. */
  peerUrlsChanged(id: number, peerUrls: string[]): void;
}

export class Applier {
  private appliedIndex: number;
  private readonly leaseBook: LeaseBook;
  /** Whether the current apply round compacted the MVCC store (for the compact failpoints). */
  private compactedInRound = false;

  constructor(
    private readonly store: KvStore,
    private readonly lessor: Lessor,
    private readonly db: StateDb,
    private readonly hooks: ApplierHooks,
    private readonly logger: Logger,
  ) {
    this.appliedIndex = db.meta.consistentIndex;
    this.leaseBook = {
      exists: (id) => lessor.exists(id),
      attach: (id, key) => lessor.attach(id, key),
      detach: (id, key) => void lessor.detach(id, key),
    };
  }

  get index(): number {
    return this.appliedIndex;
  }

  /** Apply a batch of committed entries; the state DB write for the batch is queued, not awaited. */
  applyEntries(entries: Entry[]): Promise<void> {
    let last: Entry | undefined;
    this.compactedInRound = false;
    for (const e of entries) {
      if (e.index <= this.appliedIndex) {
        // Already in the state DB (replayed after a restart or a snapshot install); Raft's configuration is not
        // in the state DB, so conf changes are applied to Raft again, and only to Raft.
        if (e.type === 'confChange') this.hooks.confChange(e, true);
        continue;
      }
      this.applyOne(e);
      last = e;
    }
    if (!last) return Promise.resolve();
    this.appliedIndex = last.index;
    // The consistent index goes into the same batch as the state it describes, so a restart replays exactly
    // the entries whose effects were not written.
    if (failpointsActive) return this.db.commit(last.index, last.term, { around: commitFailpoints(this.compactedInRound) });
    return this.db.commit(last.index, last.term);
  }

  private applyOne(e: Entry): void {
    if (e.type === 'confChange') {
      this.hooks.confChange(e, false);
      const cc = decodeConfChange(e.data);
      this.logger.info({ index: e.index, type: cc.type, node: cc.nodeId }, 'applied conf change');
      return;
    }
    if (e.data.byteLength === 0) {
      this.hooks.leaderEntryApplied(e.term);
      return;
    }
    let p: Proposal;
    try {
      p = decodeProposal(e.data);
    } catch (err) {
      // Only our own members propose; an undecodable entry means a bug or corruption: stop, do not guess.
      throw new Error(`entry ${e.index}: cannot decode proposal: ${(err as Error).message}`);
    }
    let result: ApplyResult;
    try {
      result = this.execute(p);
    } catch (err) {
      if (!(err instanceof EtcdError)) throw err;
      result = { ok: false, error: err };
    }
    this.hooks.applied(p.id, result);
  }

  private execute(p: Proposal): ApplyResult {
    switch (p.kind) {
      case 'put':
        return this.write(applyPut(this.store, this.leaseBook, p.req));
      case 'deleteRange':
        return this.write(applyDeleteRange(this.store, this.leaseBook, p.req));
      case 'txn':
        return this.write(applyTxn(this.store, this.leaseBook, p.req));
      case 'compact': {
        const r = applyCompact(this.store, p.req);
        this.compactedInRound = true;
        return { ok: true, revision: r.revision, response: {} };
      }
      case 'leaseGrant':
        return this.leaseGrant(p.req);
      case 'leaseRevoke':
        return this.leaseRevoke(p.req.ID);
      case 'memberAttributes':
        return this.memberAttributes(p.req);
      case 'memberUpdate':
        return this.memberUpdate(p.req);
      case 'alarm':
        return this.alarm(p.req);
    }
  }

  private write(out: { revision: number; events: Event[]; response: unknown }): ApplyResult {
    if (out.events.length > 0) this.hooks.events(out.revision, out.events);
    return { ok: true, revision: out.revision, response: out.response };
  }

  private leaseGrant(req: pb.LeaseGrantRequest): ApplyResult {
    try {
      const granted = this.lessor.grant(req.ID, Number(req.TTL));
      this.db.leases.put({ id: granted.id, ttl: granted.ttl });
      return { ok: true, revision: this.store.currentRevision, response: { ID: granted.id, TTL: BigInt(granted.ttl), error: '' } };
    } catch (e) {
      if (e instanceof ErrLeaseExists) throw EtcdError.leaseExists();
      if (e instanceof ErrLeaseTTLTooLarge) throw EtcdError.leaseTtlTooLarge();
      throw e;
    }
  }

  private memberAttributes(m: pb.Member): ApplyResult {
    const id = Number(m.ID);
    const known = this.db.members.list().find((x) => Number(x.id) === id);
    // Attributes of a member that was removed meanwhile are dropped, as etcd drops them.
    if (known) this.db.members.put({ ...known, name: m.name, clientURLs: m.clientURLs });
    return { ok: true, revision: this.store.currentRevision, response: {} };
  }

  private memberUpdate(req: pb.MemberUpdateRequest): ApplyResult {
    const known = this.db.members.list().find((x) => BigInt(x.id) === req.ID);
    if (!known) throw EtcdError.memberNotFound();
    this.db.members.put({ ...known, peerURLs: req.peerURLs });
    this.hooks.peerUrlsChanged(Number(req.ID), req.peerURLs);
    return { ok: true, revision: this.store.currentRevision, response: {} };
  }

  /** NOSPACE (and CORRUPT) alarms are cluster state: raised and disarmed through the log, as etcd does. */
  private alarm(req: pb.AlarmRequest): ApplyResult {
    if (req.alarm === 'NONE') return { ok: true, revision: this.store.currentRevision, response: {} };
    const alarm = req.alarm;
    if (req.action === 'ACTIVATE') this.db.alarms.set(req.memberID, alarm);
    else if (req.action === 'DEACTIVATE') this.db.alarms.clear(req.memberID, alarm);
    return { ok: true, revision: this.store.currentRevision, response: {} };
  }

  /** Revoking deletes every key attached to the lease in one revision (one write txn). */
  private leaseRevoke(id: bigint): ApplyResult {
    let keys: Uint8Array[];
    try {
      keys = this.lessor.revoke(id);
    } catch (e) {
      if (e instanceof ErrLeaseNotFound) throw EtcdError.leaseNotFound();
      throw e;
    }
    this.db.leases.delete(id);
    const txn = this.store.write();
    for (const key of keys) txn.deleteRange(key);
    const res = txn.end();
    if (res.events.length > 0) this.hooks.events(res.revision, res.events);
    return { ok: true, revision: res.revision, response: {} };
  }
}

/**
 * The apply (and compact) failpoints of one round's commit. They run at the batch's turn in the state DB's
 * write order, so a sleep delays this write and every later one, never reorders them, and the changes stay
 * those this round made (they were taken when commit was called).
 */
function commitFailpoints(compacted: boolean): WriteHooks {
  return {
    before: async () => {
      await failpoint('applyBeforeCommit');
      if (compacted) await failpoint('compactBeforeCommit');
    },
    after: async () => {
      if (compacted) await failpoint('compactAfterCommit');
      await failpoint('applyAfterCommit');
    },
  };
}
