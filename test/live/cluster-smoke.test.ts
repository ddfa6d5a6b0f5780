/**
 * Smoke test of the local test cluster (test/cluster/up.sh): proves it is a real cluster whose NetworkPolicies
 * are really enforced, before any harness test relies on it.
 *
 * - the node and CoreDNS (a pod labelled k8s-app=kube-dns behind Service kube-dns) are Ready;
 * - pod-to-pod HTTP works (positive control);
 * - a default-deny ingress policy makes it time out (curl exit 28);
 * - an allow rule for one client's label lets only that client through;
 * - default-deny egress plus a DNS allowance keeps `nslookup` working while other egress times out;
 * - with the enforcer stopped (test/cluster/enforcer.sh stop) a new deny policy is NOT enforced, i.e. a
 *   non-enforcing CNI is detectable; the enforcer is restarted in an after hook.
 *
 * Everything lives in one namespace with a random suffix, deleted at the end. No fixed sleeps: every
 * expectation is polled against a deadline.
 */
import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { requireLiveCluster } from './live-env.js';

const PROBE_IMAGE = process.env['NETPOL_E2E_PROBE_IMAGE'] ?? 'localhost/netpol-e2e/probe:k8s-v1.32.13';
const ENFORCER_SCRIPT = fileURLToPath(new URL('../cluster/enforcer.sh', import.meta.url));
const DNS_SERVICE_IP = '10.96.0.10';

/** curl exit codes this test tells apart */
const CURL_OK = 0;
const CURL_TIMEOUT = 28;

const POD_READY_TIMEOUT_MS = 120_000;
const ENFORCEMENT_TIMEOUT_MS = 30_000;
/** how long a policy must stay un-enforced before we call the enforcer "not enforcing" */
const NOT_ENFORCED_WINDOW_MS = 10_000;

interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Exit code from the exec status; a transport or API failure is thrown, never mistaken for an exit code. */
function exitCodeOf(status: k8s.V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (cause?.message !== undefined) return Number.parseInt(cause.message, 10);
  throw new Error(`exec failed without an exit code: ${status.message ?? JSON.stringify(status)}`);
}

