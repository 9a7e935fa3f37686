// The watch cache of one resource: ONE etcd watch per resource prefix, started from a list, keeps every object
// in memory (sorted by key) and a window of recent changes, and serves lists and watches to any number of
// subscribers from there (Kubernetes' cacher). Lists at resourceVersion "" first make sure the cache has caught up
// with the store's current revision (a count-only read, then a progress request if the prefix was quiet), as
// Kubernetes' consistent reads from cache do. A compacted or lost store watch makes the cache re-list and end
// every subscriber, which then re-watches (and gets 410 Expired if it is behind the new window).
import sortedBtree from 'sorted-btree';
import { prefixEnd, type EtcdWatch, type WatchEvent as EtcdWatchEvent } from '../../client/etcd/index.js';
import { CacheWatcher, type CacheWatcherOwner } from './cache-watcher.js';
import { BadRequestError, NotFoundError, TooLargeResourceVersionError, tooOldResourceVersion } from './errors.js';
import { bookmarkEvent, changeFromEtcd, INITIAL_EVENTS_END_ANNOTATION, type Change, type Predicate } from './events.js';
import { normalizePrefix } from './keys.js';
import type { ListOptions, ListResult } from './list.js';
import { decodeKeyValue, parseResourceVersion, type StoredObject } from './object-codec.js';
import { RingBuffer } from './ring-buffer.js';
import type { GetOptions, Storage } from './store.js';

type BTreeClass = typeof sortedBtree.default;
/** sorted-btree is CommonJS: Node's ESM loader hands over the exports object, vitest the class itself. */
const BTree: BTreeClass = ((sortedBtree as { default?: BTreeClass }).default ?? sortedBtree) as BTreeClass;

export interface WatchCacheOptions {
  /** How many recent changes a watch can resume from (default 10,000; Kubernetes sizes 100 to 100,000). */
  capacity?: number;
  /** A subscriber this many events behind is closed (default 1,000). */
  subscriberQueueLimit?: number;
  /** Bookmarks to subscribers that asked for them (default every 60 s). */
  bookmarkIntervalMs?: number;
  /** How long a read waits for the cache to reach a requested revision (default 3 s, as Kubernetes). */
  freshnessTimeoutMs?: number;
  /** Pause before re-listing after a failure (default 1 s). */
  relistBackoffMs?: number;
  onError?: (error: unknown) => void;
}

export interface CacheWatchOptions {
  /** "" / "0": the current state as ADDED events, then changes; "N": changes after N. */
  resourceVersion?: string;
  sendInitialEvents?: boolean;
  allowBookmarks?: boolean;
  predicate?: Predicate;
  /** A narrower prefix inside the cache's (one namespace). */
  prefix?: string;
}

export interface CacheListOptions extends ListOptions {
  prefix?: string;
}

/** Keys per read while (re-)listing. */
const LIST_PAGE = 10_000;

interface Waiter {
  revision: number;
  resolve(): void;
}

export class WatchCache implements CacheWatcherOwner {
  readonly prefix: string;
  private readonly objects = new BTree<string, StoredObject>();
  private readonly changes: RingBuffer<Change>;
  private readonly watchers = new Set<CacheWatcher>();
  private waiters: Waiter[] = [];
  private revision = 0;
  /** A watch may start from any revision >= this: every later change is still in the buffer. */
  private oldestServable = 0;
  private etcdWatch: EtcdWatch | undefined;
  private stopped = false;
  private readonly readyPromise: Promise<void>;
  private markReady!: () => void;
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private readonly options: Required<Omit<WatchCacheOptions, 'onError'>> & Pick<WatchCacheOptions, 'onError'>;

  constructor(
    private readonly storage: Storage,
    prefix: string,
    options: WatchCacheOptions = {},
  ) {
    this.prefix = normalizePrefix(prefix);
    this.options = {
      capacity: options.capacity ?? 10_000,
      subscriberQueueLimit: options.subscriberQueueLimit ?? 1_000,
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
      freshnessTimeoutMs: options.freshnessTimeoutMs ?? 3_000,
      relistBackoffMs: options.relistBackoffMs ?? 1_000,
      onError: options.onError,
    };
    this.changes = new RingBuffer(this.options.capacity);
    this.readyPromise = new Promise((resolve) => (this.markReady = resolve));
  }

