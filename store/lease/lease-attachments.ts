import { NO_LEASE } from '../mvcc/key-value.js';

/**
 * Which keys hang on which lease, both ways: a revoke needs a lease's keys, and a put that moves a key to
 * another lease needs the key's current lease. A key is on at most one lease, so attaching it to a new lease
 * takes it off the old one even if the caller never detached it; otherwise revoking the old lease would delete
 * a key that now belongs to another.
 *
 * Keys are held as latin1 strings (one char per byte): cheap to hash, and JavaScript's string order over
 * chars below 256 is exactly the bytewise order etcd sorts keys in.
 */
export class LeaseAttachments {
  private readonly leaseByKey = new Map<string, bigint>();
  private readonly keysByLease = new Map<bigint, Set<string>>();

  attach(id: bigint, key: Uint8Array): void {
    const name = keyName(key);
    const previous = this.leaseByKey.get(name);
    if (previous === id) return;
    if (previous !== undefined) this.keysByLease.get(previous)?.delete(name);
    this.leaseByKey.set(name, id);
    let keys = this.keysByLease.get(id);
    if (!keys) this.keysByLease.set(id, (keys = new Set()));
    keys.add(name);
  }

  /** Takes `key` off lease `id`; false when it was not on that lease (then nothing changes). */
  detach(id: bigint, key: Uint8Array): boolean {
    const name = keyName(key);
    if (this.leaseByKey.get(name) !== id) return false;
    this.leaseByKey.delete(name);
    this.keysByLease.get(id)?.delete(name);
    return true;
  }

  leaseOf(key: Uint8Array): bigint {
    return this.leaseByKey.get(keyName(key)) ?? NO_LEASE;
  }

  /** The keys on lease `id`, sorted bytewise. */
  keysOf(id: bigint): Uint8Array[] {
    return sortedBytes(this.keysByLease.get(id));
  }

  /** Takes every key off lease `id` and returns them, sorted bytewise. */
  dropLease(id: bigint): Uint8Array[] {
    const keys = this.keysByLease.get(id);
    this.keysByLease.delete(id);
    for (const name of keys ?? []) this.leaseByKey.delete(name);
    return sortedBytes(keys);
  }

  clear(): void {
    this.leaseByKey.clear();
    this.keysByLease.clear();
  }
}

function keyName(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}

function sortedBytes(names: Set<string> | undefined): Uint8Array[] {
  if (!names) return [];
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(nameBytes);
}

function nameBytes(name: string): Uint8Array {
  const bytes = new Uint8Array(name.length);
  for (let i = 0; i < name.length; i++) bytes[i] = name.charCodeAt(i);
  return bytes;
}
