/**
 * The API server's validation of networking.k8s.io/v1 NetworkPolicy objects (k8s.io/kubernetes
 * pkg/apis/networking/validation ValidateNetworkPolicy, with the apimachinery label selector and object meta
 * rules), plus strict field checking (unknown fields are errors, with "did you mean"), for policies from any
 * source: suite files, policy files, corpus cases, objects built in code.
 *
 * Differences from the API server, all stricter and each a likely mistake:
 * - metadata.namespace is required (a test must say where the policy lives) and metadata.generateName is refused;
 * - a policyType listed twice is an error;
 * - IPv4 addresses with leading zeros are refused (the API server warns about them and, with
 *   StrictIPCIDRValidation, rejects them).
 */
import { cidrWithin, describeCidrProblem, tryParseCidr } from '../model/index.js';
import { PROTOCOLS, type IPBlock, type LabelSelector, type LabelSelectorRequirement, type NetworkPolicy,
  type NetworkPolicyEgressRule, type NetworkPolicyIngressRule, type NetworkPolicyPeer, type NetworkPolicyPort,
  type PolicyType, type SelectorOperator } from '../model/index.js';
import type { InputIssue, SourcePosition } from '../util/index.js';
import {
  describeValue, fixedLocator, isPlainMap, IssueList, MapReader, readChoice, readInteger, readString, readStringMap,
  type FieldPath, type SourceLocator,
} from '../util/yaml/index.js';
import { checkLabelKey, checkLabels, checkLabelValue } from './check-labels.js';
import { dns1123LabelProblem, dns1123SubdomainProblem, portNameProblem, qualifiedNameProblem } from './k8s-names.js';

export const POLICY_API_VERSION = 'networking.k8s.io/v1';
export const POLICY_KIND = 'NetworkPolicy';

/** The fields the loader accepts at each level of a NetworkPolicy; the JSON schema test keeps the schema in step. */
export const POLICY_FIELDS = {
  policy: ['apiVersion', 'kind', 'metadata', 'spec'],
  /** ObjectMeta: name, namespace, labels and annotations are used; the others (as in `kubectl get -o yaml` output) are ignored. */
  metadata: [
    'name', 'namespace', 'labels', 'annotations', 'generateName', 'uid', 'resourceVersion', 'generation',
    'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'ownerReferences', 'finalizers',
    'managedFields', 'selfLink',
  ],
  spec: ['podSelector', 'policyTypes', 'ingress', 'egress'],
  ingressRule: ['ports', 'from'],
  egressRule: ['ports', 'to'],
  port: ['protocol', 'port', 'endPort'],
  peer: ['podSelector', 'namespaceSelector', 'ipBlock'],
  ipBlock: ['cidr', 'except'],
  labelSelector: ['matchLabels', 'matchExpressions'],
  requirement: ['key', 'operator', 'values'],
} as const satisfies Record<string, readonly string[]>;

const POLICY_TYPES: readonly PolicyType[] = ['Ingress', 'Egress'];
const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/**
 * Validates one NetworkPolicy object and returns every problem (empty when it is valid). `where` is either the
 * position to report everything at, or a locator that maps field paths (prefixed by `base`) to positions.
 */
export function validatePolicyObject(value: unknown, where: SourcePosition | SourceLocator, base: FieldPath = []): InputIssue[] {
  const locator = 'locate' in where ? where : fixedLocator(where);
  const issues = IssueList.create(locator, base);
  readPolicyObject(issues, value);
  return [...issues.issues];
}

/** `apps/v1 Deployment`, for messages about documents that are not NetworkPolicies. */
export function describeKind(value: unknown): string {
  if (!isPlainMap(value)) return describeValue(value);
  const apiVersion = typeof value['apiVersion'] === 'string' ? value['apiVersion'] : '(no apiVersion)';
  const kind = typeof value['kind'] === 'string' ? value['kind'] : '(no kind)';
  return `${apiVersion} ${kind}`;
}

/** True when the object declares itself a networking.k8s.io/v1 NetworkPolicy. */
export function isNetworkPolicyKind(value: unknown): boolean {
  return isPlainMap(value) && value['apiVersion'] === POLICY_API_VERSION && value['kind'] === POLICY_KIND;
}

