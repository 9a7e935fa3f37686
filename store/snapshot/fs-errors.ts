// File errors in the words etcdctl uses (Go's *PathError: "stat backup.db: no such file or directory"), so that a
// script that greps etcdctl's messages reads ours the same way.

const GO_ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
};

export class SnapshotFileError extends Error {
  constructor(op: string, path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const text = (code !== undefined ? GO_ERRNO_TEXT[code] : undefined) ?? (cause instanceof Error ? cause.message : String(cause));
    super(`${op} ${path}: ${text}`, { cause });
    this.name = 'SnapshotFileError';
  }
}
