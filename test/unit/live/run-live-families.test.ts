/**
 * Live runs per address family against the in-memory cluster: a dual-stack fake (pods and Services with an IPv4
 * and an IPv6 address) whose "CNI" judges each connection in the family of the address probed.
 */
import { expect } from 'chai';
import path from 'node:path';
import { runLive } from '../../../src/run/index.js';
import type { CellResult, RunResult } from '../../../src/results/results.js';
import { loadSuites } from '../../../src/suite/index.js';
import type { Suite } from '../../../src/suite/types.js';
import { tempTree } from '../suite/helpers.js';
import { FakeClock } from './fake-clock.js';
import { FakeCluster } from './fake-cluster.js';

// api admits ingress on 80 only from IPv6 addresses: the IPv4 connection is denied, the IPv6 one allowed
const SUITE = `apiVersion: netpol-e2e/v1
kind: Suite
name: families
fixture:
  namespaces:
    - name: fam
  workloads:
    - {name: client, namespace: fam, labels: {app: client}, ports: [{port: 80}]}
    - {name: api, namespace: fam, labels: {app: api}, ports: [{port: 80}]}
  services:
    - {name: api, namespace: fam, workload: api, ports: [{port: 80}]}
policies:
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: api-v6-only, namespace: fam}
    spec:
      podSelector: {matchLabels: {app: api}}
      policyTypes: [Ingress]
      ingress:
        - from: [{ipBlock: {cidr: "fd00::/8"}}]
          ports: [{port: 80}]
assertions:
  - {id: v6-allowed, from: fam/client, to: fam/api, port: 80, family: 6, expect: allow}
  - {id: v4-denied, from: fam/client, to: fam/api, port: 80, family: 4, expect: deny}
  - {id: both-allowed, from: fam/client, to: fam/api, port: 80, expect: allow}
  - {id: service-v6, from: fam/client, to: {service: fam/api}, port: 80, family: 6, expect: allow}
  - matrix:
      port: 80
      family: 4
      expected: |
        -          fam/client fam/api
        fam/client .          X
        fam/api    .          .
`;

describe('runLive per address family (against an in-memory cluster)', () => {
  let suite: Suite;
  let cleanup: () => Promise<void>;
  before(async () => {
    const tree = await tempTree({ 'families.yaml': SUITE });
    cleanup = tree.cleanup;
    [suite] = (await loadSuites([path.join(tree.dir, 'families.yaml')])) as [Suite];
  });
  after(async () => cleanup());

  async function run(dualStack: boolean, runId: string): Promise<{ result: RunResult; cell: (id: string) => CellResult; cluster: FakeCluster }> {
    const clock = new FakeClock();
    const cluster = new FakeCluster({ clock, enforcementDelayMs: 500, dualStack });
    const result = await runLive([suite], { kube: cluster, clock, runId, externals: { enabled: false } });
    const cells = result.suites[0]?.cells ?? [];
    const cell = (id: string): CellResult => {
      const found = cells.find((c) => c.cellId === id);
      if (!found) expect.fail(`no cell ${id} among ${cells.map((c) => c.cellId).join(', ')}; run errors: ${JSON.stringify(result.errors.concat(result.suites[0]?.errors ?? []))}`);
      return found;
    };
    return { result, cell, cluster };
  }

  it('dual-stack: a named family probes that family\'s address; a pair without one is probed per family and fails on the family that fails', async () => {
    const { cell, cluster } = await run(true, 'fam1');
    const v6 = cell('v6-allowed');
    expect(v6.status, v6.message).to.equal('passed');
    expect(v6.family).to.equal(6);
    expect(v6.name).to.contain('over IPv6');
    expect(v6.observed?.family).to.equal(6);
    expect(v6.model?.verdict).to.equal('allow');
    expect(cell('v4-denied').status, cell('v4-denied').message).to.equal('passed');
    expect(cell('v4-denied').observed?.outcome).to.equal('timeout');
    expect(cell('service-v6').status, cell('service-v6').message).to.equal('passed');
    // no family named: two probes, one per family; the IPv4 failure is not hidden by the IPv6 pass
    const both = cell('both-allowed');
    expect(both.status).to.equal('failed');
    expect(both.families?.map((f) => [f.family, f.status, f.model])).to.deep.equal([[4, 'failed', 'deny'], [6, 'passed', 'allow']]);
    expect(both.observed?.family).to.equal(4);
    expect(both.model?.verdict).to.equal('mixed');
    expect(both.message).to.match(/^IPv4: expected allowed, observed timeout/);
    // the probes went to the pod's IPv6 and IPv4 addresses, and to the Service's IPv6 ClusterIP
    const targets = cluster.execs.filter((e) => e.namespace === 'fam').flatMap((e) => e.argv.slice(4).filter((_, i) => i % 5 === 2));
    expect(targets.some((t) => /^\[fd00:10:244::\d+\]:80$/.test(t))).to.equal(true);
    expect(targets.some((t) => /^\[fd00:10:96::\d+\]:80$/.test(t))).to.equal(true);
    expect(targets.some((t) => /^10\.244\.0\.\d+:80$/.test(t))).to.equal(true);
    // the matrix names IPv4: client -> api denied
    expect(cell('matrix-80-tcp-ipv4[fam/client->fam/api]').status).to.equal('passed');
  });

  it('IPv4-only cluster: family 6 is an error saying what to do (never a pass, never a deny); family 4 works as before', async () => {
    const { cell, result } = await run(false, 'fam2');
    for (const id of ['v6-allowed', 'service-v6']) {
      const c = cell(id);
      expect(c.status, id).to.equal('error');
      expect(c.observed, id).to.equal(undefined);
      expect(c.message).to.match(/^cannot probe IPv6: .* has no IPv6 address in this cluster \(it has 10\.\d+\.0\.\d+\)/);
      expect(c.message).to.contain('remove family: 6');
    }
    expect(cell('v4-denied').status).to.equal('passed');
    // single-stack: one probe, the cell judged as before (no per-family parts)
    const both = cell('both-allowed');
    expect(both.families).to.equal(undefined);
    expect(both.status).to.equal('failed');
    expect(result.suites[0]?.errors).to.deep.equal([]);
  });
});
