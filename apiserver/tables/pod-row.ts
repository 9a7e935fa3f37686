// The pod columns kubectl shows (printPod in pkg/printers/internalversion): READY counts ready running
// containers (plus started restartable init containers, i.e. sidecars), STATUS is the most telling reason
// (scheduling gate, init container progress "Init:1/2" or "Init:CrashLoopBackOff", a container's waiting or
// terminated reason, "Completed", "Terminating"), RESTARTS adds "(5m ago)" since the last container exit.
import { since } from './duration.js';

type Obj = Record<string, any>;

export interface PodCells {
  ready: string;
  status: string;
  restarts: string;
}

const isSidecar = (c: Obj | undefined) => c?.restartPolicy === 'Always';

function laterOf(current: number | undefined, candidate: string | undefined): number | undefined {
  if (!candidate) return current;
  const t = Date.parse(candidate);
  if (Number.isNaN(t)) return current;
  return current === undefined || t > current ? t : current;
}

function terminatedReason(t: Obj, prefix: string): string {
  if (t.reason) return `${prefix}${t.reason}`;
  return t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode ?? 0}`;
}

export function podCells(pod: Obj, now: number): PodCells {
  const spec: Obj = pod.spec ?? {};
  const status: Obj = pod.status ?? {};
  const initSpecs: Obj[] = spec.initContainers ?? [];
  const initByName = new Map(initSpecs.map((c) => [c.name, c]));
  const total = (spec.containers ?? []).length + initSpecs.filter(isSidecar).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;

  let reason: string = status.reason || status.phase || '';
  for (const c of (status.conditions ?? []) as Obj[]) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  let initializing = false;
  const initStatuses: Obj[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    const state: Obj = c.state ?? {};
    restarts += c.restartCount ?? 0;
    lastRestart = laterOf(lastRestart, c.lastState?.terminated?.finishedAt);
    const sidecar = isSidecar(initByName.get(c.name));
    if (sidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = laterOf(lastSidecarRestart, c.lastState?.terminated?.finishedAt);
    }
    if (state.terminated && (state.terminated.exitCode ?? 0) === 0) continue;
    if (sidecar && c.started === true) {
      if (c.ready) ready++;
      continue;
    }
    if (state.terminated) reason = terminatedReason(state.terminated, 'Init:');
    else if (state.waiting?.reason && state.waiting.reason !== 'PodInitializing') reason = `Init:${state.waiting.reason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  const initialized = ((status.conditions ?? []) as Obj[]).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses: Obj[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      const state: Obj = c.state ?? {};
      restarts += c.restartCount ?? 0;
      lastRestart = laterOf(lastRestart, c.lastState?.terminated?.finishedAt);
      if (state.waiting?.reason) reason = state.waiting.reason;
      else if (state.terminated) reason = terminatedReason(state.terminated, '');
      else if (c.ready && state.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = ((status.conditions ?? []) as Obj[]).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata?.deletionTimestamp) {
    if (status.reason === 'NodeLost') reason = 'Unknown';
    else if (status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';
  }

  const restartText =
    restarts !== 0 && lastRestart !== undefined ? `${restarts} (${since(new Date(lastRestart).toISOString(), now)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartText };
}

/** The READINESS GATES cell: "<none>", or true conditions / gates. */
export function readinessGates(pod: Obj): string {
  const gates: Obj[] = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions: Obj[] = pod.status?.conditions ?? [];
  const trueCount = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${trueCount}/${gates.length}`;
}
