/**
 * Every class of user mistake, each from a fixture under test/fixtures/suites, with the exact position, field and
 * message the user sees. All problems of a file are reported together.
 */
import path from 'node:path';
import { expect } from 'chai';
import { loadSuite } from '../../../src/suite/index.js';
import type { InputIssue } from '../../../src/util/errors.js';
import { at, FIXTURES, inputIssues, issueWith } from './helpers.js';

async function issuesOf(name: string): Promise<readonly InputIssue[]> {
  return inputIssues(loadSuite(path.join(FIXTURES, name)));
}

/** `line:col field: message` of every issue, compact enough to compare whole lists. */
function summary(issues: readonly InputIssue[]): string[] {
  return issues.map((i) => `${at(i)} ${i.field ?? '-'}: ${i.message}`);
}

describe('suite/errors (fixtures)', () => {
  it('YAML syntax errors, with their position', async () => {
    const issues = await issuesOf('yaml-syntax.yaml');
    expect(summary(issues)).to.deep.equal(['6:1 -: YAML syntax error: All mapping items must start at the same column']);
    expect(issues[0]?.position?.file).to.equal(path.join(FIXTURES, 'yaml-syntax.yaml'));
  });

  it('unknown fields everywhere, including inside policies, with "did you mean"', async () => {
    expect(summary(await issuesOf('unknown-fields.yaml'))).to.deep.equal([
      '3:1 fixtures: unknown field "fixtures" in a suite; did you mean "fixture"?',
      '9:7 fixture.workloads[0].namspace: unknown field "namspace" in a workload; did you mean "namespace"?',
      '17:7 policies[0].spec.podselector: unknown field "podselector" in the policy spec; did you mean "podSelector"?',
      '22:5 assertions[0].expct: unknown field "expct" in a connect assertion; did you mean "expect"?',
      // A connection from a workload to itself is never asserted (it does not leave the pod).
      "20:9 assertions[0].to: the assertion connects prod/a to itself: NetworkPolicy never filters a pod's traffic to itself (it does not leave the pod), so this is never asserted; name another destination",
    ]);
  });

  it('wrong types, with a hint where YAML typed a value unexpectedly', async () => {
    const issues = await issuesOf('wrong-types.yaml');
    expect(at(issueWith(issues, 'expected the fixture namespaces (a list), found a map'))).to.equal('4:15');
    expect(issueWith(issues, 'found a number (2); quote it: "2"').field).to.equal('fixture.workloads[0].labels.version');
    expect(issueWith(issues, 'found a boolean (true); quote it: "true"').field).to.equal('fixture.workloads[0].labels.canary');
    expect(at(issueWith(issues, 'found a string ("8080"); write the number without quotes'))).to.equal('9:22');
    expect(at(issueWith(issues, 'found a decimal number (80.5)'))).to.equal('9:38');
    expect(issueWith(issues, 'found a list of 1 item').field).to.equal('assertions[0].from');
    expect(issueWith(issues, 'one of allow, deny; found a string ("yes")').field).to.equal('assertions[0].expect');
  });

  it('missing required fields, at the map that lacks them', async () => {
    expect(summary(await issuesOf('missing-required.yaml'))).to.deep.equal([
      '1:1 apiVersion: missing required field "apiVersion": "netpol-e2e/v1"',
      '4:7 fixture.namespaces[0].name: missing required field "name": the namespace name',
      '7:7 fixture.workloads[0].namespace: missing required field "namespace": the namespace (a fixture namespace)',
      '8:15 fixture.workloads[0].ports[0].port: missing required field "port": the port number',
      '13:5 assertions[0].expect: missing required field "expect": the expectation, one of allow, deny',
      '16:10 assertions[1].dns.name: missing required field "name": the name to look up, e.g. api.prod.svc.cluster.local',
      '16:10 assertions[1].dns.expect: missing required field "expect": the expected lookup result, one of resolves, nxdomain, blocked',
    ]);
  });

  it('references to undefined namespaces, workloads, services, externals and policies', async () => {
    expect(summary(await issuesOf('bad-references.yaml'))).to.deep.equal([
      '12:18 fixture.workloads[1].namespace: namespace "staging" is not declared in fixture.namespaces (declared: prod); add it there',
      '17:17 fixture.services[0].workload: workload "fronted" is not a workload of namespace prod (workloads there: frontend)',
      '20:11 assertions[0].from: source "from" "prod/fronted" is not a workload of the fixture; did you mean "prod/frontend"?',
      '24:11 assertions[1].from: expected source "from" as "<namespace>/<workload>", found "frontend"; did you mean "prod/frontend"?',
      '25:19 assertions[1].to.service: destination service "prod/missing" is not a service of the fixture; declare it in fixture.services',
      '29:20 assertions[2].to.external: destination external "partner" is not an external of the fixture; declare it in fixture.externals',
      '33:9 assertions[3].to: destination "to" kube-system/coredns is in kube-system, which the suite does not control; the cluster DNS is implicit: test it with a dns assertion',
      '38:14 steps[0].delete[0]: policy prod/never-applied does not exist at this step, so it cannot be deleted (existing policies: none)',
      '40:20 steps[0].labels.namespaces.dev: namespace "dev" is not a fixture namespace (declared: prod)',
      '41:19 steps[0].labels.workloads["prod/backend"]: "prod/backend" is not a fixture workload; use "<namespace>/<workload>" (workloads: prod/frontend)',
    ]);
  });

  it('duplicate names, ports, ids, step names and policies in one stage', async () => {
    const issues = await issuesOf('duplicates.yaml');
    expect(summary(issues)).to.deep.equal([
      '6:13 fixture.namespaces[1].name: namespace "prod" is declared twice',
      '8:91 fixture.workloads[0].ports[1].port: port 80/TCP is listed twice in this workload',
      '8:113 fixture.workloads[0].ports[2].name: port name "http" is used twice in this workload',
      '9:14 fixture.workloads[1].name: workload "a" is declared twice in namespace prod',
      '12:14 fixture.services[1].name: service "svc" is declared twice in namespace prod',
      '15:14 fixture.externals[1].name: external "ext" is declared twice',
      '16:25 fixture.externals[2].ip: externals "ext" and "other" have the same ip 192.0.2.1; give each its own address',
      `19:5 -: policy prod/p is defined twice; the first definition is at ${path.join(FIXTURES, 'duplicates.yaml')}:18:5 and both are applied in step "initial"; rename one or remove it`,
      '26:11 steps[1].name: step name "again" is used twice; step names must be unique',
      `22:10 assertions[1].id: assertion id "same" is used twice (first at ${path.join(FIXTURES, 'duplicates.yaml')}:21:5); ids must be unique in the suite`,
    ]);
  });

  it('invalid label keys and values, in the fixture and in policy selectors', async () => {
    const issues = await issuesOf('bad-labels.yaml');
    expect(issues.map((i) => `${at(i)} ${i.field}`)).to.deep.equal([
      '7:9 fixture.namespaces[0].labels["-bad"]',
      '8:25 fixture.namespaces[0].labels["example.com/ok"]',
      '9:9 fixture.namespaces[0].labels["UPPER.example.com/name"]',
      '10:9 fixture.namespaces[0].labels["a/b/c"]',
      '11:38 fixture.namespaces[0].labels["kubernetes.io/metadata.name"]',
      '15:21 fixture.workloads[0].labels.app',
      '23:23 policies[0].spec.podSelector.matchLabels["app name"]',
    ]);
    expect(issueWith(issues, '"UPPER.example.com"').message).to.contain('invalid prefix');
    expect(issueWith(issues, '"value with spaces"').message).to.contain('must be empty or consist of');
    expect(issueWith(issues, 'it has 69').field).to.equal('fixture.workloads[0].labels.app');
    expect(issueWith(issues, 'always the namespace name').message).to.contain('remove it (it is implied)');
  });

  describe('policy files', () => {
    let issues: readonly InputIssue[];
    before(async () => {
      issues = await issuesOf('bad-policy-suite.yaml');
    });
    const inFile = (name: string) => issues.filter((i) => i.position?.file === path.join(FIXTURES, 'policies', name));

    it('report positions in the policy file, with the field path inside the policy', () => {
      expect(summary(inFile('bad-ports.yaml'))).to.deep.equal([
        '8:16 spec.policyTypes: may not list more than two policy types (Ingress, Egress); found 3',
        '8:26 spec.policyTypes[1]: expected a policy type, one of Ingress, Egress; found a string ("ingress") (values are case-sensitive: write "Ingress")',
        '8:35 spec.policyTypes[2]: policy type Ingress is listed twice',
        '11:17 spec.ingress[0].ports[0].port: port must be from 1 to 65535, found 0',
        '12:17 spec.ingress[0].ports[1].port: port must be from 1 to 65535, found 70000',
        '13:33 spec.ingress[0].ports[2].endPort: endPort (8000) must be greater than or equal to port (8080)',
        '14:33 spec.ingress[0].ports[3].endPort: endPort may not be specified when port is a named port ("http"); use a numeric port',
        '15:21 spec.ingress[0].ports[4].endPort: endPort may not be specified when port is not specified; add a numeric port as the start of the range',
        '16:18 spec.ingress[0].ports[5].port: named port "Http_Port" must contain only lower-case letters, digits and "-"',
        '17:32 spec.ingress[0].ports[6].protocol: expected a protocol, one of TCP, UDP, SCTP; found a string ("tcp") (values are case-sensitive: write "TCP")',
        '18:32 spec.ingress[0].ports[7].protocol: expected a protocol, one of TCP, UDP, SCTP; found a string ("ICMP")',
      ]);
    });

    it('catch invalid CIDRs, excepts outside their cidr, and ipBlock combined with selectors', () => {
      expect(summary(inFile('bad-peers.yaml'))).to.deep.equal([
        '10:27 spec.egress[0].to[0].ipBlock.cidr: CIDR "10.0.0.0/33" has an invalid prefix length "/33"; expected 0 to 32 for IPv4',
        '11:48 spec.egress[0].to[1].ipBlock.except[0]: except "10.0.0.0/8" must be a strict subset of cidr "10.0.0.0/8" (inside it and smaller)',
        '11:60 spec.egress[0].to[1].ipBlock.except[1]: except "192.168.0.0/16" must be a strict subset of cidr "10.0.0.0/8" (inside it and smaller)',
        '11:89 spec.egress[0].to[1].ipBlock.except[3]: CIDR "10.2.0.0" must be a CIDR (address/prefix-length); for a single address write 10.2.0.0/32',
        '12:11 spec.egress[0].to[2]: a peer may not combine ipBlock with podSelector; split them into separate peers',
        '14:11 spec.egress[0].to[3]: a peer must specify podSelector, namespaceSelector or ipBlock (use podSelector: {} for every pod in the namespace)',
        '15:68 spec.egress[0].to[4].ipBlock.except[1]: except "2001:db9::/48" must be a strict subset of cidr "2001:db8::/32" (inside it and smaller)',
        '16:27 spec.egress[0].to[5].ipBlock.cidr: CIDR "010.0.0.0/8" has an IPv4 address with a leading zero ("010.0.0.0"), which is ambiguous; write the octets without leading zeros',
      ]);
    });

    it('catch unknown operators, In/NotIn without values, Exists with values', () => {
      expect(summary(inFile('bad-selectors.yaml'))).to.deep.equal([
        '9:30 spec.podSelector.matchExpressions[0].operator: expected a selector operator, one of In, NotIn, Exists, DoesNotExist; found a string ("Equals")',
        '10:30 spec.podSelector.matchExpressions[1].operator: values must be given (non-empty) when operator is In',
        '11:45 spec.podSelector.matchExpressions[2].values: values must be given (non-empty) when operator is NotIn',
        '12:46 spec.podSelector.matchExpressions[3].values: values may not be given when operator is Exists; remove them',
        '18:13 spec.ingress[0].from[0].namespaceSelector.matchExpression: unknown field "matchExpression" in the peer namespaceSelector; did you mean "matchExpressions"?',
      ]);
    });

    it('name the file, the document and the kind of every document that is not a v1 NetworkPolicy', () => {
      const messages = inFile('other-kinds.yaml').map((i) => `${at(i)} ${i.message}`);
      const file = path.join(FIXTURES, 'policies/other-kinds.yaml');
      expect(messages).to.deep.equal([
        `3:7 document 1 of 5 in ${file} is kind Deployment (apiVersion apps/v1); only networking.k8s.io/v1 NetworkPolicy objects are accepted: keep only NetworkPolicies in the files a suite names (move other manifests elsewhere)`,
        `8:7 document 3 of 5 in ${file} is kind GlobalNetworkPolicy (apiVersion crd.projectcalico.org/v1); only networking.k8s.io/v1 NetworkPolicy objects are accepted: netpol-e2e tests Kubernetes NetworkPolicies (networking.k8s.io/v1), not CNI-specific policy kinds`,
        `12:7 document 4 of 5 in ${file} is kind NetworkPolicy (apiVersion networking.k8s.io/v1beta1); only networking.k8s.io/v1 NetworkPolicy objects are accepted: change apiVersion to networking.k8s.io/v1 (the API version every supported Kubernetes release serves)`,
      ]);
    });

    it('check List items, including their namespace, with items[i] in the field path', () => {
      expect(summary(inFile('list.yaml'))).to.deep.equal([
        '10:22 items[1].metadata.name: policy name "In-Valid" must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit',
        '10:43 items[1].metadata.namespace: namespace "staging" of policy staging/In-Valid is not a fixture namespace (declared: prod); add it to fixture.namespaces',
      ]);
    });

    it('collect every problem of every file into one error', () => {
      expect(issues).to.have.length(29);
    });
  });

  it('policy files that do not exist, globs that match nothing, directories and non-strings', async () => {
    const issues = await issuesOf('missing-files.yaml');
    expect(issues.map((i) => `${at(i)} ${i.field}`)).to.deep.equal(['9:5 policies[0]', '10:5 policies[1]', '11:5 policies[2]', '12:5 policies[3]']);
    expect(issues[0]?.message).to.contain('policy file "policies/does-not-exist.yaml" does not exist');
    expect(issues[0]?.message).to.contain(path.join(FIXTURES, 'policies/does-not-exist.yaml'));
    expect(issues[1]?.message).to.contain('glob "nothing-here/*.yaml" matches no file');
    expect(issues[2]?.message).to.contain('is a directory');
    expect(issues[3]?.message).to.contain('found a number (42)');
  });

  it('policy namespaces: must be given, be a fixture namespace, never kube-system; reserved fixture namespaces', async () => {
    expect(summary(await issuesOf('policy-namespace.yaml'))).to.deep.equal([
      '6:13 fixture.namespaces[1].name: namespace "kube-public" already exists in every cluster; the harness never touches namespaces it did not create, so pick another name, or declare {name: kube-public, existing: true} to add the run\'s pods to it (the namespace itself is never changed)',
      '10:94 policies[0].metadata.namespace: policy kube-system/dns is in kube-system; suites may not put policies there: the harness never touches namespaces it did not create',
      '11:92 policies[1].metadata.namespace: namespace "staging" of policy staging/p is not a fixture namespace (declared: prod, kube-public); add it to fixture.namespaces',
      '12:71 policies[2].metadata.namespace: missing required field "namespace": the policy namespace (a policy file without one gets it from the suite, as with kubectl apply -n: policies: [{path: <file>, namespace: <namespace>}])',
    ]);
  });

  it('matrix tables: ragged rows, unknown symbols and workloads, duplicate rows and columns, unserved ports', async () => {
    expect(summary(await issuesOf('bad-matrix.yaml'))).to.deep.equal([
      '15:33 assertions[0].matrix.expected: matrix column "prod/x" is not a workload of the fixture; did you mean "prod/a"?',
      '17:9 assertions[0].matrix.expected: row prod/b has 2 cells, but the header has 3 columns',
      '18:9 assertions[0].matrix.expected: row prod/a appears twice',
      '18:19 assertions[0].matrix.expected: unknown symbol "Y" in row prod/a; use "." (allow), "X" (deny) or "?" / "-" (not asserted)',
      '23:25 assertions[1].matrix.expected: column prod/a appears twice in the header',
      '27:13 assertions[2].matrix.port: column workload prod/c does not serve 80/TCP; it serves 8080/TCP (web)',
      '32:34 assertions[3].matrix.expected: expected a table: a header line of "<namespace>/<workload>" columns, then one line per source row',
    ]);
  });

  it('DNS names that are not valid names, and unknown expectations', async () => {
    expect(summary(await issuesOf('bad-dns.yaml'))).to.deep.equal([
      '9:31 assertions[0].dns.name: DNS name "api..prod.svc" must not contain an empty label (two dots in a row, or a leading dot)',
      '10:31 assertions[1].dns.name: DNS name "-api.prod" has an invalid label "-api": use letters, digits, "-" and "_", not starting or ending with "-"',
      '11:31 assertions[2].dns.name: DNS name "api prod" has an invalid label "api prod": use letters, digits, "-" and "_", not starting or ending with "-"',
      '12:61 assertions[3].dns.expect: expected the expected lookup result, one of resolves, nxdomain, blocked; found a string ("answers")',
    ]);
  });

  it('ports the destination does not have or does not serve for the protocol, saying which it has', async () => {
    expect(summary(await issuesOf('bad-ports.yaml'))).to.deep.equal([
      '13:82 fixture.services[0].ports[0].targetPort: the service forwards to the port named "grpc" (TCP), but selected workload prod/api does not serve it (it serves 8080/TCP (http), 53/UDP (dns))',
      '17:15 fixture.services[1].ports[0].name: missing required field "name": a name for the port; a Service with more than one port must name each one',
      '17:68 fixture.services[1].ports[1].targetPort: the service forwards to port 9999/TCP, but selected workload prod/api does not serve it (it serves 8080/TCP (http), 53/UDP (dns))',
      '20:23 fixture.externals[1].ip: "10.0.0.0/8" is not a literal IPv4 or IPv6 address (give one address, not a CIDR)',
      '22:45 assertions[0].port: workload prod/api has no port named "grpc"; it serves 8080/TCP (http), 53/UDP (dns)',
      '23:45 assertions[1].port: workload prod/api does not serve 8080/UDP; it serves 8080/TCP (http), 53/UDP (dns)',
      '24:45 assertions[2].port: workload prod/api does not serve 9090/TCP; it serves 8080/TCP (http), 53/UDP (dns)',
      '25:45 assertions[3].port: port "dns" of workload prod/api is UDP, but protocol TCP was given',
      '26:45 assertions[4].port: port "8080" is quoted; write the number without quotes (a quoted port is read as a port name)',
      '27:56 assertions[5].port: external partner (203.0.113.10) has no port names; give the port number (it serves 443/TCP)',
      '28:56 assertions[6].port: external partner (203.0.113.10) does not serve 80/TCP; it serves 443/TCP',
      '29:57 assertions[7].port: service prod/api2 does not serve 8080/TCP; it serves 80/TCP, 81/TCP (other)',
      '30:29 assertions[8].to: the destination must give exactly one of workload, service or external; found workload and service',
    ]);
  });
});
