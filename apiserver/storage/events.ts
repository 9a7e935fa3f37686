// From etcd changes to Kubernetes watch events. A change knows the object before and after; a predicate (label
// and field selectors) then decides what a watcher sees, as Kubernetes' watchers do:
//   before ✗ after ✓ → ADDED;  before ✓ after ✓ → MODIFIED;  before ✓ after ✗ (or deleted) → DELETED.
// A DELETED event carries the last state with resourceVersion = the delete's revision.
import type { WatchEvent as EtcdWatchEvent } from '../../client/etcd/index.js';
import { decodeKeyValue, withResourceVersion, type StoredObject } from './object-codec.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent {
  type: WatchEventType;
  object: StoredObject;
}

export type Predicate = (obj: StoredObject) => boolean;

/** One key's change at one revision. */
export interface Change {
  key: string;
  revision: number;
  /** The object as written (resourceVersion = revision); undefined for a delete. */
  object: StoredObject | undefined;
  /** The object before, with its own resourceVersion; undefined for a create. */
  previous: StoredObject | undefined;
}

/** `previousOf` supplies the old state when the event has no prev_kv (the watch cache keeps it in memory). */
export function changeFromEtcd(event: EtcdWatchEvent, previousOf?: (key: string) => StoredObject | undefined): Change {
  const key = event.kv.key.toString('utf8');
  const revision = event.kv.modRevision;
  const previous = event.prevKv ? decodeKeyValue(event.prevKv) : previousOf?.(key);
  if (event.type === 'DELETE') return { key, revision, object: undefined, previous };
  // A key created anew (create_revision == mod_revision) has no meaningful previous state.
  const created = event.kv.createRevision === event.kv.modRevision;
  return { key, revision, object: decodeKeyValue(event.kv), previous: created ? undefined : previous };
}

/** The event a watcher with this predicate sees for a change, or undefined when it should see nothing. */
export function eventFor(change: Change, predicate: Predicate | undefined): WatchEvent | undefined {
  const matches = (obj: StoredObject | undefined) => obj !== undefined && (predicate === undefined || predicate(obj));
  const now = matches(change.object);
  const before = matches(change.previous);
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: change.object! };
  if (!before) return undefined;
  // Deleted, or no longer selected: the last state the watcher saw, stamped with this revision.
  return { type: 'DELETED', object: withResourceVersion(change.previous!, change.revision) };
}

/** A bookmark carries nothing but the revision it marks (the HTTP layer adds kind and apiVersion). */
export function bookmarkEvent(revision: number, annotations?: Record<string, string>): WatchEvent {
  const metadata: Record<string, unknown> = { resourceVersion: String(revision) };
  if (annotations) metadata.annotations = annotations;
  return { type: 'BOOKMARK', object: { metadata } };
}

/** Annotation on the bookmark that ends the initial events of a watch with sendInitialEvents=true. */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';
