import path from 'node:path';
import { expect } from 'chai';
import { loadSuite, loadSuites } from '../../../src/suite/index.js';
import type { ConnectAssertion, DnsAssertion, MatrixAssertion, Suite } from '../../../src/suite/index.js';
import { at, inputIssues, issueWith, MINIMAL_SUITE, REPO_ROOT, tempTree } from './helpers.js';

const EXAMPLES = path.join(REPO_ROOT, 'suites');

describe('suite/load-suite', () => {
  describe('the example suites', () => {
    let suites: Suite[];
    before(async () => {
      suites = await loadSuites([EXAMPLES]);
    });

    it('all load, sorted by file name, with unique names', () => {
      expect(suites.map((s) => s.name)).to.deep.equal([
        'default-deny', 'egress-guardrails', 'env-isolation', 'monitoring-scrape', 'named-ports', 'rollout', 'three-tier',
      ]);
      for (const suite of suites) {
        expect(path.isAbsolute(suite.file)).to.equal(true);
        expect(suite.displayFile).to.equal(path.join(EXAMPLES, `${suite.name}.yaml`));
        expect(suite.description, suite.name).to.be.a('string');
      }
    });

    it('read policies from multi-document files, with document index and position', () => {
      const suite = suites.find((s) => s.name === 'default-deny') as Suite;
      const [initial] = suite.steps;
      expect(initial?.name).to.equal('initial');
      expect(initial?.apply.map((p) => `${p.policy.metadata.namespace}/${p.policy.metadata.name}`)).to.deep.equal([
        'payments/default-deny-all', 'orders/default-deny-all', 'payments/allow-dns-egress', 'orders/allow-dns-egress',
      ]);
      const second = initial?.apply[1];
      expect(second?.source.file).to.equal(path.join(EXAMPLES, 'default-deny/default-deny-all.yaml'));
      expect(second?.source.document).to.equal(1);
      expect(second?.source.position.line).to.equal(12);
    });

    it('turn steps into cumulative stages with complete label sets', () => {
      const rollout = suites.find((s) => s.name === 'rollout') as Suite;
      expect(rollout.steps.map((s) => s.name)).to.deep.equal(['initial', 'default deny', 'allow frontends', 'relabel legacy-ui', 'retire the allow']);
      expect(rollout.steps.map((s) => s.index)).to.deep.equal([0, 1, 2, 3, 4]);
      expect(rollout.steps[3]?.labels).to.deep.equal({ namespaces: {}, workloads: { 'checkout/legacy-ui': { app: 'legacy-ui', role: 'frontend' } } });
      expect(rollout.steps[4]?.delete.map((d) => `${d.namespace}/${d.name}`)).to.deep.equal(['checkout/allow-frontend-to-api']);
      expect(rollout.steps[0]?.apply).to.deep.equal([]);
    });

    it('parse matrices with rows, columns, a skipped diagonal and the line of each row', () => {
      const suite = suites.find((s) => s.name === 'three-tier') as Suite;
      const matrix = suite.steps[0]?.assertions.find((a) => a.kind === 'matrix') as MatrixAssertion;
      expect(matrix.columns.map((c) => `${c.namespace}/${c.name}`)).to.deep.equal(['web/frontend', 'api/orders', 'api/batch']);
      expect(matrix.rows.map((c) => `${c.namespace}/${c.name}`)).to.deep.equal(['web/frontend', 'api/orders', 'api/batch', 'db/postgres']);
      expect(matrix.expected).to.deep.equal([
        ['skip', 'allow', 'deny'],
        ['allow', 'skip', 'deny'],
        ['allow', 'deny', 'skip'],
        ['allow', 'deny', 'deny'],
      ]);
      expect(matrix.port).to.equal(8080);
      expect(matrix.protocol).to.equal('TCP');
      expect(matrix.rowPositions.map((p) => `${p.line}:${p.column}`)).to.deep.equal(['66:9', '67:9', '68:9', '69:9']);
    });
  });

  describe('a suite in a temporary directory', () => {
    let cleanup: () => Promise<void> = async () => {};
    afterEach(async () => cleanup());

    async function suiteFile(body: string, files: Record<string, string> = {}, name = 'my_Suite.yaml'): Promise<string> {
      const tree = await tempTree({ [name]: body, ...files });
      cleanup = tree.cleanup;
      return path.join(tree.dir, name);
    }

    it('defaults the name to the file name, derives unique ids and resolves named-port protocols', async () => {
      const file = await suiteFile(`${MINIMAL_SUITE}assertions:
  - {from: prod/client, to: prod/api, port: 8080, expect: allow}
  - {from: prod/client, to: prod/api, port: 8080, expect: deny}
  - {id: prod-client-to-prod-api-8080-tcp-2, from: prod/client, to: prod/api, port: http, expect: allow}
  - {from: prod/client, to: prod/api, port: dns, expect: allow}
  - dns: {from: prod/client, name: api.prod.svc.cluster.local., expect: nxdomain}
`);
      const suite = await loadSuite(file);
      expect(suite.name).to.equal('my-suite');
      const assertions = suite.steps[0]?.assertions ?? [];
      expect(assertions.map((a) => a.id)).to.deep.equal([
        'prod-client-to-prod-api-8080-tcp',
        'prod-client-to-prod-api-8080-tcp-3',
        'prod-client-to-prod-api-8080-tcp-2',
        'prod-client-to-prod-api-dns-udp',
        'dns-prod-client-api.prod.svc.cluster.local',
      ]);
      const dnsPort = assertions[3] as ConnectAssertion;
      expect([dnsPort.port, dnsPort.protocol]).to.deep.equal(['dns', 'UDP']);
      expect((assertions[4] as DnsAssertion).expect).to.equal('nxdomain');
      expect(assertions[0]?.position.line).to.equal(16);
    });

    it('keeps a relative path relative in displayFile and positions', async () => {
      const file = await suiteFile(`${MINIMAL_SUITE}assertions:\n  - {from: prod/client, to: prod/api, port: 9999, expect: allow}\n`);
      const relative = path.relative(process.cwd(), file);
      const issue = issueWith(await inputIssues(loadSuite(relative)), 'does not serve 9999/TCP');
      expect(issue.position?.file).to.equal(relative);
      expect(at(issue)).to.equal('16:45');
      expect(issue.field).to.equal('assertions[0].port');
    });

    it('reads services, externals and every target form', async () => {
      const file = await suiteFile(`${MINIMAL_SUITE}  services:
    - {name: api, namespace: prod, workload: api, ports: [{port: 80, targetPort: http, name: web}, {port: 53, targetPort: 53, protocol: UDP, name: dns}]}
    - {name: by-selector, namespace: prod, selector: {app: api}, ports: [{port: 8080}]}
  externals:
    - {name: partner, ip: "2001:db8::10", ports: [{port: 443}, {port: 53, protocol: UDP}]}
assertions:
  - {from: prod/client, to: {workload: prod/api}, port: http, expect: allow}
  - {from: prod/client, to: {service: prod/api}, port: web, expect: allow}
  - {from: prod/client, to: {service: prod/api}, port: 53, protocol: UDP, expect: allow}
  - {from: prod/client, to: {service: prod/by-selector}, port: 8080, expect: allow}
  - {from: prod/client, to: {external: partner}, port: 53, protocol: UDP, expect: deny}
`);
      const suite = await loadSuite(file);
      expect(suite.fixture.services.map((s) => [s.name, s.selector, s.ports])).to.deep.equal([
        ['api', { app: 'api' }, [{ port: 80, targetPort: 'http', protocol: 'TCP', name: 'web' }, { port: 53, targetPort: 53, protocol: 'UDP', name: 'dns' }]],
        ['by-selector', { app: 'api' }, [{ port: 8080, targetPort: 8080, protocol: 'TCP' }]],
      ]);
      expect(suite.fixture.externals[0]).to.include({ name: 'partner', ip: '2001:db8::10' });
      const targets = (suite.steps[0]?.assertions ?? []).map((a) => (a as ConnectAssertion).to);
      expect(targets).to.deep.equal([
        { kind: 'workload', namespace: 'prod', name: 'api' },
        { kind: 'service', namespace: 'prod', name: 'api' },
        { kind: 'service', namespace: 'prod', name: 'api' },
        { kind: 'service', namespace: 'prod', name: 'by-selector' },
        { kind: 'external', name: 'partner' },
      ]);
      expect((suite.steps[0]?.assertions ?? []).map((a) => a.id)).to.include('prod-client-to-external-partner-53-udp');
    });

    it('strips the implied kubernetes.io/metadata.name label when it is given correctly', async () => {
      const file = await suiteFile(MINIMAL_SUITE.replace('labels: {env: prod}', 'labels: {env: prod, kubernetes.io/metadata.name: prod}') +
        'assertions: [{from: prod/client, to: prod/api, port: 8080, expect: allow}]\n');
      expect((await loadSuite(file)).fixture.namespaces[0]?.labels).to.deep.equal({ env: 'prod' });
    });

    it('loads policies from globs (sorted), Lists and inline objects; a file matched twice is applied once', async () => {
      const np = (name: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: prod}\nspec: {podSelector: {}}\n`;
      const file = await suiteFile(`${MINIMAL_SUITE}policies:
  - p/*.yaml
  - p/a.yaml
  - {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: inline, namespace: prod}}
assertions: [{from: prod/client, to: prod/api, port: 8080, expect: allow}]
`, {
        'p/b.yaml': `---\n# only comments\n---\n${np('b1')}---\n${np('b2')}\n---\n`,
        'p/a.yaml': np('a'),
        'p/list.yaml': `apiVersion: v1\nkind: List\nitems:\n  - ${np('l1').trimEnd().replace(/\n/g, '\n    ')}\n`,
      });
      const suite = await loadSuite(file);
      const apply = suite.steps[0]?.apply ?? [];
      expect(apply.map((p) => p.policy.metadata.name)).to.deep.equal(['a', 'b1', 'b2', 'l1', 'inline']);
      expect(apply.map((p) => p.source.document)).to.deep.equal([0, 1, 2, 0, 0]);
      expect(path.basename(apply[4]?.source.file ?? '')).to.equal('my_Suite.yaml');
      expect(apply[4]?.source.position.line).to.equal(18);
      expect(apply[4]?.policy.spec).to.deep.equal({ podSelector: {} });
    });

    it('tracks policies and labels across steps', async () => {
      const file = await suiteFile(`${MINIMAL_SUITE}policies:
  - {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: deny, namespace: prod}}
assertions: [{from: prod/client, to: prod/api, port: 8080, expect: deny}]
steps:
  - name: allow
    apply: [{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: allow, namespace: prod}, spec: {ingress: [{}]}}]
    labels:
      namespaces: {prod: {team: web, env: null}}
      workloads: {prod/api: {tier: backend}}
  - name: relabel again
    labels:
      namespaces: {prod: {env: staging}}
      workloads: {prod/api: {tier: null, app: api-v2}}
  - name: cleanup
    delete: [prod/deny, prod/allow]
    assertions: [{from: prod/client, to: prod/api, port: 8080, expect: allow}]
`);
      const suite = await loadSuite(file);
      expect(suite.steps[1]?.labels).to.deep.equal({ namespaces: { prod: { team: 'web' } }, workloads: { 'prod/api': { app: 'api', tier: 'backend' } } });
      expect(suite.steps[2]?.labels).to.deep.equal({ namespaces: { prod: { team: 'web', env: 'staging' } }, workloads: { 'prod/api': { app: 'api-v2' } } });
      expect(suite.steps[3]?.delete.map((d) => d.name)).to.deep.equal(['deny', 'allow']);
      expect(suite.steps[3]?.assertions[0]?.id).to.equal('prod-client-to-prod-api-8080-tcp-2');
      expect(suite.fixture.namespaces[0]?.labels).to.deep.equal({ env: 'prod' });
    });

    it('rejects what steps get wrong: reserved and empty steps, label removals, apply+delete, metadata.name changes', async () => {
      const file = await suiteFile(`${MINIMAL_SUITE}policies:
  - {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: deny, namespace: prod}}
assertions: [{from: prod/client, to: prod/api, port: 8080, expect: deny}]
steps:
  - name: initial
    assertions: [{from: prod/client, to: prod/api, port: 8080, expect: deny}]
  - name: nothing
  - name: bad labels
    apply: [{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: deny, namespace: prod}}]
    delete: [prod/deny, prod/deny, prod, 7]
    labels:
      namespaces: {prod: {kubernetes.io/metadata.name: x, absent: null, n: 1, "bad key": v}}
      workloads: {prod/api: "tier=backend"}
      pods: {}
`);
      const issues = await inputIssues(loadSuite(file));
      expect(at(issueWith(issues, 'reserved for the top-level'))).to.equal('19:11');
      expect(issueWith(issues, 'step "nothing" does nothing').field).to.equal('steps[1]');
      expect(issueWith(issues, 'both applied and deleted').field).to.equal('steps[2].delete[0]');
      expect(issueWith(issues, 'deleted twice').field).to.equal('steps[2].delete[1]');
      expect(issueWith(issues, 'found a string ("prod")').field).to.equal('steps[2].delete[2]');
      expect(issueWith(issues, 'found a number (7)').field).to.equal('steps[2].delete[3]');
      expect(issueWith(issues, 'cannot be changed').field).to.equal('steps[2].labels.namespaces.prod["kubernetes.io/metadata.name"]');
      expect(issueWith(issues, 'cannot remove label "absent"').message).to.contain('labels: env');
      expect(issueWith(issues, 'quote it: "1"').field).to.equal('steps[2].labels.namespaces.prod.n');
      expect(issueWith(issues, 'label key "bad key"').field).to.equal('steps[2].labels.namespaces.prod["bad key"]');
      expect(issueWith(issues, 'label changes of workload prod/api').message).to.contain('found a string');
      expect(issueWith(issues, 'unknown field "pods"').message).to.contain('the label changes');
      expect(issues).to.have.length(12);
    });

    it('rejects invalid fixture ports, names and addresses', async () => {
      const file = await suiteFile(`apiVersion: netpol-e2e/v1
kind: Suite
name: Bad_Name
fixture:
  namespaces: [{name: prod}, {name: Dev}, {name: default}]
  workloads:
    - {name: a, namespace: prod, labels: {app: a}, ports: [{port: 0}, {port: 80, name: HTTP_1}, {port: 81, name: metrics-port-too-long}, {port: 82, protocol: ICMP}]}
    - {name: b_1, namespace: prod, ports: [{port: 80, protocol: udp}]}
  services:
    - {name: 1svc, namespace: prod, selector: {app: nothing}, ports: [{port: 80}]}
    - {name: svc, namespace: prod, workload: a, selector: {app: a}, ports: []}
    - {name: svc2, namespace: prod, workload: dev/a, ports: [{port: 80, targetPort: 0, name: Web}]}
  externals:
    - {name: ext, ip: 203.0.113.300, ports: [{port: 80}]}
assertions: [{dns: {from: prod/a, name: kubernetes.default, expect: resolves}}]
`);
      const issues = await inputIssues(loadSuite(file));
      expect(issues.map((i) => `${at(i)} ${i.field}`)).to.deep.equal([
        '3:7 name',
        '5:37 fixture.namespaces[1].name',
        '5:50 fixture.namespaces[2].name',
        '7:67 fixture.workloads[0].ports[0].port',
        '7:88 fixture.workloads[0].ports[1].name',
        '7:114 fixture.workloads[0].ports[2].name',
        '7:159 fixture.workloads[0].ports[3].protocol',
        '8:14 fixture.workloads[1].name',
        '8:65 fixture.workloads[1].ports[0].protocol',
        '10:14 fixture.services[0].name',
        '10:47 fixture.services[0].selector',
        '11:59 fixture.services[1].selector',
        '11:76 fixture.services[1].ports',
        '12:47 fixture.services[2].workload',
        '12:94 fixture.services[2].ports[0].name',
        '12:85 fixture.services[2].ports[0].targetPort',
        '14:23 fixture.externals[0].ip',
      ]);
      expect(issueWith(issues, 'suite name "Bad_Name"').message).to.contain('DNS-1123 label');
      expect(issueWith(issues, '"default" already exists').field).to.equal('fixture.namespaces[2].name');
      expect(issueWith(issues, 'the port number must be from 1 to 65535, found 0').field).to.equal('fixture.workloads[0].ports[0].port');
      expect(issueWith(issues, 'port name "metrics-port-too-long" must be at most 15 characters').field).to.equal('fixture.workloads[0].ports[2].name');
      expect(issueWith(issues, '(values are case-sensitive: write "UDP")').field).to.equal('fixture.workloads[1].ports[0].protocol');
      expect(issueWith(issues, 'selects no workload of namespace prod').field).to.equal('fixture.services[0].selector');
      expect(issueWith(issues, 'either "workload"').field).to.equal('fixture.services[1].selector');
      expect(issueWith(issues, 'selects workloads of its own namespace (prod)').field).to.equal('fixture.services[2].workload');
      expect(issueWith(issues, '"203.0.113.300" is not a literal IPv4 or IPv6 address').field).to.equal('fixture.externals[0].ip');
    });

    it('reads the pod network as CIDRs, and points at each one that is not', async () => {
      const good = await loadSuite(
        await suiteFile(`apiVersion: netpol-e2e/v1
kind: Suite
name: net
fixture:
  namespaces: [{name: prod}]
  workloads: [{name: a, namespace: prod, ports: [{port: 80}]}]
  podNetwork: [10.244.0.0/16, "fd00:10:244::/56"]
assertions: [{dns: {from: prod/a, name: kubernetes.default, expect: resolves}}]
`),
      );
      expect(good.fixture.podNetwork).to.deep.equal(['10.244.0.0/16', 'fd00:10:244::/56']);
      const file = await suiteFile(`apiVersion: netpol-e2e/v1
kind: Suite
name: net
fixture:
  namespaces: [{name: prod}]
  workloads: [{name: a, namespace: prod, ports: [{port: 80}]}]
  podNetwork: [10.244.0.0, 10.244.0.0/33, 42]
assertions: [{dns: {from: prod/a, name: kubernetes.default, expect: resolves}}]
`);
      const issues = await inputIssues(loadSuite(file));
      expect(issues.map((i) => `${at(i)} ${i.field}`)).to.deep.equal([
        '7:16 fixture.podNetwork[0]',
        '7:28 fixture.podNetwork[1]',
        '7:43 fixture.podNetwork[2]',
      ]);
      expect(issues[0]?.message).to.equal('pod network "10.244.0.0" must be a CIDR (address/prefix-length); for a single address write 10.244.0.0/32');
      expect(issues[1]?.message).to.contain('invalid prefix length "/33"');
      expect(issues[2]?.message).to.contain('expected a CIDR such as 10.244.0.0/16 (a string), found');
    });

    it('requires at least one assertion', async () => {
      const file = await suiteFile(MINIMAL_SUITE);
      expect(issueWith(await inputIssues(loadSuite(file)), 'has no assertions').position?.line).to.equal(1);
    });

    it('says so in one problem when a file given as a suite is another manifest', async () => {
      const file = await suiteFile('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: prod}\n');
      const issues = await inputIssues(loadSuite(file));
      expect(issues).to.have.length(1);
      expect(at(issues[0] ?? { message: '' })).to.equal('2:7');
      expect(issues[0]?.message).to.contain('is not a suite but a NetworkPolicy');
    });

    it('reports an empty suite file, a missing one and extra documents', async () => {
      const empty = await suiteFile('# nothing yet\n');
      expect((await inputIssues(loadSuite(empty)))[0]?.message).to.contain('is empty');
      expect((await inputIssues(loadSuite(`${empty}.missing`)))[0]?.message).to.contain('does not exist');
      const two = await suiteFile(`${MINIMAL_SUITE}assertions: [{from: prod/client, to: prod/api, port: 8080, expect: allow}]\n---\nkind: NetworkPolicy\n`);
      expect(at(issueWith(await inputIssues(loadSuite(two)), 'holds one YAML document'))).to.equal('17:1');
    });
  });

  describe('loadSuites', () => {
    it('takes every suite of a directory, skips other YAML, and aggregates the problems of all suites', async () => {
      const good = `${MINIMAL_SUITE}assertions: [{from: prod/client, to: prod/api, port: 8080, expect: allow}]\n`;
      const { dir, cleanup } = await tempTree({
        'a.yaml': good.replace('kind: Suite', 'kind: Suite\nname: same'),
        'b.yml': good.replace('kind: Suite', 'kind: Suite\nname: same'),
        'c.yaml': good.replace('port: 8080, expect', 'port: 8081, expect'),
        'd.yaml': 'apiVersion: netpol-e2e/v1\nkind: Suite\nfixture: [oops\n',
        'policy.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n',
        'notes.txt': 'kind: Suite',
        'sub/e.yaml': good,
      });
      try {
        const issues = await inputIssues(loadSuites([dir, path.join(dir, 'a.yaml'), path.join(dir, 'missing.yaml')]));
        expect(issueWith(issues, 'suite path').message).to.contain('missing.yaml" does not exist');
        expect(issueWith(issues, 'suite name "same"').position?.file).to.equal(path.join(dir, 'b.yml'));
        expect(issueWith(issues, 'does not serve 8081/TCP').position?.file).to.equal(path.join(dir, 'c.yaml'));
        expect(issueWith(issues, 'YAML syntax error').position?.file).to.equal(path.join(dir, 'd.yaml'));
        expect(issues).to.have.length(4);
        const suites = await loadSuites([path.join(dir, 'a.yaml'), path.join(dir, 'sub')]);
        expect(suites.map((s) => s.name)).to.deep.equal(['same', 'e']);
      } finally {
        await cleanup();
      }
    });

    it('reports a directory without suites', async () => {
      const { dir, cleanup } = await tempTree({ 'policy.yaml': 'kind: NetworkPolicy\n' });
      try {
        expect((await inputIssues(loadSuites([dir])))[0]?.message).to.contain('contains no suite file');
      } finally {
        await cleanup();
      }
    });
  });
});
