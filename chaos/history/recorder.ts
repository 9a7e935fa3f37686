// Collects a run's history as it happens. Times come from one monotonic clock started with the run, so call and
// return times of different clients compare (the linearizability checker orders operations by them).
import { performance } from 'node:perf_hooks';
import type { Failure, FaultKind, FaultRecord, Operation, Request, Response, WatchRecord } from './types.js';

export class HistoryRecorder {
  private readonly origin = performance.now();
  readonly startedAt = new Date().toISOString();
  readonly operations: Operation[] = [];
  readonly watches: WatchRecord[] = [];
  readonly faults: FaultRecord[] = [];

  /** Milliseconds since the run started, to a microsecond. */
  now(): number {
    return Math.round((performance.now() - this.origin) * 1000) / 1000;
  }

  begin(client: number, member: string, request: Request): Operation {
    const operation: Operation = { id: this.operations.length, client, member, call: this.now(), return: null, request };
    this.operations.push(operation);
    return operation;
  }

  succeed(operation: Operation, response: Response): void {
    operation.return = this.now();
    operation.response = response;
  }

  fail(operation: Operation, failure: Failure): void {
    operation.return = this.now();
    operation.failure = failure;
  }

  faultStarted(kind: FaultKind, targets: string[], description: string): FaultRecord {
    const fault: FaultRecord = { id: this.faults.length, kind, targets, description, start: this.now(), end: null };
    this.faults.push(fault);
    return fault;
  }

  faultHealed(fault: FaultRecord): void {
    if (fault.end === null) fault.end = this.now();
  }
}