/** What to do about a document of another kind. */
export function otherKindHint(value: unknown): string {
  const apiVersion = isPlainMap(value) ? value['apiVersion'] : undefined;
  const kind = isPlainMap(value) ? value['kind'] : undefined;
  if (kind === POLICY_KIND && typeof apiVersion === 'string' && apiVersion !== POLICY_API_VERSION) {
    return apiVersion.startsWith('networking.k8s.io/') || apiVersion.startsWith('extensions/')
      ? `change apiVersion to ${POLICY_API_VERSION} (the API version every supported Kubernetes release serves)`
      : `netpol-e2e tests Kubernetes NetworkPolicies (${POLICY_API_VERSION}), not CNI-specific policy kinds`;
  }
  if (typeof kind === 'string' && /NetworkPolicy$/.test(kind)) {
    return `netpol-e2e tests Kubernetes NetworkPolicies (${POLICY_API_VERSION}), not CNI-specific policy kinds`;
  }
  if (kind === undefined && apiVersion === undefined) {
    return `a NetworkPolicy needs apiVersion: ${POLICY_API_VERSION} and kind: ${POLICY_KIND}`;
  }
  return 'keep only NetworkPolicies in the files a suite names (move other manifests elsewhere)';
}

/**
 * Validates and normalises one NetworkPolicy: returns it typed (spec.podSelector defaulted to `{}`, ignored
 * metadata dropped) when no issue was found in it, otherwise undefined. Issues go to `issues`.
 */
export function readPolicyObject(issues: IssueList, value: unknown): NetworkPolicy | undefined {
  const before = issues.count;
  const root = MapReader.open(issues, [], value, 'a NetworkPolicy', POLICY_FIELDS.policy);
  if (!root) return undefined;
  const apiVersion = root.get('apiVersion');
  const kind = root.get('kind');
  if (apiVersion === undefined) root.missing('apiVersion', `"${POLICY_API_VERSION}"`);
  if (kind === undefined) root.missing('kind', `"${POLICY_KIND}"`);
  if ((apiVersion !== undefined || kind !== undefined) && !isNetworkPolicyKind(value)) {
    issues.add(apiVersion !== undefined ? ['apiVersion'] : ['kind'],
      `expected a ${POLICY_API_VERSION} ${POLICY_KIND}, found ${describeKind(value)}; ${otherKindHint(value)}`);
  }
  const metadata = readMetadata(root);
  const spec = readSpec(root);
  if (issues.count > before || !metadata || !spec) return undefined;
  return { apiVersion: POLICY_API_VERSION, kind: POLICY_KIND, metadata, spec };
}

function readMetadata(root: MapReader): NetworkPolicy['metadata'] | undefined {
  const meta = root.map('metadata', 'the policy metadata', POLICY_FIELDS.metadata, { required: true });
  if (!meta) return undefined;
  const name = meta.string('name', 'the policy name');
  if (name === undefined && !meta.has('name')) {
    meta.missing('name', 'the policy name (a DNS-1123 subdomain)',
      meta.has('generateName') ? 'generateName is not supported: a test needs a fixed name' : '');
  }
  if (name !== undefined) {
    const problem = dns1123SubdomainProblem(name);
    if (problem) meta.report('name', `policy name "${name}" ${problem}`);
  }
  const namespace = meta.string('namespace', 'the policy namespace (a policy file without one gets it from the suite, as with kubectl apply -n: policies: [{path: <file>, namespace: <namespace>}])', { required: true });
  if (namespace !== undefined) {
    const problem = dns1123LabelProblem(namespace);
    if (problem) meta.report('namespace', `namespace "${namespace}" ${problem}`);
  }
  const labels = meta.stringMap('labels', 'the policy labels');
  if (labels) checkLabels(meta.issues, meta.at('labels'), labels);
  const annotations = meta.stringMap('annotations', 'the policy annotations');
  if (annotations) checkAnnotations(meta, annotations);
  if (name === undefined || namespace === undefined) return undefined;
  const result: NetworkPolicy['metadata'] = { name, namespace };
  if (labels) result.labels = labels;
  if (annotations) result.annotations = annotations;
  return result;
}

function checkAnnotations(meta: MapReader, annotations: Record<string, string>): void {
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    size += key.length + value.length;
    const problem = qualifiedNameProblem(key.toLowerCase());
    if (problem) meta.issues.add(meta.at('annotations', key), `annotation key "${key}" ${problem}`, 'key');
  }
  if (size > MAX_ANNOTATIONS_BYTES) {
    meta.report('annotations', `annotations total ${size} bytes; at most ${MAX_ANNOTATIONS_BYTES} are allowed`);
  }
}

