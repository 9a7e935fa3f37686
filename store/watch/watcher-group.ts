import type { Watcher } from './watcher.js';

/**
 * A set of watchers that finds, for a changed key, the ones watching it: single-key watchers through a map, the
 * others (prefixes, intervals, from-key) by a scan. etcd keeps ranges in an interval tree; a scan is cheaper
 * until there are many range watchers, so keep it until a benchmark says otherwise.
 */
export class WatcherGroup {
  private readonly byKey = new Map<string, Set<Watcher>>();
  private readonly ranged = new Set<Watcher>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(watcher: Watcher): void {
    if (watcher.range.kind === 'interval') {
      if (this.ranged.has(watcher)) return;
      this.ranged.add(watcher);
    } else {
      const mapKey = keyString(watcher.range.key);
      const watchers = this.byKey.get(mapKey) ?? new Set<Watcher>();
      if (watchers.has(watcher)) return;
      watchers.add(watcher);
      this.byKey.set(mapKey, watchers);
    }
    this.count++;
  }

  delete(watcher: Watcher): boolean {
    let deleted: boolean;
    if (watcher.range.kind === 'interval') {
      deleted = this.ranged.delete(watcher);
    } else {
      const mapKey = keyString(watcher.range.key);
      const watchers = this.byKey.get(mapKey);
      deleted = watchers?.delete(watcher) ?? false;
      if (watchers?.size === 0) this.byKey.delete(mapKey);
    }
    if (deleted) this.count--;
    return deleted;
  }

  /** The watchers whose range holds `key`. */
  *watching(key: Uint8Array): Generator<Watcher> {
    const exact = this.byKey.get(keyString(key));
    if (exact !== undefined) yield* exact;
    for (const watcher of this.ranged) if (watcher.watches(key)) yield watcher;
  }

  watchesKey(key: Uint8Array): boolean {
    return !this.watching(key).next().done;
  }
}

/** Map keys must be strings; latin1 maps each byte to one char, so distinct keys stay distinct. */
function keyString(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}
