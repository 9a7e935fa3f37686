// A member's Raft log and hard state on LevelDB, readable by the core through the Storage interface.
//
// The core reads synchronously, so the whole log above the last compaction is kept in memory (LogCache) and
// LevelDB is the durable copy: open() loads it all, every write goes to disk first and reaches memory only once
// LevelDB has acknowledged it. Memory therefore grows with the log and only compaction bounds it: an entry
// costs its payload plus roughly 300 bytes of JS objects (measured: 284 bytes of heap per 100-byte entry loaded
// at open), so etcd's defaults (a snapshot every 10,000 applied entries, 5,000 kept behind it for slow
// followers) hold at most ~15,000 entries, about 20 MiB at 1 KiB per entry. A member that never compacts keeps
// its whole history in memory and reads it all at every start.
//
// Writes are serialized: a call made while another is in flight waits for it, then plans against the log as
// that one left it, so a driver that does not await between Readies still writes them in order.
//
// One process per database: LevelDB's lock file makes a second open() of the same path fail.
import { mkdir } from 'node:fs/promises';
import { Level } from 'level';
import type { InitialState } from '../raft/storage.js';
import type { ConfState, Entry, Snapshot } from '../raft/types.js';
import { RaftLogOpenError } from './errors.js';
import { LogCache } from './log-cache.js';
import { hardStateWrite, planCompact, planCreateSnapshot, planSave, writesHardState, type LogUpdate } from './log-update.js';
import { loadLog, type RaftLogDb } from './load-log.js';
import { MEMBER_ID_KEY } from './log-keys.js';
import type { PersistentLog, ReadyToPersist } from './persistent-log.js';

export class RaftLogStore implements PersistentLog {
  /** The last write queued; the next one starts after it settles. */
  private writeQueue: Promise<unknown> = Promise.resolve();
  /** The cached hard state has a commit index newer than the one on disk (see save). */
  private hardStateUnwritten = false;

  private constructor(
    private readonly db: RaftLogDb,
    private readonly cache: LogCache,
    private storedMemberId: number | undefined,
  ) {}

  /** Open (creating if needed) the log database at `path`, e.g. `<data-dir>/member/raft`, and load it. */
  static async open(path: string): Promise<RaftLogStore> {
    await mkdir(path, { recursive: true });
    const db: RaftLogDb = new Level<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    try {
      await db.open();
    } catch (e) {
      throw new RaftLogOpenError(path, e);
    }
    try {
      const cache = new LogCache(await loadLog(db));
      const id = await db.get(MEMBER_ID_KEY);
      return new RaftLogStore(db, cache, id === undefined ? undefined : decodeMemberId(db.location, id));
    } catch (e) {
      await db.close();
      throw e;
    }
  }

  get path(): string {
    return this.db.location;
  }

  /** The id this member was created with, if recorded (data dirs written before it was recorded have none). */
  memberId(): number | undefined {
    return this.storedMemberId;
  }

  /** Records the member's id, synced, before the member writes anything else under it. */
  recordMemberId(id: number): Promise<void> {
    return this.serialized(async () => {
      const value = Buffer.allocUnsafe(8);
      value.writeBigUInt64BE(BigInt(id));
      await this.db.put(MEMBER_ID_KEY, value, { sync: true });
      this.storedMemberId = id;
    });
  }

  // ---- Storage: served from memory ----

  initialState(): InitialState {
    return this.cache.initialState();
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    return this.cache.entries(lo, hi, maxBytes);
  }

  term(i: number): number {
    return this.cache.term(i);
  }

  firstIndex(): number {
    return this.cache.firstIndex();
  }

  lastIndex(): number {
    return this.cache.lastIndex();
  }

  snapshot(): Snapshot {
    return this.cache.snapshot();
  }

  // ---- writes: disk first, then memory ----

  save(rd: ReadyToPersist): Promise<void> {
    return this.serialized(async () => {
      const update = planSave(this.cache, rd);
      if (!update.mustSync) {
        // Only the commit index moved (etcd does not sync it either): keep it in memory and let the next write
        // carry it. A write per commit cost every member a thread-pool round trip per Ready; after a crash the
        // index is learnt again from the leader, and whatever the state DB applied past it is skipped on replay.
        update.applyToCache();
        this.hardStateUnwritten = true;
        return;
      }
      await this.write(update);
    });
  }

  createSnapshot(index: number, confState: ConfState, data: Uint8Array): Promise<Snapshot> {
    return this.serialized(async () => {
      const update = planCreateSnapshot(this.cache, index, confState, data);
      await this.write(update);
      return update.snapshot;
    });
  }

  compact(index: number): Promise<void> {
    return this.serialized(async () => {
      await this.write(planCompact(this.cache, index));
    });
  }

  /** Close the database once queued writes (and a commit index not yet written) have settled. Reads keep answering from memory. */
  close(): Promise<void> {
    return this.serialized(async () => {
      if (this.hardStateUnwritten) await this.write({ writes: [], mustSync: false, applyToCache: () => undefined });
      await this.db.close();
    });
  }

  private async write(update: LogUpdate): Promise<void> {
    const carry = this.hardStateUnwritten && !writesHardState(update);
    const writes = carry ? [hardStateWrite(this.cache.currentHardState()), ...update.writes] : update.writes;
    if (writes.length > 0) {
      // A chained batch rather than db.batch(array): abstract-level checks and copies every operation of the
      // array form in JS, which made a 100-entry save several times slower when measured.
      const batch = this.db.batch();
      try {
        for (const w of writes) {
          if (w.type === 'put') batch.put(w.key, w.value);
          else batch.del(w.key);
        }
        await batch.write({ sync: update.mustSync });
      } catch (e) {
        await batch.close();
        throw e;
      }
    }
    update.applyToCache();
    this.hardStateUnwritten = false;
  }

  private serialized<T>(op: () => Promise<T>): Promise<T> {
    const result = this.writeQueue.then(op);
    // A failed write fails its own caller; the next one still runs (against the unchanged log).
    this.writeQueue = result.catch(() => undefined);
    return result;
  }
}

function decodeMemberId(location: string, value: Buffer): number {
  const id = value.length === 8 ? Number(value.readBigUInt64BE(0)) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new RaftLogOpenError(location, new Error(`stored member id ${value.toString('hex')} is not valid`));
  return id;
}
