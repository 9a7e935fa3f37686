// One workload client: sends the generator's requests to its member one at a time, as a real client would, and
// records each call and its outcome. A failed call is followed by a short pause, as a client's retry backoff.
import type { MemberClients } from '../cluster/clients.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { classifyFailure } from './failures.js';
import type { RequestGenerator } from './generator.js';
import { execute } from './requests.js';
import { sleep } from './sleep.js';

export interface ClientLoopOptions {
  client: number;
  member: string;
  clients: MemberClients;
  generator: RequestGenerator;
  recorder: HistoryRecorder;
  /** Each request's gRPC deadline. */
  requestTimeoutMs: number;
  /** Time between the end of one request and the next: paces the client so histories stay checkable. */
  pauseMs: number;
  /** Serializable reads: may be stale, so a run with them is expected to fail linearizability. */
  serializableReads?: boolean;
  stopped: () => boolean;
}

export async function runClientLoop(options: ClientLoopOptions): Promise<void> {
  const { client, member, clients, generator, recorder } = options;
  while (!options.stopped()) {
    const request = generator.next(recorder.now());
    const operation = recorder.begin(client, member, request);
    try {
      const response = await execute(clients, request, options.requestTimeoutMs, options.serializableReads);
      recorder.succeed(operation, response);
      generator.observe(request, response);
      await sleep(options.pauseMs);
    } catch (error) {
      recorder.fail(operation, classifyFailure(request, error));
      generator.observe(request, undefined);
      await sleep(Math.max(options.pauseMs, 50));
    }
  }
}