function readSpec(root: MapReader): NetworkPolicy['spec'] | undefined {
  const specValue = root.get('spec');
  const spec = specValue === undefined ? undefined : MapReader.open(root.issues, root.at('spec'), specValue, 'the policy spec', POLICY_FIELDS.spec);
  if (specValue !== undefined && !spec) return undefined;
  const result: NetworkPolicy['spec'] = { podSelector: {} };
  if (!spec) return result;
  if (spec.has('podSelector')) {
    const selector = readLabelSelector(spec.issues, spec.at('podSelector'), spec.get('podSelector'), 'the policy podSelector');
    if (selector) result.podSelector = selector;
  }
  const policyTypes = readPolicyTypes(spec);
  if (policyTypes) result.policyTypes = policyTypes;
  const ingress = spec.list('ingress', 'the ingress rules');
  if (ingress) {
    result.ingress = ingress.flatMap((rule, i) => {
      const read = readRule(spec.issues, spec.at('ingress', i), rule, 'ingress');
      return read ? [read as NetworkPolicyIngressRule] : [];
    });
  }
  const egress = spec.list('egress', 'the egress rules');
  if (egress) {
    result.egress = egress.flatMap((rule, i) => {
      const read = readRule(spec.issues, spec.at('egress', i), rule, 'egress');
      return read ? [read as NetworkPolicyEgressRule] : [];
    });
  }
  return result;
}

function readPolicyTypes(spec: MapReader): PolicyType[] | undefined {
  const list = spec.list('policyTypes', 'the policy types');
  if (!list) return undefined;
  if (list.length > POLICY_TYPES.length) {
    spec.report('policyTypes', `may not list more than two policy types (Ingress, Egress); found ${list.length}`);
  }
  const result: PolicyType[] = [];
  list.forEach((item, i) => {
    const type = readChoice(spec.issues, spec.at('policyTypes', i), item, 'a policy type', POLICY_TYPES);
    if (type === undefined) return;
    if (result.includes(type)) spec.issues.add(spec.at('policyTypes', i), `policy type ${type} is listed twice`);
    else result.push(type);
  });
  return result;
}

function readRule(issues: IssueList, path: FieldPath, value: unknown, direction: 'ingress' | 'egress'): NetworkPolicyIngressRule | NetworkPolicyEgressRule | undefined {
  const peersKey = direction === 'ingress' ? 'from' : 'to';
  const rule = MapReader.open(issues, path, value, `an ${direction} rule`, direction === 'ingress' ? POLICY_FIELDS.ingressRule : POLICY_FIELDS.egressRule);
  if (!rule) return undefined;
  const result: { ports?: NetworkPolicyPort[]; from?: NetworkPolicyPeer[]; to?: NetworkPolicyPeer[] } = {};
  const ports = rule.list('ports', 'the rule ports');
  if (ports) result.ports = ports.flatMap((port, i) => readPolicyPort(issues, rule.at('ports', i), port) ?? []);
  const peers = rule.list(peersKey, `the rule peers ("${peersKey}")`);
  if (peers) result[peersKey] = peers.flatMap((peer, i) => readPeer(issues, rule.at(peersKey, i), peer) ?? []);
  return result;
}

function readPolicyPort(issues: IssueList, path: FieldPath, value: unknown): NetworkPolicyPort | undefined {
  const port = MapReader.open(issues, path, value, 'a policy port', POLICY_FIELDS.port);
  if (!port) return undefined;
  const result: NetworkPolicyPort = {};
  const protocol = port.choice('protocol', 'a protocol', PROTOCOLS);
  if (protocol) result.protocol = protocol;
  const raw = port.get('port');
  if (typeof raw === 'string') {
    const problem = portNameProblem(raw);
    if (problem) port.report('port', `named port "${raw}" ${problem}`);
    else result.port = raw;
  } else if (typeof raw === 'number') {
    const number = readInteger(issues, port.at('port'), raw, 'port', 1, 65535);
    if (number !== undefined) result.port = number;
  } else if (raw !== undefined) {
    port.report('port', `expected a port number or a port name, found ${describeValue(raw)}`);
  }
  const endPort = port.get('endPort');
  if (endPort !== undefined) {
    if (raw === undefined) {
      port.report('endPort', 'endPort may not be specified when port is not specified; add a numeric port as the start of the range');
    } else if (typeof raw === 'string') {
      port.report('endPort', `endPort may not be specified when port is a named port ("${raw}"); use a numeric port`);
    }
    const end = readInteger(issues, port.at('endPort'), endPort, 'endPort', 1, 65535);
    if (end !== undefined && typeof raw === 'number') {
      if (end < raw) port.report('endPort', `endPort (${end}) must be greater than or equal to port (${raw})`);
      else result.endPort = end;
    }
  }
  return result;
}

