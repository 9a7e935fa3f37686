// `yawl bench apiserver`: load on the apiserver's REST API, as a control plane puts it there: create pods, get
// them, list them all, and fan one change out to many watchers. Prints throughput and p50/p99 per phase.
import http from 'node:http';

export interface ApiBenchOptions {
  server: string;
  namespace: string;
  pods: number;
  clients: number;
  lists: number;
  watchers: number;
  json: boolean;
}

export interface PhaseResult {
  phase: string;
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function request(base: URL, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request({ host: base.hostname, port: base.port, method, path, agent, headers: { 'Content-Type': contentType, ...(data ? { 'Content-Length': data.length } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function phase(name: string, total: number, clients: number, op: (i: number) => Promise<boolean>): Promise<PhaseResult> {
  process.stderr.write(`${name} ...\n`);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(clients, total) }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        const ok = await op(i).catch(() => false);
        if (ok) latencies.push(performance.now() - t);
        else errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { phase: name, requests: total, errors, seconds, perSecond: latencies.length / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

function pod(name: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'bench' } }, spec: { containers: [{ name: 'c', image: 'yawl/echo' }] } };
}

/** Opens a watch and calls onEvent for every event line; resolves once the stream is open. */
function openWatch(base: URL, path: string, onEvent: (line: string) => void): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, path, method: 'GET', agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`watch: HTTP ${res.statusCode}`));
      let buffered = '';
      res.on('data', (c: Buffer) => {
        buffered += c.toString();
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          onEvent(buffered.slice(0, nl));
          buffered = buffered.slice(nl + 1);
        }
      });
      res.on('error', () => undefined);
      resolve(req);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function runApiBench(o: ApiBenchOptions): Promise<PhaseResult[]> {
  const base = new URL(o.server);
  const ns = o.namespace;
  const results: PhaseResult[] = [];
  await request(base, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const podsPath = `/api/v1/namespaces/${ns}/pods`;
  const name = (i: number) => `bench-${String(i).padStart(6, '0')}`;
  results.push(await phase('create pod', o.pods, o.clients, async (i) => (await request(base, 'POST', podsPath, pod(name(i)))).status === 201));
  results.push(await phase('get pod', Math.min(o.pods, 5000), o.clients, async (i) => (await request(base, 'GET', `${podsPath}/${name(i)}`)).status === 200));
  results.push(await phase(`list ${o.pods} pods`, o.lists, 1, async () => (await request(base, 'GET', podsPath)).status === 200));

  // Fan-out: every watcher watches the namespace's pods; one pod changes; each delivery's delay is measured from
  // just before the write.
  const latencies: number[] = [];
  let writeAt = 0;
  let marker = '';
  const streams: http.ClientRequest[] = [];
  const list = JSON.parse((await request(base, 'GET', podsPath + '?limit=1')).text) as { metadata: { resourceVersion: string } };
  for (let w = 0; w < o.watchers; w++) {
    streams.push(
      await openWatch(base, `${podsPath}?watch=true&resourceVersion=${list.metadata.resourceVersion}`, (line) => {
        if (marker !== '' && line.includes(marker)) latencies.push(performance.now() - writeAt);
      }),
    );
  }
  process.stderr.write(`watch fan-out to ${o.watchers} watchers ...\n`);
  const rounds = 5;
  const started = performance.now();
  for (let r = 0; r < rounds; r++) {
    marker = `fanout-${r}-${Date.now()}`;
    writeAt = performance.now();
    await request(base, 'PATCH', `${podsPath}/${name(0)}`, { metadata: { annotations: { marker } } }, 'application/merge-patch+json').then(undefined, () => undefined);
    const want = (r + 1) * o.watchers;
    const deadline = Date.now() + 30_000;
    while (latencies.length < want && Date.now() < deadline) await new Promise((res) => setTimeout(res, 5));
  }
  for (const s of streams) s.destroy();
  latencies.sort((a, b) => a - b);
  const delivered = latencies.length;
  results.push({ phase: `watch fan-out to ${o.watchers}`, requests: rounds * o.watchers, errors: rounds * o.watchers - delivered, seconds: (performance.now() - started) / 1000, perSecond: 0, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) });
  await request(base, 'DELETE', `/api/v1/namespaces/${ns}`);
  agent.destroy();
  return results;
}

export function renderApiBench(results: PhaseResult[]): string {
  const lines = ['phase                              requests  errors   req/s      p50       p99'];
  for (const r of results) {
    lines.push(`${r.phase.padEnd(34)} ${String(r.requests).padStart(8)} ${String(r.errors).padStart(7)} ${r.perSecond === 0 ? '      —' : r.perSecond.toFixed(0).padStart(7)} ${r.p50Ms.toFixed(1).padStart(7)}ms ${r.p99Ms.toFixed(1).padStart(7)}ms`);
  }
  return lines.join('\n');
}