  /** Starts the list and watch; resolves once the first list is in. */
  start(): Promise<void> {
    void this.run();
    this.bookmarkTimer = setInterval(() => this.sendBookmarks(), this.options.bookmarkIntervalMs);
    this.bookmarkTimer.unref();
    return this.readyPromise;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.bookmarkTimer);
    clearInterval(this.progressTimer);
    this.etcdWatch?.cancel();
    for (const watcher of [...this.watchers]) watcher.close('cache');
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters = [];
    this.markReady();
  }

  /** The newest revision the cache has caught up with. */
  get resourceVersion(): number {
    return this.revision;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  get size(): number {
    return this.objects.size;
  }

  remove(watcher: CacheWatcher): void {
    this.watchers.delete(watcher);
  }

  /** A bookmark to every subscriber that asked for them (the periodic timer calls this too). */
  sendBookmarks(): void {
    for (const watcher of this.watchers) watcher.bookmark(this.revision);
  }

  /** Resolves true once the cache has seen `revision`, false after timeoutMs. */
  async waitUntilFresh(revision: number, timeoutMs = this.options.freshnessTimeoutMs): Promise<boolean> {
    await this.readyPromise;
    if (this.revision >= revision || this.stopped) return this.revision >= revision;
    let timer: NodeJS.Timeout | undefined;
    const reached = new Promise<boolean>((resolve) => {
      this.waiters.push({ revision, resolve: () => resolve(true) });
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    this.requestProgress();
    const ok = await reached;
    clearTimeout(timer);
    return ok && this.revision >= revision;
  }

  async get(key: string, options: GetOptions = {}): Promise<StoredObject> {
    if (options.resourceVersion !== '0') return this.storage.get(key, options);
    await this.readyPromise;
    const obj = this.objects.get(key);
    if (!obj) throw new NotFoundError(key);
    return obj;
  }

  /** Serves "0", "" (after catching up) and "N" NotOlderThan from memory; paging and exact reads go to the store. */
  async list(options: CacheListOptions = {}): Promise<ListResult> {
    const prefix = this.subPrefix(options.prefix);
    const rv = parseResourceVersion(options.resourceVersion);
    if (Number.isNaN(rv)) throw new BadRequestError(`invalid resource version: ${options.resourceVersion}`);
    const limited = (options.limit ?? 0) > 0;
    const match = options.resourceVersionMatch ?? '';
    if (options.continue || match === 'Exact' || (limited && rv !== 0)) return this.storage.list(prefix, options);
    await this.readyPromise;
    if (rv === undefined) {
      if (!(await this.waitUntilFresh(await this.storage.currentRevision()))) return this.storage.list(prefix, options);
    } else if (rv > 0 && !(await this.waitUntilFresh(rv))) {
      throw new TooLargeResourceVersionError(rv, this.revision);
    }
    const items: StoredObject[] = [];
    for (const [key, obj] of this.objects.entries(prefix)) {
      if (!key.startsWith(prefix)) break;
      if (!options.predicate || options.predicate(obj)) items.push(obj);
    }
    return { items, resourceVersion: String(this.revision) };
  }

  /** A subscriber from `resourceVersion` on; throws ExpiredError (410) for a revision older than the window. */
  async watch(options: CacheWatchOptions = {}): Promise<CacheWatcher> {
    const prefix = this.subPrefix(options.prefix);
    const rv = parseResourceVersion(options.resourceVersion);
    if (Number.isNaN(rv)) throw new BadRequestError(`invalid resource version: ${options.resourceVersion}`);
    await this.readyPromise;
    const initial = options.sendInitialEvents ?? (rv === undefined || rv === 0);
    if (rv === undefined) await this.waitUntilFresh(await this.storage.currentRevision());
    else if (rv > 0 && !(await this.waitUntilFresh(rv))) throw new TooLargeResourceVersionError(rv, this.revision);
    // From here to the end nothing awaits: the snapshot or replay and the registration see the same revision.
    const from = rv ?? this.revision;
    if (!initial && from < this.oldestServable) throw tooOldResourceVersion(from, this.oldestServable);
    const allowBookmarks = options.allowBookmarks ?? false;
    const watcher = new CacheWatcher(this, prefix, options.predicate, allowBookmarks, this.options.subscriberQueueLimit, initial ? this.revision : from);
    let backlog = 0;
    if (initial) {
      for (const [key, obj] of this.objects.entries(prefix)) {
        if (!key.startsWith(prefix)) break;
        if (options.predicate && !options.predicate(obj)) continue;
        watcher.deliverInitial({ type: 'ADDED', object: obj });
        backlog++;
      }
      if (options.sendInitialEvents && allowBookmarks) {
        watcher.deliverInitial(bookmarkEvent(this.revision, { [INITIAL_EVENTS_END_ANNOTATION]: 'true' }));
        backlog++;
      }
      watcher.allowBacklog(backlog);
    } else {
      const first = this.changes.firstIndex((change) => change.revision > from);
      watcher.allowBacklog(this.changes.length - first);
      for (const change of this.changes.from(first)) watcher.deliver(change);
    }
    this.watchers.add(watcher);
    return watcher;
  }

  private subPrefix(prefix: string | undefined): string {
    if (prefix === undefined) return this.prefix;
    const normalized = normalizePrefix(prefix);
    if (!normalized.startsWith(this.prefix)) throw new Error(`prefix ${prefix} is outside the cache's ${this.prefix}`);
    return normalized;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const listed = await this.listAll();
        if (this.stopped) return;
        this.replace(listed);
        const watch = this.storage.client.watch(this.prefix, prefixEnd(this.prefix), { startRevision: this.revision + 1, progressNotify: true });
        this.etcdWatch = watch;
        for await (const message of watch) {
          if (message.type === 'events') this.apply(message.events);
          else if (message.type === 'progress') this.advance(message.revision);
          else if (message.type === 'compacted') break;
        }
        if (!this.stopped) throw new Error(`watch cache ${this.prefix}: the store watch ended; re-listing`);
      } catch (error) {
        if (this.stopped) return;
        this.options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, this.options.relistBackoffMs));
      }
    }
  }

  /** Every object under the prefix at one revision, read in pages so no single response gets huge. */
  private async listAll(): Promise<{ revision: number; entries: [string, StoredObject][] }> {
    const end = prefixEnd(this.prefix);
    const entries: [string, StoredObject][] = [];
    let from = Buffer.from(this.prefix);
    let revision = 0;
    for (;;) {
      const page = await this.storage.client.range(from, { end, limit: LIST_PAGE, revision });
      if (revision === 0) revision = page.revision;
      for (const kv of page.kvs) entries.push([kv.key.toString('utf8'), decodeKeyValue(kv)]);
      const last = page.kvs[page.kvs.length - 1];
      if (!page.more || !last) return { revision, entries };
      from = Buffer.concat([last.key, Buffer.from([0])]);
    }
  }

  private replace(listed: { revision: number; entries: [string, StoredObject][] }): void {
    this.objects.clear();
    this.objects.setPairs(listed.entries);
    this.changes.clear();
    this.revision = listed.revision;
    this.oldestServable = this.revision;
    // Subscribers cannot be carried over a gap: they re-watch, and get 410 if they are older than the list.
    for (const watcher of [...this.watchers]) watcher.close('cache');
    this.resolveWaiters();
    this.markReady();
  }

  /** One store response; each change sees the state the ones before it left (a response may hold several). */
  private apply(events: readonly EtcdWatchEvent[]): void {
    let last: Change | undefined;
    for (const event of events) {
      const change = changeFromEtcd(event, (key) => this.objects.get(key));
      last = change;
      if (change.object) this.objects.set(change.key, change.object);
      else this.objects.delete(change.key);
      const evicted = this.changes.push(change);
      if (evicted) this.oldestServable = evicted.revision;
      for (const watcher of this.watchers) watcher.deliver(change);
    }
    if (last) this.advance(last.revision);
  }

  private advance(revision: number): void {
    if (revision <= this.revision) return;
    this.revision = revision;
    this.resolveWaiters();
  }

  private resolveWaiters(): void {
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.revision <= this.revision) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
    if (still.length === 0) clearInterval(this.progressTimer);
  }

  /** Asks the store watch where it is, until every waiter is satisfied (a quiet prefix sends no events). */
  private requestProgress(): void {
    this.etcdWatch?.requestProgress();
    clearInterval(this.progressTimer);
    this.progressTimer = setInterval(() => {
      if (this.waiters.length === 0) clearInterval(this.progressTimer);
      else this.etcdWatch?.requestProgress();
    }, 100);
    this.progressTimer.unref();
  }
}
