// A client's watch over the whole workload key space, kept open for the whole run. After any error it reopens the
// watch from the revision after the last one it saw (etcd's resume contract), and after a compaction cancel it
// restarts at the compact revision, recording the legitimate gap. It asks for progress notifications once a
// second so the history also tests bookmarks. Every response is recorded as it arrived.
import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { Init, WatchRequest, WatchResponse } from '../../api/etcd/index.js';
import type { MemberClients } from '../cluster/clients.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { WatchRecord, WatchResponseRecord, WatchSession } from '../history/types.js';
import { toKeyValue } from './requests.js';
import { sleep } from './sleep.js';

/** Every key the workload writes sorts after this one ... */
const WATCH_FROM = Buffer.from([0]);
/** ... and range_end "\0" means "every key from there on". */
const WATCH_ALL = Buffer.from([0]);
const PROGRESS_EVERY_MS = 1_000;
const REOPEN_PAUSE_MS = 200;

export class ResumableWatcher {
  readonly record: WatchRecord;
  /** The highest revision seen in an event or a progress notification: the watch has everything up to it. */
  private caughtUpTo = 0;
  private lastEventRevision = 0;
  private nextStart: number;
  private stream: ClientDuplexStream<Init<WatchRequest>, WatchResponse> | null = null;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly clients: MemberClients,
    private readonly recorder: HistoryRecorder,
    client: number,
    member: string,
    startRevision: number,
  ) {
    this.record = { client, member, prefix: '', sessions: [] };
    this.nextStart = startRevision;
  }

  start(): void {
    this.loop = this.run();
  }

  get revision(): number {
    return this.caughtUpTo;
  }

  /** Resolves once the watch has reported everything up to `revision`, or false after timeoutMs. */
  async waitFor(revision: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.caughtUpTo < revision) {
      if (Date.now() > deadline) return false;
      this.stream?.write({ progress_request: {} });
      await sleep(100);
    }
    return true;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stream?.cancel();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      await this.session();
      if (!this.stopping) await sleep(REOPEN_PAUSE_MS);
    }
  }

  /** One Watch stream, from creation until it fails, is canceled, or the run stops it. */
  private session(): Promise<void> {
    const session: WatchSession = { startRevision: this.nextStart, opened: this.recorder.now(), closed: null, responses: [] };
    this.record.sessions.push(session);
    const stream = this.clients.watch.Watch();
    this.stream = stream;
    const progress = setInterval(() => stream.write({ progress_request: {} }), PROGRESS_EVERY_MS);
    return new Promise<void>((resolve) => {
      let finished = false;
      const finish = (error?: string): void => {
        if (finished) return;
        finished = true;
        clearInterval(progress);
        session.closed = this.recorder.now();
        if (error && !this.stopping) session.error = error;
        this.stream = null;
        this.wake = null;
        stream.cancel();
        resolve();
      };
      this.wake = () => finish();
      stream.on('data', (response: WatchResponse) => {
        const recorded = this.take(response);
        session.responses.push(recorded);
        if (response.canceled) finish(`canceled: ${response.cancel_reason || 'no reason given'}`);
      });
      stream.on('error', (error: Error) => finish(error.message));
      stream.on('end', () => finish('stream ended by the server'));
      stream.write({
        create_request: {
          key: WATCH_FROM,
          range_end: WATCH_ALL,
          start_revision: this.nextStart,
          progress_notify: true,
        },
      });
    });
  }

  private take(response: WatchResponse): WatchResponseRecord {
    const revision = Number(response.header.revision);
    const recorded: WatchResponseRecord = {
      time: this.recorder.now(),
      revision,
      events: response.events.map((event) => ({ type: event.type, kv: toKeyValue(event.kv) })),
    };
    if (response.created) recorded.created = true;
    if (response.canceled) {
      recorded.canceled = true;
      if (response.cancel_reason) recorded.cancelReason = response.cancel_reason;
    }
    const compactRevision = Number(response.compact_revision);
    if (compactRevision > 0) {
      recorded.compactRevision = compactRevision;
      // The revisions before it are gone. The compact revision itself is still readable, but etcd 3.4 drops a
      // DELETE event at exactly that revision from a watch started there (etcd-io/etcd#18089, fixed in later
      // releases), so we resume one past it; the checker accepts a gap up to and including the compact revision.
      this.nextStart = Math.max(this.nextStart, compactRevision + 1);
    }
    const last = recorded.events.at(-1);
    if (last) {
      this.lastEventRevision = last.kv.modRevision;
      this.nextStart = this.lastEventRevision + 1;
      this.caughtUpTo = Math.max(this.caughtUpTo, this.lastEventRevision);
    } else if (!response.created && !response.canceled) {
      // A progress notification: nothing at or below this revision is still to come.
      this.caughtUpTo = Math.max(this.caughtUpTo, revision);
      this.nextStart = Math.max(this.nextStart, revision + 1);
    }
    return recorded;
  }
}
