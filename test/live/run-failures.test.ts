/**
 * Live runs that must not pass: a wrong expectation is a failed cell at its file and line (CLI exit 1, a JUnit
 * failure); an image the node cannot get is an infrastructure error naming the image (exit 3). Both clean up.
 */
import { expect } from 'chai';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLive } from '../../src/run/index.js';
import type { KubeClient } from '../../src/kube/types.js';
import { loadSuites } from '../../src/suite/index.js';
import { requireLiveCluster } from './live-env.js';
import { kubeFor, liveFlags, namespacesOfRun, PROBE_IMAGE, runCli } from './run-live-helpers.js';

/** A suite with a default deny and one assertion (its expect: at a known line) that wrongly expects an allow. */
function wrongSuite(namespace: string): { text: string; line: number } {
  const lines = [
    'apiVersion: netpol-e2e/v1',
    'kind: Suite',
    'name: wrong-expectation',
    'fixture:',
    '  namespaces:',
    `    - name: ${namespace}`,
    '  workloads:',
    `    - {name: client, namespace: ${namespace}, labels: {app: client}}`,
    `    - {name: server, namespace: ${namespace}, labels: {app: server}, ports: [{port: 8080, name: http}]}`,
    'policies:',
    '  - apiVersion: networking.k8s.io/v1',
    '    kind: NetworkPolicy',
    `    metadata: {name: default-deny-ingress, namespace: ${namespace}}`,
    '    spec: {podSelector: {}, policyTypes: [Ingress]}',
    'assertions:',
    '  - id: really-denied',
    `    from: ${namespace}/client`,
    `    to: ${namespace}/server`,
    '    port: http',
    '    expect: deny',
    '  - id: wrongly-expected-allowed',
    `    from: ${namespace}/client`,
    `    to: ${namespace}/server`,
    '    port: 8080',
    '    expect: allow',
  ];
  // Reports point at the expect: line of a multi-line assertion: the line a pull request edits.
  return { text: `${lines.join('\n')}\n`, line: lines.lastIndexOf('    expect: allow') + 1 };
}

describe('live run: failures are reported, never passed', function () {
  this.timeout(10 * 60_000);
  let kubeconfig: string;
  let kube: KubeClient;
  before(async function () {
    kubeconfig = requireLiveCluster(this);
    kube = await kubeFor(kubeconfig);
  });

  it('a wrong expectation is a failed cell at the right file and line (CLI exit 1, JUnit failure)', async () => {
    const runId = `w${Date.now().toString(36)}`;
    const dir = await mkdtemp(join(tmpdir(), 'npe2e-wrong-'));
    const suite = wrongSuite(`npe-wrong-${runId}`);
    const file = join(dir, 'wrong.yaml');
    await writeFile(file, suite.text);

    const [loaded] = await loadSuites([file]);
    const result = await runLive([loaded as NonNullable<typeof loaded>], { kube, runId, probeImage: PROBE_IMAGE, imagePullPolicy: 'IfNotPresent' });
    const cells = result.suites[0]?.cells ?? [];
    expect(cells.find((c) => c.assertionId === 'really-denied')?.status).to.equal('passed');
    const wrong = cells.find((c) => c.assertionId === 'wrongly-expected-allowed');
    expect(wrong?.status).to.equal('failed');
    expect(wrong?.position.file).to.equal(file);
    expect(wrong?.position.line).to.equal(suite.line);
    expect(wrong?.observed?.verdict).to.equal('deny');
    expect(wrong?.model?.verdict).to.equal('deny');

    const cliRunId = `${runId}c`;
    const junit = join(dir, 'junit.xml');
    await writeFile(file, wrongSuite(`npe-wrong-${cliRunId}`).text);
    const cli = await runCli(['run', file, '--kubeconfig', kubeconfig, ...liveFlags(cliRunId, dir), '--junit', junit], { kubeconfig, timeoutMs: 5 * 60_000 });
    expect(cli.code, `${cli.stdout}\n${cli.stderr}`).to.equal(1);
    const xml = await readFile(junit, 'utf8');
    expect(xml).to.match(/<failure/);
    expect(xml).to.contain(`line="${suite.line}"`);
    expect(await namespacesOfRun(kube, runId)).to.deep.equal([]);
    expect(await namespacesOfRun(kube, cliRunId)).to.deep.equal([]);
  });

  it('an image the node cannot get fails fast, naming the image and how to preload it (CLI exit 3)', async () => {
    const runId = `i${Date.now().toString(36)}`;
    const missing = 'localhost/netpol-e2e/no-such-image:0';
    const [rollout] = await loadSuites(['suites/rollout.yaml']);
    const started = Date.now();
    const result = await runLive([rollout as NonNullable<typeof rollout>], { kube, runId, probeImage: missing, imagePullPolicy: 'Never' });
    const error = result.suites[0]?.errors[0];
    expect(error?.code).to.equal('CLUSTER');
    expect(error?.message).to.contain(missing);
    expect(error?.message).to.match(/ErrImageNeverPull|ImagePullBackOff/);
    expect(error?.hint).to.contain('ctr -n k8s.io images import');
    expect(Date.now() - started).to.be.below(120_000);
    expect(await namespacesOfRun(kube, runId)).to.deep.equal([]);

    const dir = await mkdtemp(join(tmpdir(), 'npe2e-image-'));
    const cliRunId = `${runId}c`;
    const cli = await runCli(['run', 'suites/rollout.yaml', '--kubeconfig', kubeconfig, '--run-id', cliRunId, '--probe-image', missing, '--image-pull-policy', 'Never', '--artifacts', dir], {
      kubeconfig,
      timeoutMs: 5 * 60_000,
    });
    expect(cli.code, cli.stderr).to.equal(3);
    expect(cli.stderr).to.contain(missing);
    expect(await namespacesOfRun(kube, cliRunId)).to.deep.equal([]);
  });
});