async function poll<T>(what: string, attempt: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, intervalMs = 500): Promise<T> {
  const started = Date.now();
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await attempt();
      lastError = undefined;
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() - started >= timeoutMs) {
      const seen = lastError !== undefined ? `error: ${String(lastError)}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Probe repeatedly for `windowMs`; fail at the first value that breaks `holds`. */
async function holdsFor<T>(what: string, attempt: () => Promise<T>, holds: (value: T) => boolean, windowMs: number): Promise<number> {
  const started = Date.now();
  let probes = 0;
  while (Date.now() - started < windowMs) {
    const value = await attempt();
    probes += 1;
    if (!holds(value)) throw new Error(`${what} stopped holding after ${Date.now() - started} ms (${probes} probes): ${JSON.stringify(value)}`);
  }
  return probes;
}

async function runScript(path: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await promisify(execFile)('bash', [path, ...args], { timeout: 120_000 });
    return `${stdout}${stderr}`;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${path} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

describe('live: local test cluster smoke (real API server, real pods, enforced NetworkPolicy)', function () {
  this.timeout(300_000);

  const suffix = randomBytes(3).toString('hex');
  const namespace = `netpol-smoke-${suffix}`;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let net: k8s.NetworkingV1Api;
  let exec: k8s.Exec;
  let namespaceCreated = false;
  let enforcerStopped = false;
  const ip: Record<string, string> = {};

  async function run(pod: string, command: string[], timeoutMs = 30_000): Promise<ExecResult> {
    const out = collector();
    const err = collector();
    return await new Promise<ExecResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`exec in ${namespace}/${pod} did not finish within ${timeoutMs} ms: ${command.join(' ')}`)), timeoutMs);
      exec
        .exec(namespace, pod, 'main', command, out.stream, err.stream, null, false, (status) => {
          clearTimeout(timer);
          try {
            resolve({ code: exitCodeOf(status), stdout: out.text(), stderr: err.text() });
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        })
        .catch((e: unknown) => {
          clearTimeout(timer);
          reject(new Error(`exec transport error in ${namespace}/${pod}: ${String(e)}`));
        });
    });
  }

  /** curl exit code for one new HTTP connection from `from` to `to`:8080 */
  async function curl(from: string, to: string): Promise<number> {
    const target = ip[to];
    if (!target) throw new Error(`no IP known for pod ${to}`);
    const result = await run(from, ['curl', '-sS', '-o', '/dev/null', '--connect-timeout', '2', '-m', '3', `http://${target}:8080/`]);
    return result.code;
  }

  async function waitForCurl(from: string, to: string, want: number, timeoutMs = ENFORCEMENT_TIMEOUT_MS): Promise<void> {
    const started = Date.now();
    await poll(`curl ${from} -> ${to} to exit ${want}`, () => curl(from, to), (code) => code === want, timeoutMs);
    console.log(`      (${from} -> ${to}: curl exit ${want} after ${Date.now() - started} ms)`);
  }

  function pod(name: string, labels: Record<string, string>, server: boolean): k8s.V1Pod {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'main',
            image: PROBE_IMAGE,
            imagePullPolicy: 'IfNotPresent',
            ...(server ? { args: ['porter'], env: [{ name: 'SERVE_PORT_8080', value: 'ok' }] } : { args: ['pause'] }),
          },
        ],
      },
    };
  }

  async function policy(name: string, spec: k8s.V1NetworkPolicySpec): Promise<void> {
    await net.createNamespacedNetworkPolicy({ namespace, body: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec } });
  }

  before(async function () {
    const kubeconfig = requireLiveCluster(this);
    kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    net = kc.makeApiClient(k8s.NetworkingV1Api);
    exec = new k8s.Exec(kc);

    await core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'netpol-e2e.io/smoke': suffix } } } });
    namespaceCreated = true;
    const pods = [
      pod('server', { app: 'server' }, true),
      pod('open-server', { app: 'open-server' }, true),
      pod('client-a', { role: 'client-a' }, false),
      pod('client-b', { role: 'client-b' }, false),
      pod('egress', { role: 'egress' }, false),
    ];
    for (const p of pods) await core.createNamespacedPod({ namespace, body: p });
    for (const p of pods) {
      const name = p.metadata?.name ?? '';
      const ready = await poll(
        `pod ${namespace}/${name} Ready`,
        () => core.readNamespacedPod({ name, namespace }),
        (r) => r.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true && !!r.status?.podIP,
        POD_READY_TIMEOUT_MS,
      );
      ip[name] = ready.status?.podIP ?? '';
    }
  });

  after(async function () {
    // always leave the enforcer running, whatever happened above
    if (enforcerStopped) await runScript(ENFORCER_SCRIPT, ['start']);
    if (namespaceCreated) {
      await core.deleteNamespace({ name: namespace });
      await poll(
        `namespace ${namespace} to be gone`,
        async () => {
          try {
            await core.readNamespace({ name: namespace });
            return false;
          } catch (err) {
            if (err instanceof k8s.ApiException && err.code === 404) return true;
            throw err;
          }
        },
        (gone) => gone,
        120_000,
        1_000,
      );
    }
  });

  it('has a Ready node and CoreDNS as a Ready pod behind Service kube-dns', async () => {
    const nodes = await core.listNode();
    expect(nodes.items).to.have.length.greaterThan(0);
    for (const node of nodes.items) {
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, `node ${node.metadata?.name} Ready`).to.equal('True');
    }
    const svc = await core.readNamespacedService({ name: 'kube-dns', namespace: 'kube-system' });
    expect(svc.spec?.clusterIP).to.equal(DNS_SERVICE_IP);
    const dnsPods = await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' });
    expect(dnsPods.items.some((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))).to.equal(true);
  });

  it('connects pod to pod over HTTP (positive control) and resolves cluster DNS', async () => {
    await waitForCurl('client-a', 'server', CURL_OK);
    await waitForCurl('client-b', 'server', CURL_OK);
    await waitForCurl('egress', 'open-server', CURL_OK);
    const lookup = await run('egress', ['nslookup', 'kubernetes.default.svc.cluster.local']);
    expect(lookup.code, lookup.stdout + lookup.stderr).to.equal(0);
    expect(lookup.stdout).to.contain('10.96.0.1');
  });

  it('times out (curl exit 28) under a default-deny ingress policy', async () => {
    await policy('server-deny-ingress', { podSelector: { matchLabels: { app: 'server' } }, policyTypes: ['Ingress'] });
    await waitForCurl('client-a', 'server', CURL_TIMEOUT);
    expect(await curl('client-b', 'server')).to.equal(CURL_TIMEOUT);
  });

  it('lets only the allowed client through an allow rule for its label', async () => {
    await policy('server-allow-client-a', {
      podSelector: { matchLabels: { app: 'server' } },
      policyTypes: ['Ingress'],
      ingress: [{ _from: [{ podSelector: { matchLabels: { role: 'client-a' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    await waitForCurl('client-a', 'server', CURL_OK);
    expect(await curl('client-b', 'server')).to.equal(CURL_TIMEOUT);
    expect(await curl('client-a', 'server')).to.equal(CURL_OK);
  });

  it('keeps DNS working under default-deny egress with a DNS allowance, while other egress times out', async () => {
    await policy('egress-deny-all', { podSelector: { matchLabels: { role: 'egress' } }, policyTypes: ['Egress'] });
    await policy('egress-allow-dns', {
      podSelector: { matchLabels: { role: 'egress' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });
    await waitForCurl('egress', 'open-server', CURL_TIMEOUT);
    const lookup = await poll(
      'nslookup kubernetes.default.svc.cluster.local to succeed under the DNS allowance',
      () => run('egress', ['nslookup', 'kubernetes.default.svc.cluster.local']),
      (r) => r.code === 0,
      ENFORCEMENT_TIMEOUT_MS,
    );
    expect(lookup.stdout).to.contain('10.96.0.1');
    // TCP DNS is allowed too
    const tcpLookup = await run('egress', ['nslookup', '-vc', 'kubernetes.default.svc.cluster.local']);
    expect(tcpLookup.code, tcpLookup.stdout + tcpLookup.stderr).to.equal(0);
    // the allowance is for DNS only: the other clients still reach open-server
    expect(await curl('client-a', 'open-server')).to.equal(CURL_OK);
  });

  it('detects a stopped enforcer: a new deny policy is not enforced', async () => {
    await runScript(ENFORCER_SCRIPT, ['stop']);
    enforcerStopped = true;
    await policy('open-server-deny-ingress', { podSelector: { matchLabels: { app: 'open-server' } }, policyTypes: ['Ingress'] });
    const probes = await holdsFor('open-server reachable although a deny policy exists', () => curl('client-a', 'open-server'), (code) => code === CURL_OK, NOT_ENFORCED_WINDOW_MS);
    console.log(`      (deny policy not enforced for ${NOT_ENFORCED_WINDOW_MS} ms, ${probes} probes, with the enforcer stopped)`);
  });

  it('enforces that policy again once the enforcer is restarted', async () => {
    await runScript(ENFORCER_SCRIPT, ['start']);
    enforcerStopped = false;
    await waitForCurl('client-a', 'open-server', CURL_TIMEOUT);
  });
});
