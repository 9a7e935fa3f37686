// The real kubectl (v1.32) against `yawl apiserver`, once over a yawl store cluster and once over a real etcd 3.4
// cluster: what a user types, and what kubectl prints back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../chaos/cluster/launcher.js';
import { kubectlAvailable, startApiServer, type TestApiServer } from './support/apiserver.js';
import { etcdAvailable, yawlAvailable, type ClusterKind } from './support/targets.js';

const targets: ClusterKind[] = [];
if (kubectlAvailable()) {
  if (yawlAvailable()) targets.push('yawl');
  if (etcdAvailable()) targets.push('etcd');
} else {
  console.warn('test/kubectl.test.ts: SKIPPED: kubectl is not on the PATH (the machine image has v1.32 as `kubectl`)');
}

const APP = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: yawl/echo:1
        env:
        - {name: GREETING, value: hello}
        - {name: COLOUR, value: blue}
        ports:
        - {containerPort: 8080, name: http}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - {port: 80, targetPort: http}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  greeting: hello
`;

describe.each(targets)('kubectl against yawl apiserver on %s', (kind) => {
  let cluster: Cluster;
  let api: TestApiServer;
  const ns = 'kt';

  beforeAll(async () => {
    cluster = await startCluster(kind, kind === 'yawl' ? 3 : 1);
    api = await startApiServer(cluster.endpoints);
  });

  afterAll(async () => {
    await api?.stop();
    await cluster?.stopAll();
  });

  it('lists the served resources with their short names', () => {
    const out = api.kubectlOk(['api-resources', '--no-headers']);
    for (const [name, short] of [['pods', 'po'], ['services', 'svc'], ['deployments', 'deploy'], ['replicasets', 'rs'], ['nodes', 'no'], ['namespaces', 'ns'], ['endpoints', 'ep'], ['events', 'ev'], ['configmaps', 'cm']]) {
      expect(out).toMatch(new RegExp(`^${name}\\s+${short}\\s`, 'm'));
    }
    expect(out).toMatch(/^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease/m);
  });

  it('creates a namespace and applies a Deployment, a Service and a ConfigMap into it', () => {
    expect(api.kubectlOk(['create', 'namespace', ns])).toContain(`namespace/${ns} created`);
    const out = api.kubectlOk(['apply', '-n', ns, '-f', '-'], APP);
    expect(out).toContain('deployment.apps/web created');
    expect(out).toContain('service/web created');
    expect(out).toContain('configmap/web-config created');
  });

  it('gets objects as a table, wide, yaml and json, by label and by field', () => {
    const table = api.kubectlOk(['get', 'deploy', '-n', ns]);
    expect(table).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    expect(table).toMatch(/^web\s+0\/2\s+0\s+0\s+\d+s$/m);
    const svc = api.kubectlOk(['get', 'svc', 'web', '-n', ns, '-o', 'wide']);
    expect(svc).toMatch(/^web\s+ClusterIP\s+10\.(9[6-9]|10\d|11[01])\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s\s+app=web$/m);
    const json = JSON.parse(api.kubectlOk(['get', 'deploy', 'web', '-n', ns, '-o', 'json'])) as Record<string, any>;
    expect(json.metadata.generation).toBe(1);
    expect(json.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(json.spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(Number(json.metadata.resourceVersion)).toBeGreaterThan(0);
    const yaml = api.kubectlOk(['get', 'cm', 'web-config', '-n', ns, '-o', 'yaml']);
    expect(yaml).toMatch(/greeting: hello/);
    expect(api.kubectlOk(['get', 'deploy,svc,cm', '-n', ns, '-l', 'app=web', '-o', 'name']).trim().split('\n')).toEqual(['deployment.apps/web']);
    expect(api.kubectlOk(['get', 'cm', '-n', ns, '--field-selector', 'metadata.name=web-config', '-o', 'name']).trim()).toBe('configmap/web-config');
    expect(api.kubectlOk(['get', 'deploy', '-n', ns, '-l', 'app in (web,other),!missing', '-o', 'name']).trim()).toBe('deployment.apps/web');
    expect(api.kubectlOk(['get', 'deploy', '-n', ns, '-l', 'app notin (web)', '-o', 'name']).trim()).toBe('');
    const badSelector = api.kubectl(['get', 'cm', '-n', ns, '--field-selector', 'data.x=y']);
    expect(badSelector.stderr).toContain('is not a known field selector');
  });

  it('applies a changed manifest as a three-way strategic merge', () => {
    // A field set by another writer (kubectl set env here) survives: apply only removes what it had applied.
    api.kubectlOk(['set', 'env', 'deploy/web', '-n', ns, 'EXTRA=kept']);
    const changed = APP.replace('image: yawl/echo:1', 'image: yawl/echo:2').replace('        - {name: COLOUR, value: blue}\n', '');
    expect(api.kubectlOk(['apply', '-n', ns, '-f', '-'], changed)).toContain('deployment.apps/web configured');
    const d = JSON.parse(api.kubectlOk(['get', 'deploy', 'web', '-n', ns, '-o', 'json'])) as Record<string, any>;
    const c = d.spec.template.spec.containers[0];
    expect(c.image).toBe('yawl/echo:2');
    expect(c.env.map((e: { name: string }) => e.name).sort()).toEqual(['EXTRA', 'GREETING']);
    expect(d.metadata.generation).toBe(3);
  });

  it('labels, annotates, patches three ways and scales', () => {
    api.kubectlOk(['label', 'deploy', 'web', '-n', ns, 'tier=front']);
    api.kubectlOk(['annotate', 'deploy', 'web', '-n', ns, 'note=hi']);
    api.kubectlOk(['patch', 'deploy', 'web', '-n', ns, '--type=merge', '-p', '{"spec":{"minReadySeconds":5}}']);
    api.kubectlOk(['patch', 'deploy', 'web', '-n', ns, '--type=json', '-p', '[{"op":"replace","path":"/spec/revisionHistoryLimit","value":3}]']);
    api.kubectlOk(['patch', 'deploy', 'web', '-n', ns, '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"GREETING","$patch":"delete"}]}]}}}}']);
    expect(api.kubectlOk(['scale', 'deploy', 'web', '-n', ns, '--replicas=3'])).toContain('deployment.apps/web scaled');
    const d = JSON.parse(api.kubectlOk(['get', 'deploy', 'web', '-n', ns, '-o', 'json'])) as Record<string, any>;
    expect(d.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(d.metadata.annotations.note).toBe('hi');
    expect(d.spec.minReadySeconds).toBe(5);
    expect(d.spec.revisionHistoryLimit).toBe(3);
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name)).toEqual(['EXTRA']);
  });

  it('prints the server messages for an invalid manifest, an unknown field and a conflicting update', () => {
    const bad = APP.split('---')[0]!.replace('name: web\n  labels', 'name: bad\n  labels').replace('matchLabels: {app: web}', 'matchLabels: {app: other}');
    const invalid = api.kubectl(['apply', '-n', ns, '-f', '-'], bad);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('The Deployment "bad" is invalid');
    expect(invalid.stderr).toContain('`selector` does not match template `labels`');
    const unknown = api.kubectl(['apply', '-n', ns, '-f', '-'], APP.split('---')[2]!.replace('\ndata:', '\ndatta:'));
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('strict decoding error: unknown field "datta"');
    const current = JSON.parse(api.kubectlOk(['get', 'cm', 'web-config', '-n', ns, '-o', 'json'])) as Record<string, any>;
    api.kubectlOk(['label', 'cm', 'web-config', '-n', ns, 'touched=yes']);
    const stale = api.kubectl(['replace', '-n', ns, '-f', '-'], JSON.stringify(current));
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toContain('Error from server (Conflict)');
    expect(stale.stderr).toContain('Operation cannot be fulfilled on configmaps "web-config": the object has been modified; please apply your changes to the latest version and try again');
    const badName = api.kubectl(['create', 'configmap', 'Not_A_Name', '-n', ns]);
    expect(badName.stderr).toContain('a lowercase RFC 1123 subdomain must consist of');
  });

  it('deletes with each --cascade and waits for a deletion', () => {
    for (const name of ['orphan-me', 'fg', 'bg']) api.kubectlOk(['create', 'configmap', name, '-n', ns]);
    api.kubectlOk(['delete', 'cm', 'bg', '-n', ns, '--cascade=background']);
    expect(api.kubectl(['get', 'cm', 'bg', '-n', ns]).stderr).toContain('configmaps "bg" not found');
    // Orphan and foreground deletions wait on finalizers the garbage collector clears (controller-manager).
    api.kubectlOk(['delete', 'cm', 'orphan-me', '-n', ns, '--cascade=orphan', '--wait=false']);
    api.kubectlOk(['delete', 'cm', 'fg', '-n', ns, '--cascade=foreground', '--wait=false']);
    const orphan = JSON.parse(api.kubectlOk(['get', 'cm', 'orphan-me', '-n', ns, '-o', 'json'])) as Record<string, any>;
    expect(orphan.metadata.finalizers).toEqual(['orphan']);
    expect(orphan.metadata.deletionTimestamp).toBeTruthy();
    const fg = JSON.parse(api.kubectlOk(['get', 'cm', 'fg', '-n', ns, '-o', 'json'])) as Record<string, any>;
    expect(fg.metadata.finalizers).toEqual(['foregroundDeletion']);
    // Clearing the finalizer (the collector's job) lets the object go; kubectl wait sees it.
    const waiter = api.kubectlSpawn(['wait', '--for=delete', 'cm/fg', '-n', ns, '--timeout=30s']);
    api.kubectlOk(['patch', 'cm', 'fg', '-n', ns, '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    return new Promise<void>((resolve, reject) => {
      waiter.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kubectl wait exited ${code}`))));
    });
  });

  it('watches: kubectl get -w prints later changes', async () => {
    const watcher = api.kubectlSpawn(['get', 'cm', '-n', ns, '-w', '--output-watch-events']);
    let out = '';
    watcher.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => /^ADDED\s+web-config\s+1\s/m.test(out));
    api.kubectlOk(['create', 'configmap', 'watched', '-n', ns, '--from-literal=k=v']);
    await until(() => /^ADDED\s+watched\s+1\s/m.test(out));
    api.kubectlOk(['label', 'cm', 'watched', '-n', ns, 'seen=yes']);
    await until(() => /^MODIFIED\s+watched\s/m.test(out));
    api.kubectlOk(['delete', 'cm', 'watched', '-n', ns]);
    await until(() => /^DELETED\s+watched\s/m.test(out));
    expect(out.split('\n')[0]).toMatch(/^EVENT\s+NAME\s+DATA\s+AGE$/);
    watcher.kill();
  });

  it('deleting a namespace removes its contents, then the namespace', async () => {
    api.kubectlOk(['create', 'namespace', 'gone']);
    api.kubectlOk(['create', 'configmap', 'c1', '-n', 'gone']);
    api.kubectlOk(['delete', 'namespace', 'gone', '--wait=false']);
    const refused = api.kubectl(['create', 'configmap', 'c2', '-n', 'gone']);
    if (refused.code !== 0) expect(refused.stderr).toMatch(/being terminated|not found/);
    api.kubectlOk(['wait', '--for=delete', 'namespace/gone', '--timeout=60s']);
    expect(api.kubectl(['get', 'cm', '-n', 'gone', '-o', 'name']).stdout.trim()).toBe('');
  });
});

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
