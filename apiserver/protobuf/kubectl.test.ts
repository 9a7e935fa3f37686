// End to end: what does the real kubectl send? A tiny HTTP server plays apiserver (discovery + echoing POSTs),
// records each POST body, and the test checks the protobuf bodies decode to the objects kubectl meant.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeKubernetesProtobuf, PROTOBUF_CONTENT_TYPE } from './index.js';

const kubectlAvailable = await new Promise<boolean>((done) => {
  execFile('kubectl', ['version', '--client'], (error) => done(!error));
});
if (!kubectlAvailable) console.warn('kubectl not found on PATH: skipping the kubectl protobuf end-to-end test');

interface Captured {
  method: string;
  path: string;
  contentType: string;
  body: Buffer;
}

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const resource = (name: string, kind: string, namespaced = true) => ({ name, singularName: '', namespaced, kind, verbs });

const DISCOVERY: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
  },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      resource('namespaces', 'Namespace', false),
      resource('configmaps', 'ConfigMap'),
      resource('secrets', 'Secret'),
      resource('services', 'Service'),
      resource('pods', 'Pod'),
    ],
  },
  '/apis/apps/v1': { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1', resources: [resource('deployments', 'Deployment')] },
};

/** What `kubectl expose deployment d1` reads before it builds the Service. */
const DEPLOYMENT_D1 = {
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  metadata: { name: 'd1', namespace: 'default', labels: { app: 'd1' }, uid: 'u-d1', resourceVersion: '1' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'd1' } },
    template: { metadata: { labels: { app: 'd1' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 8080 }] }] } },
  },
};

describe.skipIf(!kubectlAvailable)('kubectl sends protobuf bodies that decode to the intended objects', () => {
  let server: Server;
  let dir: string;
  let kubeconfig: string;
  const captured: Captured[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yawl-kubectl-proto-'));
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        const send = (status: number, body: unknown) => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (req.method === 'GET' && DISCOVERY[path]) return send(200, DISCOVERY[path]);
        if (req.method === 'GET' && path === '/apis/apps/v1/namespaces/default/deployments/d1') return send(200, DEPLOYMENT_D1);
        if (req.method === 'POST') {
          const body = Buffer.concat(chunks);
          const contentType = String(req.headers['content-type'] ?? '');
          captured.push({ method: req.method, path, contentType, body });
          if (contentType.startsWith(PROTOBUF_CONTENT_TYPE)) {
            try {
              return send(201, decodeKubernetesProtobuf(body));
            } catch {
              return send(415, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'UnsupportedMediaType', code: 415 });
            }
          }
          return send(201, JSON.parse(body.toString('utf8')));
        }
        return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: `http://127.0.0.1:${port}` } }],
        users: [{ name: 'u', user: {} }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
        'current-context': 'x',
      }),
    );
  });

  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    rmSync(dir, { recursive: true, force: true });
  });

  // `kubectl run` and `expose` have no --validate flag; the create commands get --validate=false so nothing asks for OpenAPI.
  async function kubectl(...args: string[]): Promise<Captured> {
    const flags = args[0] === 'create' ? ['--validate=false'] : [];
    const before = captured.length;
    await new Promise<void>((done, fail) => {
      execFile(
        'kubectl',
        ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args, ...flags],
        { timeout: 60_000, env: { ...process.env, KUBECONFIG: kubeconfig } },
        (error, stdout, stderr) => (error ? fail(new Error(`kubectl ${args.join(' ')}: ${error.message}\n${stdout}\n${stderr}`)) : done()),
      );
    });
    const posts = captured.slice(before);
    expect(posts).toHaveLength(1);
    return posts[0]!;
  }

  /** The object a POST carried: protobuf decoded by us, or JSON (kubectl run builds an unstructured object). */
  function sent(post: Captured, expectProtobuf = true): Record<string, unknown> {
    if (expectProtobuf) expect(post.contentType).toContain(PROTOBUF_CONTENT_TYPE);
    if (post.contentType.startsWith(PROTOBUF_CONTENT_TYPE)) return decodeKubernetesProtobuf(post.body);
    return JSON.parse(post.body.toString('utf8')) as Record<string, unknown>;
  }

  it('create namespace', async () => {
    const post = await kubectl('create', 'namespace', 't1');
    expect(post.path).toBe('/api/v1/namespaces');
    expect(sent(post)).toEqual({
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { name: 't1', creationTimestamp: null },
      spec: {},
      status: {},
    });
  });

  it('create configmap', async () => {
    const post = await kubectl('create', 'configmap', 'c1', '--from-literal=a=b');
    expect(post.path).toBe('/api/v1/namespaces/default/configmaps');
    expect(sent(post)).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'c1', creationTimestamp: null },
      data: { a: 'b' },
    });
  });

  it('create secret generic', async () => {
    const post = await kubectl('create', 'secret', 'generic', 's1', '--from-literal=p=q');
    expect(post.path).toBe('/api/v1/namespaces/default/secrets');
    expect(sent(post)).toEqual({
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's1', creationTimestamp: null },
      data: { p: Buffer.from('q').toString('base64') },
    });
  });

  it('run', async () => {
    const post = await kubectl('run', 'p1', '--image=nginx', '--labels=app=x', '--port=80');
    expect(post.path).toBe('/api/v1/namespaces/default/pods');
    // kubectl v1.32 sends this one as JSON; decode it whichever way it comes.
    const pod = sent(post, false);
    expect(pod).toMatchObject({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'p1', labels: { app: 'x' }, creationTimestamp: null },
      spec: {
        containers: [{ name: 'p1', image: 'nginx', ports: [{ containerPort: 80 }], resources: {} }],
        restartPolicy: 'Always',
        dnsPolicy: 'ClusterFirst',
      },
      status: {},
    });
    const container = (pod.spec as { containers: Record<string, unknown>[] }).containers[0]!;
    expect(container.ports).toEqual([{ containerPort: 80 }]);
  });

  it('create deployment', async () => {
    const post = await kubectl('create', 'deployment', 'd1', '--image=nginx', '--replicas=2');
    expect(post.path).toBe('/apis/apps/v1/namespaces/default/deployments');
    expect(sent(post)).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'd1', labels: { app: 'd1' }, creationTimestamp: null },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'd1' } },
        template: {
          metadata: { labels: { app: 'd1' }, creationTimestamp: null },
          spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it('create service clusterip', async () => {
    const post = await kubectl('create', 'service', 'clusterip', 's2', '--tcp=80:8080');
    expect(post.path).toBe('/api/v1/namespaces/default/services');
    expect(sent(post)).toEqual({
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 's2', labels: { app: 's2' }, creationTimestamp: null },
      spec: {
        ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }],
        selector: { app: 's2' },
        type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    });
  });

  it('expose deployment', async () => {
    const post = await kubectl('expose', 'deployment', 'd1', '--port=80', '--target-port=8080', '--name=d1-svc');
    expect(post.path).toBe('/api/v1/namespaces/default/services');
    // Like run, kubectl v1.32 builds this one unstructured and sends JSON.
    expect(sent(post, false)).toEqual({
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'd1-svc', labels: { app: 'd1' }, creationTimestamp: null },
      spec: { ports: [{ protocol: 'TCP', port: 80, targetPort: 8080 }], selector: { app: 'd1' } },
      status: { loadBalancer: {} },
    });
  });
});
