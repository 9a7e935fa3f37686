// Replacing a whole LevelDB directory with another, safely at every instant. Directory renames within one
// parent are atomic, so the swap is a short sequence of renames whose every intermediate state says what to do
// after a crash:
//
//   1. staged  -> T.new   the decision: from here on the swap rolls forward
//   2. T       -> T.old   (when T exists)
//   3. T.new   -> T
//   4. remove T.old
//
// recoverInterruptedSwap(T), called before T is opened, finishes whatever a crash left: a T.new is always
// completed (the member may already have recorded in its Raft log that it installed the new state, so going
// back could lose entries), a T.old without T.new is either removed (T exists) or put back (T missing, which
// the renames above never produce), and a half-written import (T.importing) is removed.
//
// Renames only reach the disk once the parent directory is fsynced, which is done after each step.
import { existsSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Level } from 'level';
import { SnapshotTargetOpenError } from './errors.js';

/** Where an import writes before its stream is verified; removed by recovery, never rolled forward. */
export function importingPath(targetPath: string): string {
  return `${targetPath}.importing`;
}

function newPath(targetPath: string): string {
  return `${targetPath}.new`;
}

function oldPath(targetPath: string): string {
  return `${targetPath}.old`;
}

/**
 * Puts the database at `stagedPath` (complete and durable, as importStateSnapshot leaves it) in place of the one
 * at `targetPath`, which may be missing. The target must be closed: refuses with SnapshotTargetOpenError,
 * changing nothing, while any process holds it open.
 */
export async function replaceDatabase(stagedPath: string, targetPath: string): Promise<void> {
  // Not recoverInterruptedSwap: the staged database may be the import's own T.importing.
  await settleSwap(targetPath);
  if (!existsSync(stagedPath)) throw new Error(`no staged database at ${stagedPath}`);
  await assertClosed(targetPath);
  await rename(stagedPath, newPath(targetPath));
  await syncDirectory(dirname(targetPath));
  await finishSwap(targetPath);
}

/** Completes or undoes a swap a crash interrupted; does nothing when there is none. Call before opening `targetPath`. */
export async function recoverInterruptedSwap(targetPath: string): Promise<void> {
  await rm(importingPath(targetPath), { recursive: true, force: true });
  await settleSwap(targetPath);
}

/** Leaves T, and no T.new or T.old, whatever state a crash left them in. */
async function settleSwap(targetPath: string): Promise<void> {
  if (existsSync(newPath(targetPath))) return finishSwap(targetPath);
  if (!existsSync(oldPath(targetPath))) return;
  if (existsSync(targetPath)) {
    await rm(oldPath(targetPath), { recursive: true, force: true });
  } else {
    await rename(oldPath(targetPath), targetPath);
    await syncDirectory(dirname(targetPath));
  }
}

/** Steps 2 to 4, from any state in which T.new exists. */
async function finishSwap(targetPath: string): Promise<void> {
  const old = oldPath(targetPath);
  if (existsSync(targetPath)) {
    // An old T.old is from a finished swap whose removal was cut short; this T is the one to keep aside now.
    await rm(old, { recursive: true, force: true });
    await rename(targetPath, old);
  }
  await rename(newPath(targetPath), targetPath);
  await syncDirectory(dirname(targetPath));
  await rm(old, { recursive: true, force: true });
}

/** LevelDB's lock says whether anyone (this process included) has the database open. */
async function assertClosed(path: string): Promise<void> {
  if (!existsSync(path)) return;
  const db = new Level(path, { createIfMissing: false });
  try {
    await db.open();
  } catch (e) {
    const cause = e instanceof Error ? (e.cause as { code?: unknown } | undefined) : undefined;
    if (cause?.code === 'LEVEL_LOCKED') throw new SnapshotTargetOpenError(path, e);
    // Unreadable for another reason: it is about to be replaced, which is the cure.
    return;
  }
  await db.close();
}

/** Makes renames in `dir` durable. Some platforms cannot fsync a directory; there a rename is as durable as it gets. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw e;
  } finally {
    await handle?.close();
  }
}
