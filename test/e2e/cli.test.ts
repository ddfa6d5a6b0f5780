/**
 * The CLI as a black box: exit codes, console output and report files of the commands that need no cluster.
 * (Live commands are exercised in test/live/.)
 */
import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-process.js';

const FIXTURES = 'test/fixtures/cli';
const CORPUS = 'test/fixtures/netpol-corpus';

function lineOf(file: string, needle: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`${needle} not found in ${file}`);
  return index + 1;
}

describe('CLI (as a process)', function () {
  this.timeout(60_000);
  let tmp: string;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'netpol-e2e-cli-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  describe('usage', () => {
    it('prints help with every command and exits 0', async () => {
      const r = await runCli(['--help']);
      expect(r.code).to.equal(0);
      for (const command of ['run', 'verify', 'explain', 'conformance', 'lint', 'cleanup']) expect(r.stdout).to.contain(command);
    });

    it('exits 2 without a command', async () => {
      const r = await runCli([]);
      expect(r.code).to.equal(2);
    });

    it('rejects an unknown command with exit 2 and the list of commands', async () => {
      const r = await runCli(['verfy', 'suites/']);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain("unknown command 'verfy'");
      expect(r.stderr).to.contain('verify');
    });

    it('rejects an unknown option with exit 2 and the usage line', async () => {
      const r = await runCli(['verify', '--junitt', 'x.xml', 'suites/']);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/junitt/);
      expect(r.stderr).to.contain('usage: netpol-e2e verify');
    });
  });

  describe('verify', () => {
    it('verifies every example suite (exit 0) and writes JUnit, JSON and Markdown', async () => {
      const junit = join(tmp, 'examples.xml');
      const json = join(tmp, 'examples.json');
      const markdown = join(tmp, 'examples.md');
      const r = await runCli(['verify', 'suites/', '--junit', junit, '--json', json, '--markdown', markdown]);
      expect(r.stderr).to.equal('');
      expect(r.code, r.stdout).to.equal(0);
      const report = JSON.parse(readFileSync(json, 'utf8')) as { counts: { total: number; failed: number; passed: number } };
      expect(report.counts.total).to.be.greaterThan(20);
      expect(report.counts.failed).to.equal(0);
      const xml = readFileSync(junit, 'utf8');
      expect((xml.match(/<testcase /g) ?? []).length).to.equal(report.counts.total);
      expect(xml).to.not.contain('<failure');
      expect(readFileSync(markdown, 'utf8')).to.contain(String(report.counts.total));
    });

    it('exits 1 on a wrong expectation, with a JUnit failure at the assertion line', async () => {
      const file = `${FIXTURES}/wrong-expectation.yaml`;
      const junit = join(tmp, 'wrong.xml');
      const r = await runCli(['verify', file, '--junit', junit]);
      expect(r.code).to.equal(1);
      expect(r.stdout).to.contain('cli-demo/other -> cli-demo/server');
      const xml = readFileSync(junit, 'utf8');
      const failing = /<testcase [^>]*name="cli-demo\/other -&gt; cli-demo\/server[^"]*"[^>]*>\s*<failure/.exec(xml);
      expect(failing, xml).to.not.equal(null);
      const testcase = failing?.[0] ?? '';
      expect(testcase).to.contain(`file="${file}"`);
      expect(testcase).to.contain(`line="${lineOf(file, 'id: other-to-server')}"`);
      expect(testcase).to.contain('classname="netpol-e2e.wrong-expectation.cli-demo"');
      // the passing assertion is a passing testcase
      expect(xml).to.match(/name="cli-demo\/client -&gt; cli-demo\/server[^"]*"/);
      expect((xml.match(/<failure/g) ?? []).length).to.equal(1);
    });

    it('rejects bad input with exit 2, every problem with file:line:col, and writes no report', async () => {
      const file = `${FIXTURES}/bad-input.yaml`;
      const junit = join(tmp, 'bad.xml');
      const r = await runCli(['verify', file, '--junit', junit]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain(`${file}:${lineOf(file, 'port: 70000')}:`);
      expect(r.stderr).to.contain(`${file}:${lineOf(file, '10.0.0.0/33')}:`);
      expect(r.stderr).to.contain(`${file}:${lineOf(file, 'cli-demo/nobody')}:`);
      expect(r.stderr).to.match(/70000/);
      expect(r.stderr).to.match(/nobody/);
      expect(() => readFileSync(junit)).to.throw();
    });

    it('exits 2 for a suite file that does not exist', async () => {
      const r = await runCli(['verify', 'no/such/suite.yaml']);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('no/such/suite.yaml');
    });
  });

  describe('explain', () => {
    it('says which policy denies and why', async () => {
      const r = await runCli([
        'explain',
        `${FIXTURES}/wrong-expectation.yaml`,
        '--from',
        'cli-demo/other',
        '--to',
        'cli-demo/server',
        '--port',
        'http',
      ]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('DENIED');
      expect(r.stdout).to.contain('cli-demo/server-allow-client');
    });

    it('says which rule allows', async () => {
      const r = await runCli(['explain', `${FIXTURES}/wrong-expectation.yaml`, '--from', 'cli-demo/client', '--to', 'cli-demo/server']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('ALLOWED');
      expect(r.stdout).to.match(/rule 1/);
    });

    it('explains a connection from an external source by its IP, and refuses a destination it cannot have', async () => {
      const suite = 'test/fixtures/suites/external-sources/external-sources.yaml';
      const denied = await runCli(['explain', suite, '--from', 'external:scanner', '--to', 'npe2e-extsrc/web']);
      expect(denied.code, denied.stderr).to.equal(0);
      expect(denied.stdout).to.contain('external scanner (198.19.77.11) -> npe2e-extsrc/web:http(8080)/TCP: DENIED');
      expect(denied.stdout).to.contain('no ingress rule admits external 198.19.77.11');
      const allowed = await runCli(['explain', suite, '--from', 'external:partner', '--to', 'npe2e-extsrc/web', '--step', '1']);
      expect(allowed.stdout).to.contain('ALLOWED');
      const refused = await runCli(['explain', suite, '--from', 'external:partner', '--to', 'external:scanner']);
      expect(refused.code).to.equal(2);
      expect(refused.stderr).to.contain('or a NodePort Service with externalTrafficPolicy: Local (svc:ns/name) can be explained');
      const unknown = await runCli(['explain', suite, '--from', 'external:nobody', '--to', 'npe2e-extsrc/web']);
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.contain('no such external; externals: partner, scanner');
    });

    it('explains a connection from an external source to a NodePort Service (each backend, by the client\'s IP), and refuses a ClusterIP one', async () => {
      const suite = 'test/fixtures/suites/external-sources/nodeport.yaml';
      const denied = await runCli(['explain', suite, '--from', 'external:scanner', '--to', 'svc:npe2e-extnp/web']);
      expect(denied.code, denied.stderr).to.equal(0);
      expect(denied.stdout).to.contain('external scanner (198.19.78.11) -> service npe2e-extnp/web via NodePort:80/TCP: DENIED');
      expect(denied.stdout).to.contain("externalTrafficPolicy Local keeps the client's address, so each backend sees 198.19.78.11");
      expect(denied.stdout).to.contain('no ingress rule admits external 198.19.78.11');
      const allowed = await runCli(['explain', suite, '--from', 'external:scanner', '--to', 'svc:npe2e-extnp/web', '--step', '1']);
      expect(allowed.stdout).to.contain('via NodePort:80/TCP: ALLOWED');
      // the same suite with ClusterIP Services (and its external assertions to the workloads, as the loader requires)
      const clusterIp = readFileSync(suite, 'utf8')
        .replaceAll('      type: NodePort\n      externalTrafficPolicy: Local\n', '')
        .replaceAll('to: {service: npe2e-extnp/web}', 'to: npe2e-extnp/web')
        .replace('to: {service: npe2e-extnp/admin}\n    port: 80\n', 'to: npe2e-extnp/admin\n    port: 8080\n');
      writeFileSync(join(tmp, 'clusterip.yaml'), clusterIp);
      const refused = await runCli(['explain', join(tmp, 'clusterip.yaml'), '--from', 'external:partner', '--to', 'svc:npe2e-extnp/web']);
      expect(refused.code).to.equal(2);
      expect(refused.stderr).to.contain('it is a ClusterIP Service, reachable only inside the cluster; declare it with type: NodePort and externalTrafficPolicy: Local');
    });

    it('judges a Service per backend', async () => {
      const r = await runCli(['explain', `${FIXTURES}/judge.yaml`, '--from', 'judge-demo/client', '--to', 'svc:judge-demo/web']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('MIXED');
      expect(r.stdout).to.contain('backend judge-demo/web-a (port 8080): allow');
      expect(r.stdout).to.contain('backend judge-demo/web-b (port 8080): deny');
    });

    it('explains every port of a multi-port Service when no --port is given (each with its backend)', async () => {
      const r = await runCli(['explain', `${FIXTURES}/explain.yaml`, '--from', 'explain-demo/client', '--to', 'svc:explain-demo/web']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('service explain-demo/web:80/TCP: ALLOWED');
      expect(r.stdout).to.contain('service explain-demo/web:9090/TCP: ALLOWED');
      expect(r.stdout).to.contain('backend explain-demo/web (port 9090): allow');
      expect(r.stdout).not.to.contain('no backend');
    });

    it('explains the cluster DNS pod as a destination (every port) and DNS lookups as dns assertions judge them', async () => {
      const pod = await runCli(['explain', `${FIXTURES}/explain.yaml`, '--from', 'explain-demo/client', '--to', 'kube-system/coredns']);
      expect(pod.code, pod.stderr).to.equal(0);
      expect(pod.stdout).to.contain('kube-system/coredns:dns(53)/UDP: ALLOWED');
      expect(pod.stdout).to.contain('allowed by explain-demo/client-egress egress rule 1 peer 1 port 1');
      expect(pod.stdout).to.contain('kube-system/coredns:metrics(9153)/TCP: DENIED');
      const lookup = await runCli(['explain', `${FIXTURES}/explain.yaml`, '--from', 'explain-demo/client', '--to', 'dns:web.explain-demo.svc.cluster.local']);
      expect(lookup.code, lookup.stderr).to.equal(0);
      expect(lookup.stdout).to.contain('explain-demo/client DNS lookup of web.explain-demo.svc.cluster.local: RESOLVES');
      const missing = await runCli(['explain', `${FIXTURES}/explain.yaml`, '--from', 'explain-demo/client', '--to', 'dns:nothing.explain-demo.svc.cluster.local']);
      expect(missing.stdout).to.contain(': NXDOMAIN');
      const blocked = await runCli(['explain', `${FIXTURES}/lint-findings.yaml`, '--from', 'lint-demo/web', '--to', 'dns:kubernetes.default']);
      expect(blocked.stdout).to.contain('lint-demo/web DNS lookup of kubernetes.default: BLOCKED');
    });

    it('explains external targets, by name and by address', async () => {
      const named = await runCli(['explain', `${FIXTURES}/explain.yaml`, '--from', 'explain-demo/client', '--to', 'external:partner']);
      expect(named.code, named.stderr).to.equal(0);
      expect(named.stdout).to.contain('external partner (203.0.113.10):443/TCP: ALLOWED');
      expect(named.stdout).to.contain('egress rule 3 peer 1 port 1');
      const address = await runCli(['explain', `${FIXTURES}/explain.yaml`, '--from', 'explain-demo/client', '--to', '198.51.100.7', '--port', '443']);
      expect(address.stdout).to.contain('external 198.51.100.7 (198.51.100.7):443/TCP: DENIED');
    });

    it('rejects an unknown workload with exit 2 and the list of workloads', async () => {
      const r = await runCli(['explain', `${FIXTURES}/wrong-expectation.yaml`, '--from', 'cli-demo/nobody', '--to', 'cli-demo/server']);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('cli-demo/client');
    });
  });

  describe('conformance', () => {
    it('passes the whole corpus with the model (exit 0), one testcase per case step and probe', async () => {
      const junit = join(tmp, 'corpus.xml');
      const r = await runCli(['conformance', CORPUS, '--junit', junit]);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      const xml = readFileSync(junit, 'utf8');
      expect((xml.match(/<testsuite /g) ?? []).length).to.equal(36);
      expect(xml).to.not.contain('<failure');
      expect(xml).to.contain('e2e-allow-all');
    });

    it('rejects a malformed case with exit 2, naming the file and line', async () => {
      const dir = join(tmp, 'corpus-bad');
      cpSync(CORPUS, dir, { recursive: true });
      const caseFile = join(dir, 'cases', 'e2e-allow-all.yaml');
      const text = readFileSync(caseFile, 'utf8').replace(/protocol: TCP/, 'protocol: ICMP');
      writeFileSync(caseFile, text);
      const line = text.split('\n').findIndex((l) => l.includes('protocol: ICMP')) + 1;
      const r = await runCli(['conformance', dir]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain(`e2e-allow-all.yaml:${line}:`);
    });
  });

  describe('lint', () => {
    it('reports each finding with its rule and position (exit 1)', async () => {
      const file = `${FIXTURES}/lint-findings.yaml`;
      const r = await runCli(['lint', file]);
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stdout).to.contain('[namespace-wildcard]');
      expect(r.stdout).to.contain('[ipblock-any]');
      expect(r.stdout).to.contain('[selects-nothing] lint-demo/typo-selector');
      expect(r.stdout).to.contain('[dns-egress-denied]');
    });

    it('points each finding at the field, not at the start of the policy', async () => {
      const file = `${FIXTURES}/lint-findings.yaml`;
      const policyFile = `${FIXTURES}/lint-policies/api-egress.yaml`;
      const r = await runCli(['lint', file]);
      const at = (f: string, needle: string, value: string): string => {
        const line = lineOf(f, needle);
        const text = readFileSync(f, 'utf8').split('\n')[line - 1] as string;
        return `${f}:${line}:${text.indexOf(value) + 1}:`;
      };
      const lines = r.stdout.split('\n');
      const finding = (rule: string, policy: string): string => lines.find((l) => l.includes(`[${rule}] ${policy}`)) ?? `no ${rule} finding for ${policy}`;
      expect(finding('namespace-wildcard', 'lint-demo/api-from-anywhere')).to.contain(at(file, 'namespaceSelector: {}', '{}'));
      expect(finding('ipblock-any', 'lint-demo/web-egress-deny')).to.contain(at(file, 'cidr: 0.0.0.0/0', '0.0.0.0/0'));
      expect(finding('selects-nothing', 'lint-demo/typo-selector')).to.contain(at(file, '{app: apii}', '{matchLabels'));
      expect(finding('ipblock-any', 'lint-demo/api-egress-anywhere')).to.contain(at(policyFile, 'cidr: ::/0', '::/0'));
    });

    it('warns about an external target with a public address, at the external', async () => {
      const file = `${FIXTURES}/public-external.yaml`;
      const r = await runCli(['lint', file]);
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stdout).to.contain(`${file}:${lineOf(file, 'ip: 8.8.8.8')}:7: warning [public-external] external "resolver" has the public address 8.8.8.8`);
      expect(r.stdout).not.to.contain('"partner"');
    });

        it('--disable silences rules', async () => {
      const r = await runCli([
        'lint',
        `${FIXTURES}/lint-findings.yaml`,
        '--disable',
        'namespace-wildcard,ipblock-any,selects-nothing,dns-egress-denied,unexercised,public-external',
      ]);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.contain('no findings');
    });
  });
});