function readPeer(issues: IssueList, path: FieldPath, value: unknown): NetworkPolicyPeer | undefined {
  const peer = MapReader.open(issues, path, value, 'a policy peer', POLICY_FIELDS.peer);
  if (!peer) return undefined;
  const result: NetworkPolicyPeer = {};
  const present = POLICY_FIELDS.peer.filter((key) => peer.has(key));
  if (present.length === 0) {
    issues.add(path, 'a peer must specify podSelector, namespaceSelector or ipBlock (use podSelector: {} for every pod in the namespace)');
  } else if (peer.has('ipBlock') && present.length > 1) {
    issues.add(path, `a peer may not combine ipBlock with ${present.filter((k) => k !== 'ipBlock').join(' and ')}; split them into separate peers`);
  }
  if (peer.has('podSelector')) {
    const selector = readLabelSelector(issues, peer.at('podSelector'), peer.get('podSelector'), 'the peer podSelector');
    if (selector) result.podSelector = selector;
  }
  if (peer.has('namespaceSelector')) {
    const selector = readLabelSelector(issues, peer.at('namespaceSelector'), peer.get('namespaceSelector'), 'the peer namespaceSelector');
    if (selector) result.namespaceSelector = selector;
  }
  if (peer.has('ipBlock')) {
    const block = readIpBlock(issues, peer.at('ipBlock'), peer.get('ipBlock'));
    if (block) result.ipBlock = block;
  }
  return result;
}

function readIpBlock(issues: IssueList, path: FieldPath, value: unknown): IPBlock | undefined {
  const block = MapReader.open(issues, path, value, 'an ipBlock', POLICY_FIELDS.ipBlock);
  if (!block) return undefined;
  const cidrText = block.string('cidr', 'the block CIDR, e.g. 10.0.0.0/8', { required: true });
  if (cidrText === undefined) return undefined;
  const outer = tryParseCidr(cidrText);
  if (!outer) block.report('cidr', `CIDR "${cidrText}" ${describeCidrProblem(cidrText)}`);
  const result: IPBlock = { cidr: cidrText };
  const except = block.list('except', 'the excepted CIDRs');
  if (except) {
    result.except = [];
    except.forEach((item, i) => {
      const text = readString(issues, block.at('except', i), item, 'a CIDR');
      if (text === undefined) return;
      result.except?.push(text);
      const inner = tryParseCidr(text);
      if (!inner) {
        issues.add(block.at('except', i), `CIDR "${text}" ${describeCidrProblem(text)}`);
      } else if (outer && !(cidrWithin(outer, inner) && inner.prefixLength > outer.prefixLength)) {
        issues.add(block.at('except', i), `except "${text}" must be a strict subset of cidr "${cidrText}" (inside it and smaller)`);
      }
    });
  }
  return result;
}

/** A metav1.LabelSelector: matchLabels plus matchExpressions, as ValidateLabelSelector checks them. */
export function readLabelSelector(issues: IssueList, path: FieldPath, value: unknown, what: string): LabelSelector | undefined {
  const selector = MapReader.open(issues, path, value, what, POLICY_FIELDS.labelSelector);
  if (!selector) return undefined;
  const result: LabelSelector = {};
  const matchLabelsValue = selector.get('matchLabels');
  if (matchLabelsValue !== undefined) {
    const matchLabels = readStringMap(issues, selector.at('matchLabels'), matchLabelsValue, 'matchLabels');
    if (matchLabels && checkLabels(issues, selector.at('matchLabels'), matchLabels)) result.matchLabels = matchLabels;
  }
  const expressions = selector.list('matchExpressions', 'the selector expressions');
  if (expressions) {
    result.matchExpressions = expressions.flatMap((item, i) => readRequirement(issues, selector.at('matchExpressions', i), item) ?? []);
  }
  return result;
}

function readRequirement(issues: IssueList, path: FieldPath, value: unknown): LabelSelectorRequirement | undefined {
  const req = MapReader.open(issues, path, value, 'a selector expression', POLICY_FIELDS.requirement);
  if (!req) return undefined;
  const key = req.string('key', 'the label key', { required: true });
  if (key !== undefined) checkLabelKey(issues, req.at('key'), key);
  const operator = req.choice('operator', 'a selector operator', OPERATORS, { required: true });
  const valuesList = req.list('values', 'the label values');
  const values = valuesList?.flatMap((item, i) => {
    const text = readString(issues, req.at('values', i), item, 'a label value');
    if (text !== undefined) checkLabelValue(issues, req.at('values', i), key ?? '?', text);
    return text === undefined ? [] : [text];
  });
  if ((operator === 'In' || operator === 'NotIn') && (!values || values.length === 0)) {
    req.report(valuesList ? 'values' : 'operator', `values must be given (non-empty) when operator is ${operator}`);
  }
  if ((operator === 'Exists' || operator === 'DoesNotExist') && valuesList && valuesList.length > 0) {
    req.report('values', `values may not be given when operator is ${operator}; remove them`);
  }
  if (key === undefined || operator === undefined) return undefined;
  const result: LabelSelectorRequirement = { key, operator };
  if (values && values.length > 0) result.values = values;
  return result;
}
