/** A failing DNS check is headed with the model's answer, and the diagnosis says which answer the fixture gives. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { verifySuites } from '../../../src/engine/verify.js';
import { describeVerdicts } from '../../../src/report/describe-cell.js';
import { diagnoseCell } from '../../../src/report/diagnose-cell.js';
import { loadSuite } from '../../../src/suite/index.js';

describe('report: DNS cells', () => {
  it('an NXDOMAIN check of a Service name reads "expected nxdomain, model resolves" and says why', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'netpol-dns-'));
    try {
      const file = path.join(dir, 'dns.yaml');
      await writeFile(file, `apiVersion: netpol-e2e/v1
kind: Suite
fixture:
  namespaces: [{name: prod}]
  workloads: [{name: a, namespace: prod, labels: {app: a}, ports: [{port: 80}]}]
  services: [{name: api, namespace: prod, selector: {app: a}, ports: [{port: 80}]}]
assertions:
  - dns: {from: prod/a, name: api.prod.svc.cluster.local, expect: nxdomain}
  - dns: {from: prod/a, name: nope.prod.svc.cluster.local, expect: resolves}
`);
      const [nxdomain, resolves] = verifySuites([await loadSuite(file)]).suites[0]?.cells ?? [];
      if (!nxdomain || !resolves) throw new Error('two cells');
      expect(nxdomain.status).to.equal('failed');
      expect(describeVerdicts(nxdomain)).to.equal('expected nxdomain, model resolves');
      expect(diagnoseCell(nxdomain)).to.contain('the lookup is allowed and the name resolves');
      expect(describeVerdicts(resolves)).to.equal('expected resolves, model nxdomain');
      expect(diagnoseCell(resolves)).to.contain('the name does not exist (NXDOMAIN)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
