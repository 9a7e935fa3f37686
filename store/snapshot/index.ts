// State snapshots: the stream a member's state DB exports (StateDb.exportSnapshot), imports and swaps in, the
// Maintenance.Snapshot RPC's messages, and the backup file's status and restore.
export type { SnapshotSummary, SnapshotItem } from './decode.js';
export { decodeSnapshotStream } from './decode.js';
export type { SnapshotRecord } from './encode.js';
export { encodeSnapshotStream } from './encode.js';
export { SnapshotFormatError, SnapshotRestoreError, SnapshotTargetOpenError, type SnapshotProblem } from './errors.js';
export { SnapshotFileError } from './fs-errors.js';
export { MAX_CHUNK_BYTES, type SnapshotHeader } from './format.js';
export { importStateSnapshot, type ImportedStateSnapshot, type ImportOptions, type RecordRewrite } from './import.js';
export { snapshotResponses, type SnapshotStreamSource } from './responses.js';
export { memberDataPaths, restoreSnapshot, type RestoreOptions, type RestoreResult } from './restore.js';
export type { StateSnapshotSource } from './source.js';
export { checkSnapshotFile, readSnapshotFile, snapshotFileStatus, type SnapshotFileStatus } from './status.js';
export { formatStatus, humanizeBytes, isStatusFormat, STATUS_FORMATS, type StatusFormat } from './status-output.js';
export { recoverInterruptedSwap, replaceDatabase } from './swap.js';
