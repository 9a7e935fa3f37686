// What one compare run records: per cluster kind, every workload's outcome, the members' memory, the restart time
// and `etcdctl check perf`. Plain JSON values only; this is what goes into bench/results/compare-<date>.json.
import type { SummaryJson } from '../report.js';
import type { Metric } from './workloads.js';

/** A bench summary without its histogram, and only the commonest errors: the JSON stays small. */
export type CompactSummary = Omit<SummaryJson, 'histogramMs'>;

export interface WorkloadOutcome {
  readonly id: string;
  readonly title: string;
  readonly metric: Metric;
  /** `yawl bench ...` as run, without --endpoints. */
  readonly command: string;
  readonly exitCode: number | null;
  /** Wall time of the whole bench process (connecting and, for watches, creating watchers included). */
  readonly wallSeconds: number;
  /** The summary the row shows (requests, or events for watch latency); absent when the run printed none. */
  readonly summary?: CompactSummary;
  /** The other summaries of the report (the puts of watch-latency). */
  readonly others?: readonly CompactSummary[];
  readonly notes?: readonly string[];
  /** Why there is no summary, or what went wrong besides. */
  readonly error?: string;
}

export interface MemberMemory {
  readonly name: string;
  readonly pid: number;
  /** VmRSS of /proc/<pid>/status. */
  readonly rssKiB: number;
  /** VmHWM: the peak RSS so far. */
  readonly peakKiB: number;
}

export interface MemoryOutcome {
  /** Keys the fill wrote (its scaled total). */
  readonly keys: number;
  readonly valueBytes: number;
  readonly members?: readonly MemberMemory[];
  readonly error?: string;
}

export interface RestartOutcome {
  readonly member?: string;
  /** From SIGKILL's end to the member serving a linearizable read again. */
  readonly seconds?: number;
  readonly error?: string;
}

export interface CheckPerfOutcome {
  readonly skipped?: string;
  readonly passed?: boolean;
  readonly exitCode?: number | null;
  /** PASS/FAIL lines, and any error lines, as etcdctl printed them. */
  readonly lines?: readonly string[];
  readonly wallSeconds?: number;
}

export interface ClusterReport {
  readonly kind: 'etcd' | 'yawl';
  readonly version: string;
  readonly endpoints: readonly string[];
  /** Start of all three members until each serves. */
  readonly startSeconds?: number;
  readonly memory?: MemoryOutcome;
  readonly restart?: RestartOutcome;
  /** The fill first, then the workloads in the order they ran. */
  readonly workloads: readonly WorkloadOutcome[];
  readonly checkPerf?: CheckPerfOutcome;
  /** Set when the run stopped early (cluster did not start, interrupted). */
  readonly error?: string;
}

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly totalMemoryBytes: number;
  readonly os: string;
  readonly kernel: string;
  readonly node: string;
}

export interface CompareReport {
  readonly date: string;
  readonly command: string;
  readonly scale: number;
  readonly machine: MachineInfo;
  readonly clusterFlags: readonly string[];
  readonly etcd?: ClusterReport;
  readonly yawl?: ClusterReport;
  readonly durationSeconds: number;
}

const TOP_ERRORS = 5;

export function compactSummary(summary: SummaryJson): CompactSummary {
  const { histogramMs: _histogram, ...rest } = summary;
  return { ...rest, errorCounts: summary.errorCounts.slice(0, TOP_ERRORS) };
}
