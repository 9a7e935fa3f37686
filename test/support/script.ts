// Scripted sequences for differential testing: a script is an array of steps, each an etcdctl invocation or a
// gRPC call; running it against a cluster yields one normalised observation per step, so two clusters that
// behave alike yield equal arrays. Steps may carry values forward (a lease id granted in one step, revoked in
// a later one) through `vars`, whose contents differ between clusters but mean the same thing.
import { unary } from '../../api/etcd/grpc-test-kit.js';
import type { Cluster } from './cluster.js';
import { etcdctl, startWatch, type CtlOptions, type CtlResult } from './etcdctl.js';
import { connect, outcome, type MemberClients } from './grpc-clients.js';
import { Normaliser } from './normalise.js';

export type Vars = Map<string, bigint>;

export interface StepContext {
  readonly cluster: Cluster;
  /** gRPC clients on member n1: every gRPC step talks to the same member, so headers name the same member. */
  readonly n1: MemberClients;
  readonly vars: Vars;
  readonly normaliser: Normaliser;
}

export interface Step {
  readonly title: string;
  /** What the step does, for the report: the etcdctl command line or the gRPC method. */
  readonly what: string;
  run(context: StepContext): Promise<unknown>;
}

export interface CtlStepOptions extends CtlOptions {
  /** Every member's endpoint rather than n1's only (endpoint status, health, hashkv). */
  readonly allEndpoints?: boolean;
  /** For output whose order etcd does not define (lease list, member list, endpoint health). */
  readonly sortLines?: boolean;
  /** Reads values out of the raw result for later steps (a lease id). */
  readonly capture?: (result: CtlResult, vars: Vars) => void;
}

type Args = readonly string[] | ((vars: Vars) => readonly string[]);

/** An etcdctl step; observes exit code, stdout and stderr, normalised, as lists of lines for readable diffs. */
export function ctl(title: string, args: Args, options: CtlStepOptions = {}): Step {
  return {
    title,
    what: typeof args === 'function' ? `etcdctl (computed args)` : `etcdctl ${args.join(' ')}`,
    async run({ cluster, vars, normaliser }) {
      const argv = typeof args === 'function' ? args(vars) : args;
      const endpoints = options.allEndpoints ? cluster.endpoints : cluster.endpoints.slice(0, 1);
      const result = await etcdctl(endpoints, argv, options);
      options.capture?.(result, vars);
      const lines = (text: string) => {
        const all = normaliser.text(text).split('\n').filter((line) => line !== '' || !options.sortLines);
        return options.sortLines ? all.sort() : all;
      };
      return { etcdctl: normaliser.text(argv.join(' ')), code: result.timedOut ? 'timed out' : result.code, stdout: lines(result.stdout), stderr: lines(result.stderr) };
    },
  };
}

/**
 * `etcdctl watch` in the background on n1: either read until `until(stdout)` holds and stop it, or, with
 * 'exit', wait for etcdctl to end by itself (a watch the server cancels) and observe how it ended.
 */
export function ctlWatch(title: string, args: Args, until: 'exit' | ((stdout: string) => boolean)): Step {
  return {
    title,
    what: typeof args === 'function' ? 'etcdctl watch (computed args)' : `etcdctl watch ${args.join(' ')}`,
    async run({ cluster, vars, normaliser }) {
      const argv = typeof args === 'function' ? args(vars) : args;
      const watch = startWatch(cluster.endpoints.slice(0, 1), argv);
      const lines = (text: string) => normaliser.text(text).split('\n');
      try {
        if (until === 'exit') {
          const ended = await watch.exit();
          return { etcdctl: `watch ${argv.join(' ')}`, code: ended.code, stdout: lines(ended.stdout), stderr: lines(ended.stderr) };
        }
        return { etcdctl: `watch ${argv.join(' ')}`, stdout: lines(await watch.waitFor(until)) };
      } finally {
        await watch.stop();
      }
    },
  };
}

/**
 * A gRPC step: `call` talks to n1 and returns what should be compared (usually the response itself); a gRPC
 * failure is observed as its status name and message.
 */
export interface RpcStepOptions {
  /** Applied to the normalised response: to sort what etcd does not order (lease lists), or drop a field. */
  readonly after?: (normalised: any) => unknown;
  /** Compare only the gRPC code of a failure: for errors that grpc-go and grpc-js word differently. */
  readonly errorCodeOnly?: boolean;
}

export function rpc(title: string, call: (clients: MemberClients, vars: Vars) => Promise<unknown>, options: RpcStepOptions = {}): Step {
  return {
    title,
    what: 'gRPC',
    async run({ n1, vars, normaliser }) {
      const result = await outcome(call(n1, vars));
      if ('ok' in result) return { ok: (options.after ?? ((x) => x))(normaliser.value(result.ok)) };
      return options.errorCodeOnly ? { error: { code: result.error.code } } : { error: { ...result.error, details: normaliser.text(result.error.details) } };
    },
  };
}

/**
 * A linearizable read on every member: each then has applied everything acknowledged so far, so that
 * member-local answers (HashKV, Status) cannot depend on how far a follower lags. Observes each revision.
 */
export function syncAllMembers(title = 'every member has applied everything acknowledged'): Step {
  return {
    title,
    what: 'gRPC Range on each member',
    async run({ cluster }) {
      const revisions: Record<string, unknown> = {};
      for (const member of cluster.members) {
        const clients = connect(member.endpoint);
        try {
          revisions[member.name] = Number((await unary(clients.kv, clients.kv.Range, { key: Buffer.from('sync') })).header.revision);
        } finally {
          clients.close();
        }
      }
      return revisions;
    },
  };
}

export interface StepRecord {
  readonly title: string;
  readonly what: string;
  readonly observed: unknown;
}

/** A script run against one cluster: its own normaliser and vars live as long as the run. */
export class ScriptRun {
  private readonly context: StepContext;

  constructor(cluster: Cluster) {
    const members = cluster.members.map((m) => ({ name: m.name, id: m.id, endpoint: m.endpoint, peerUrl: m.peerUrl }));
    this.context = {
      cluster,
      n1: connect(cluster.members[0]!.endpoint),
      vars: new Map(),
      normaliser: new Normaliser(members, cluster.clusterId),
    };
  }

  /** Runs the steps in order; a step that throws (a bug in the script, not a store error) is observed too. */
  async run(steps: readonly Step[]): Promise<StepRecord[]> {
    const records: StepRecord[] = [];
    for (const step of steps) {
      let observed: unknown;
      try {
        observed = await step.run(this.context);
      } catch (error) {
        observed = { threw: error instanceof Error ? error.message : String(error) };
      }
      records.push({ title: step.title, what: step.what, observed });
    }
    return records;
  }

  close(): void {
    this.context.n1.close();
  }
}

/** The lease id in `etcdctl lease grant` output, for a later step. */
export function captureLease(name: string): (result: CtlResult, vars: Vars) => void {
  return (result, vars) => {
    const match = /^lease ([0-9a-f]+) granted/.exec(result.stdout);
    if (match) vars.set(name, BigInt(`0x${match[1]}`));
  };
}

/**
 * A lease id as etcdctl takes it: hex, padded to 16 digits as etcdctl prints it, so that the normaliser gives
 * the id in the recorded command line the same name as in the output.
 */
export function hexLease(vars: Vars, name: string): string {
  const id = vars.get(name);
  if (id === undefined) throw new Error(`no lease "${name}" was captured by an earlier step`);
  return BigInt.asUintN(64, id).toString(16).padStart(16, '0');
}

export const bytes = (text: string): Buffer => Buffer.from(text);
