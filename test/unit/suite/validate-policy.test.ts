import { expect } from 'chai';
import { LineCounter, parseDocument } from 'yaml';
import { createYamlLocator, validatePolicyObject } from '../../../src/suite/index.js';
import { readPolicyObject } from '../../../src/suite/validate-policy.js';
import { fixedLocator, IssueList } from '../../../src/util/yaml/index.js';
import type { InputIssue } from '../../../src/util/errors.js';

const HERE = { file: 'inline', line: 1, column: 1 };

function policy(spec: unknown, metadata: Record<string, unknown> = { name: 'p', namespace: 'prod' }): Record<string, unknown> {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec };
}

function messages(issues: InputIssue[]): string[] {
  return issues.map((i) => `${i.field ?? ''}: ${i.message}`);
}

function only(issues: InputIssue[]): InputIssue {
  expect(issues, messages(issues).join('\n')).to.have.length(1);
  return issues[0] as InputIssue;
}

describe('suite/validate-policy', () => {
  it('accepts a complete valid policy and normalises it', () => {
    const value = policy({
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, podSelector: {} }], ports: [{ port: 'http' }, { port: 8000, endPort: 8080, protocol: 'UDP' }] }],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.169.254/32'] } }] }, { ports: [{ protocol: 'SCTP' }] }],
    }, { name: 'allow.api', namespace: 'prod', labels: { team: 'a' }, annotations: { 'example.com/why': 'because' }, uid: 'x', resourceVersion: '1' });
    expect(validatePolicyObject(value, HERE)).to.deep.equal([]);
    const read = readPolicyObject(IssueList.create(fixedLocator(HERE)), value);
    expect(read?.metadata).to.deep.equal({ name: 'allow.api', namespace: 'prod', labels: { team: 'a' }, annotations: { 'example.com/why': 'because' } });
    expect(read?.spec.egress?.[0]?.to?.[0]?.ipBlock?.except).to.deep.equal(['10.0.0.0/8', '169.254.169.254/32']);
  });

  it('defaults a missing spec and podSelector to {} (select every pod), as the API server does', () => {
    const read = readPolicyObject(IssueList.create(fixedLocator(HERE)), { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'prod' } });
    expect(read?.spec).to.deep.equal({ podSelector: {} });
  });

  it('reports other kinds and API versions with what to do', () => {
    expect(only(validatePolicyObject({ ...policy({}), kind: 'Deployment', apiVersion: 'apps/v1' }, HERE)).message).to.contain('found apps/v1 Deployment');
    expect(only(validatePolicyObject({ ...policy({}), apiVersion: 'networking.k8s.io/v1beta1' }, HERE)).message).to.contain('change apiVersion to networking.k8s.io/v1');
    expect(only(validatePolicyObject({ ...policy({}), kind: 'CiliumNetworkPolicy', apiVersion: 'cilium.io/v2' }, HERE)).message).to.contain('not CNI-specific policy kinds');
    expect(validatePolicyObject('text', HERE)[0]?.message).to.contain('expected a NetworkPolicy (a map), found a string');
  });

  it('requires metadata.name (a DNS subdomain) and metadata.namespace (a DNS label)', () => {
    expect(only(validatePolicyObject(policy({}, { namespace: 'prod' }), HERE)).field).to.equal('metadata.name');
    expect(only(validatePolicyObject(policy({}, { generateName: 'p-', namespace: 'prod' }), HERE)).message).to.contain('generateName is not supported');
    expect(only(validatePolicyObject(policy({}, { name: 'p' }), HERE)).field).to.equal('metadata.namespace');
    expect(only(validatePolicyObject(policy({}, { name: 'P_1', namespace: 'prod' }), HERE)).message).to.contain('DNS-1123 subdomain');
    expect(only(validatePolicyObject(policy({}, { name: 'p', namespace: 'prod.x' }), HERE)).message).to.contain('DNS-1123 label');
    expect(only(validatePolicyObject(policy({}, { name: 'p', namespace: 'prod', annotations: { 'bad key!': 'x' } }), HERE)).message).to.contain('annotation key');
  });

  it('reports unknown fields at every level with "did you mean"', () => {
    const issues = validatePolicyObject(policy({ podselector: {}, ingress: [{ form: [{ podSelector: {} }], ports: [{ prot: 'TCP', number: 80 }] }] }), HERE);
    expect(messages(issues)).to.deep.equal([
      'spec.podselector: unknown field "podselector" in the policy spec; did you mean "podSelector"?',
      'spec.ingress[0].form: unknown field "form" in an ingress rule; did you mean "from"?',
      'spec.ingress[0].ports[0].prot: unknown field "prot" in a policy port; did you mean "port"?',
      'spec.ingress[0].ports[0].number: unknown field "number" in a policy port; expected one of: protocol, port, endPort',
    ]);
  });

  it('checks ports: range, endPort rules, names and protocols', () => {
    const issues = validatePolicyObject(policy({ ingress: [{ ports: [
      { port: 0 }, { port: 65536 }, { port: 100, endPort: 99 }, { port: 'http', endPort: 90 }, { endPort: 90 },
      { port: 'HTTP' }, { protocol: 'tcp' }, { protocol: 'ICMP' }, { port: true }, { port: 1, endPort: 70000 },
    ] }] }), HERE);
    expect(messages(issues)).to.deep.equal([
      'spec.ingress[0].ports[0].port: port must be from 1 to 65535, found 0',
      'spec.ingress[0].ports[1].port: port must be from 1 to 65535, found 65536',
      'spec.ingress[0].ports[2].endPort: endPort (99) must be greater than or equal to port (100)',
      'spec.ingress[0].ports[3].endPort: endPort may not be specified when port is a named port ("http"); use a numeric port',
      'spec.ingress[0].ports[4].endPort: endPort may not be specified when port is not specified; add a numeric port as the start of the range',
      'spec.ingress[0].ports[5].port: named port "HTTP" must contain only lower-case letters, digits and "-"',
      'spec.ingress[0].ports[6].protocol: expected a protocol, one of TCP, UDP, SCTP; found a string ("tcp") (values are case-sensitive: write "TCP")',
      'spec.ingress[0].ports[7].protocol: expected a protocol, one of TCP, UDP, SCTP; found a string ("ICMP")',
      'spec.ingress[0].ports[8].port: expected a port number or a port name, found a boolean (true)',
      'spec.ingress[0].ports[9].endPort: endPort must be from 1 to 65535, found 70000',
    ]);
  });

  it('checks peers: at least one selector, ipBlock alone', () => {
    const issues = validatePolicyObject(policy({ egress: [{ to: [{}, { ipBlock: { cidr: '10.0.0.0/8' }, namespaceSelector: {}, podSelector: {} }] }] }), HERE);
    expect(messages(issues)).to.deep.equal([
      'spec.egress[0].to[0]: a peer must specify podSelector, namespaceSelector or ipBlock (use podSelector: {} for every pod in the namespace)',
      'spec.egress[0].to[1]: a peer may not combine ipBlock with podSelector and namespaceSelector; split them into separate peers',
    ]);
  });

  it('checks ipBlocks: valid CIDRs, each except strictly inside the cidr', () => {
    const block = (cidr: unknown, except?: unknown) => validatePolicyObject(policy({ ingress: [{ from: [{ ipBlock: except === undefined ? { cidr } : { cidr, except } }] }] }), HERE);
    expect(block('10.0.0.0/8', ['10.1.0.0/16', '10.255.255.255/32'])).to.deep.equal([]);
    expect(block('10.0.0.1/8', ['10.1.0.0/16'])).to.deep.equal([]); // host bits set: accepted, as by the API server
    expect(block('2001:db8::/32', ['2001:db8:ff::/48'])).to.deep.equal([]);
    expect(only(block('10.0.0.0/8', ['10.0.0.0/8'])).message).to.contain('strict subset');
    expect(only(block('10.0.0.0/16', ['10.0.0.0/8'])).message).to.contain('strict subset');
    expect(only(block('10.0.0.0/8', ['11.0.0.0/16'])).message).to.contain('strict subset');
    expect(only(block('0.0.0.0/0', ['::/1'])).message).to.contain('strict subset');
    expect(only(block('10.0.0.0/8', ['10.1.0.0/99'])).message).to.contain('invalid prefix length');
    expect(only(block('300.0.0.0/8')).message).to.contain('invalid IP address');
    expect(only(block(undefined)).message).to.contain('missing required field "cidr"');
    expect(only(block('10.0.0.0/8', 'x')).message).to.contain('expected the excepted CIDRs (a list)');
  });

  it('checks label selectors: operators, values, label syntax', () => {
    const issues = validatePolicyObject(policy({ podSelector: { matchLabels: { 'bad key': 'v', ok: 'bad value' }, matchExpressions: [
      { key: 'a', operator: 'Equals', values: ['x'] },
      { key: 'a', operator: 'In' },
      { key: 'a', operator: 'NotIn', values: [] },
      { key: 'a', operator: 'Exists', values: ['x'] },
      { key: 'a', operator: 'DoesNotExist', values: [] },
      { key: '-a', operator: 'In', values: ['-x', 1] },
      { operator: 'Exists' },
    ] } }), HERE);
    expect(messages(issues)).to.deep.equal([
      'spec.podSelector.matchLabels["bad key"]: label key "bad key" must consist of letters, digits, "-", "_" and ".", and start and end with a letter or digit (an optional DNS subdomain prefix and "/" may come first)',
      'spec.podSelector.matchLabels.ok: value "bad value" of label "ok" must be empty or consist of letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      'spec.podSelector.matchExpressions[0].operator: expected a selector operator, one of In, NotIn, Exists, DoesNotExist; found a string ("Equals")',
      'spec.podSelector.matchExpressions[1].operator: values must be given (non-empty) when operator is In',
      'spec.podSelector.matchExpressions[2].values: values must be given (non-empty) when operator is NotIn',
      'spec.podSelector.matchExpressions[3].values: values may not be given when operator is Exists; remove them',
      'spec.podSelector.matchExpressions[5].key: label key "-a" must consist of letters, digits, "-", "_" and ".", and start and end with a letter or digit (an optional DNS subdomain prefix and "/" may come first)',
      'spec.podSelector.matchExpressions[5].values[0]: value "-x" of label "-a" must be empty or consist of letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      'spec.podSelector.matchExpressions[5].values[1]: expected a label value (a string), found a number (1); quote it: "1"',
      'spec.podSelector.matchExpressions[6].key: missing required field "key": the label key',
    ]);
  });

  it('checks policyTypes: only Ingress and Egress, at most two, no duplicates', () => {
    expect(messages(validatePolicyObject(policy({ policyTypes: ['Ingress', 'Ingress'] }), HERE))).to.deep.equal(['spec.policyTypes[1]: policy type Ingress is listed twice']);
    expect(only(validatePolicyObject(policy({ policyTypes: ['egress'] }), HERE)).message).to.contain('write "Egress"');
    expect(validatePolicyObject(policy({ policyTypes: ['Ingress', 'Egress', 'Both'] }), HERE).map((i) => i.message)).to.include('may not list more than two policy types (Ingress, Egress); found 3');
    expect(only(validatePolicyObject(policy({ policyTypes: 'Ingress' }), HERE)).message).to.contain('(a list)');
  });

  it('points at the exact line and column through a YAML locator', () => {
    const text = [
      'apiVersion: networking.k8s.io/v1', // 1
      'kind: NetworkPolicy', // 2
      'metadata: {name: p, namespace: prod}', // 3
      'spec:', // 4
      '  podSelector: {}', // 5
      '  ingress:', // 6
      '    - ports:', // 7
      '        - port: 70000', // 8
      '      from:', // 9
      '        - ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/4]}', // 10
    ].join('\n');
    const lineCounter = new LineCounter();
    const document = parseDocument(text, { lineCounter });
    const locator = createYamlLocator('p.yaml', document, lineCounter, text);
    const issues = validatePolicyObject(document.toJS(), locator);
    expect(issues.map((i) => `${i.position?.file}:${i.position?.line}:${i.position?.column} ${i.field}`)).to.deep.equal([
      'p.yaml:8:17 spec.ingress[0].ports[0].port',
      'p.yaml:10:48 spec.ingress[0].from[0].ipBlock.except[0]',
    ]);
  });
});
