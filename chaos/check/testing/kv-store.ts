// A small sequential etcd v3 store, written from etcd's documented semantics, to produce histories the checkers
// must accept: one revision per successful write shared by all its changes, none for no-op deletes, failed
// compares or revokes of leases without keys; createRevision/version restart after a delete; revoke deletes the
// lease's keys; a put without a lease detaches the key.
import type { Failure, KeyValue, Request, Response, WatchEvent } from '../../history/types.js';

export interface RevisionEvents {
  revision: number;
  events: WatchEvent[];
}

export class KvStore {
  revision = 1;
  compacted = 0;
  readonly keys = new Map<string, KeyValue>();
  private readonly leases = new Map<string, Set<string>>();
  /** The events of every revision made, in order. */
  readonly history: RevisionEvents[] = [];

  apply(request: Request, leaseId?: string): Response | Failure {
    switch (request.type) {
      case 'get':
        return { type: 'get', revision: this.revision, kv: this.keys.get(request.key) ?? null };
      case 'range':
        return { type: 'range', revision: this.revision, kvs: this.range(request.prefix) };
      case 'put': {
        const lease = request.lease ?? '0';
        if (lease !== '0' && !this.leases.has(lease)) return notFound();
        this.write((events, rev) => events.push(this.put(request.key, request.value, lease, rev)));
        return { type: 'put', revision: this.revision };
      }
      case 'delete': {
        if (!this.keys.has(request.key)) return { type: 'delete', revision: this.revision, deleted: 0 };
        this.write((events, rev) => events.push(this.delete(request.key, rev)));
        return { type: 'delete', revision: this.revision, deleted: 1 };
      }
      case 'cas': {
        const current = this.keys.get(request.key);
        const holds = request.expect === null ? !current : current?.value === request.expect;
        if (!holds) return { type: 'cas', revision: this.revision, succeeded: false, kv: current ?? null };
        this.write((events, rev) => events.push(this.put(request.key, request.value, '0', rev)));
        return { type: 'cas', revision: this.revision, succeeded: true, kv: null };
      }
      case 'txn': {
        const holds = request.compares.every((c) => (c.expect === null ? !this.keys.has(c.key) : this.keys.get(c.key)?.value === c.expect));
        if (!holds) return { type: 'txn', revision: this.revision, succeeded: false, kvs: this.range(request.prefix) };
        if (request.puts.length > 0) this.write((events, rev) => request.puts.forEach((p) => events.push(this.put(p.key, p.value, '0', rev))));
        return { type: 'txn', revision: this.revision, succeeded: true, kvs: [] };
      }
      case 'leaseGrant': {
        const lease = leaseId ?? String(this.leases.size + 1000);
        this.leases.set(lease, new Set());
        return { type: 'leaseGrant', revision: this.revision, lease };
      }
      case 'leaseRevoke': {
        const keys = this.leases.get(request.lease);
        if (!keys) return notFound();
        this.leases.delete(request.lease);
        if (keys.size > 0) this.write((events, rev) => [...keys].sort().forEach((key) => events.push(this.delete(key, rev))));
        return { type: 'leaseRevoke', revision: this.revision };
      }
      case 'compact':
        if (request.revision <= this.compacted || request.revision > this.revision) {
          return { code: 'OUT_OF_RANGE', message: 'mvcc: required revision has been compacted', definite: true };
        }
        this.compacted = request.revision;
        return { type: 'compact', revision: this.revision };
    }
  }

  range(prefix: string): KeyValue[] {
    return [...this.keys.values()].filter((kv) => kv.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  /** A stand-in for HashKV: equal stores hash equal. */
  hash(): number {
    let h = 0x811c9dc5;
    for (const c of JSON.stringify(this.range(''))) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    return h;
  }

  private write(change: (events: WatchEvent[], revision: number) => void): void {
    const events: WatchEvent[] = [];
    change(events, this.revision + 1);
    this.revision++;
    this.history.push({ revision: this.revision, events });
  }

  private put(key: string, value: string, lease: string, revision: number): WatchEvent {
    const old = this.keys.get(key);
    if (old && old.lease !== '0') this.leases.get(old.lease)?.delete(key);
    if (lease !== '0') this.leases.get(lease)!.add(key);
    const kv: KeyValue = old
      ? { key, value, createRevision: old.createRevision, modRevision: revision, version: old.version + 1, lease }
      : { key, value, createRevision: revision, modRevision: revision, version: 1, lease };
    this.keys.set(key, kv);
    return { type: 'PUT', kv };
  }

  private delete(key: string, revision: number): WatchEvent {
    const old = this.keys.get(key)!;
    if (old.lease !== '0') this.leases.get(old.lease)?.delete(key);
    this.keys.delete(key);
    return { type: 'DELETE', kv: { key, value: '', createRevision: 0, modRevision: revision, version: 0, lease: '0' } };
  }
}

function notFound(): Failure {
  return { code: 'NOT_FOUND', message: 'etcdserver: requested lease not found', definite: true };
}
