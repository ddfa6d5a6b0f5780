/**
 * A corpus matrix case as a Suite the live engine can run. Namespaces get real names unique per run
 * (`x` → `x-<run id>`); because policies select namespaces by kubernetes.io/metadata.name, every such
 * selector value and every policy's namespace is rewritten the same way. ipBlock CIDRs are rebuilt from the
 * pods' live IPs as the case's ipblock_derivation says (a pod's /32, or the network of a given prefix that
 * holds the pods). Every pod serves the case's `served` ports (container port name serve-<port>-<protocol>)
 * and has a Service `s-<namespace>-<pod>` (upstream probes go to the destination's Service ClusterIP).
 */
import type { CaseStep, CorpusModel, IpBlockReference, MatrixCase } from './corpus-types.js';
import { servedContainerPorts } from './read-case.js';
import { probeAssertionId } from './table-testcase.js';
import { networkOf, parseIp, cidrContains, parseCidr } from '../model/index.js';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer } from '../model/index.js';
import type { Assertion, MatrixAssertion, Suite, SuiteFixture, SuiteStep, WorkloadRef } from '../suite/index.js';
import { SUITE_API_VERSION } from '../suite/index.js';

const NAME_LABEL = 'kubernetes.io/metadata.name';

export interface CaseNaming {
  runId: string;
  /** Which copy of the fixture (cases run at the same time each need their own); 0 or absent: the first. */
  lane?: number;
}

export function liveNamespace(corpusNamespace: string, naming: CaseNaming): string {
  return naming.lane ? `${corpusNamespace}-${naming.runId}-${naming.lane}` : `${corpusNamespace}-${naming.runId}`;
}

/** `<live namespace>/<pod>` of a corpus pod key `<namespace>/<pod>`. */
export function livePodKey(corpusKey: string, naming: CaseNaming): string {
  const [namespace, pod] = corpusKey.split('/') as [string, string];
  return `${liveNamespace(namespace, naming)}/${pod}`;
}

export function serviceNameOf(corpusKey: string): string {
  const [namespace, pod] = corpusKey.split('/') as [string, string];
  return `s-${namespace}-${pod}`;
}

/** The fixture of a group of cases sharing pods and served ports. */
export function corpusFixture(model: CorpusModel, testCase: MatrixCase, naming: CaseNaming): SuiteFixture {
  const pods = model.pods.filter((p) => testCase.pods.includes(p.key));
  const namespaceNames = [...new Set(pods.map((p) => p.namespace))];
  const ports = servedContainerPorts(testCase.served);
  const position = testCase.position;
  return {
    namespaces: namespaceNames.map((name) => {
      const info = model.namespaces.find((n) => n.name === name);
      return { name: liveNamespace(name, naming), labels: withoutName(info?.labels ?? {}), position };
    }),
    workloads: pods.map((p) => ({ namespace: liveNamespace(p.namespace, naming), name: p.name, labels: { ...p.labels }, ports, position: p.position })),
    services: pods.map((p) => ({
      namespace: liveNamespace(p.namespace, naming),
      name: serviceNameOf(p.key),
      selector: { pod: p.name },
      ports: ports.map((port) => ({
        name: `service-port-${port.protocol.toLowerCase()}-${port.port}`,
        port: port.port,
        targetPort: port.port,
        protocol: port.protocol,
      })),
      position: p.position,
    })),
    externals: [],
  };
}

export class UnreproducibleCaseError extends Error {}

/**
 * The case as a Suite with live names and CIDRs. `podIps`: `<live namespace>/<pod>` → IPs. Throws
 * UnreproducibleCaseError when an ipBlock cannot be rebuilt from the live IPs (e.g. the pods do not share the
 * block upstream assumed).
 */
export function corpusCaseSuite(testCase: MatrixCase, model: CorpusModel, naming: CaseNaming, podIps: ReadonlyMap<string, string[]>): Suite {
  const fixture = corpusFixture(model, testCase, naming);
  const steps: SuiteStep[] = [];
  let previous: NetworkPolicy[] = [];
  for (const step of testCase.steps) {
    const policies = step.state.policies.map((policy, index) =>
      rewritePolicy(policy, naming, testCase.ipBlockReferences.filter((r) => r.step === step.step && r.policyIndex === index), podIps),
    );
    const names = new Set(policies.map(policyKey));
    steps.push({
      index: step.step,
      name: `step ${step.step}`,
      apply: policies.map((policy, index) => ({
        policy,
        source: { file: testCase.file, document: 0, position: step.policyPositions[index] ?? step.position },
      })),
      delete: previous
        .filter((p) => !names.has(policyKey(p)))
        .map((p) => ({ namespace: p.metadata.namespace, name: p.metadata.name, position: step.position })),
      labels: stepLabels(step, naming),
      assertions: step.probes.map((probe): Assertion => matrixAssertion(probe, step, naming)),
      position: step.position,
    });
    previous = policies;
  }
  return {
    apiVersion: SUITE_API_VERSION,
    name: testCase.name,
    file: testCase.file,
    displayFile: testCase.file,
    fixturePosition: testCase.position,
    fixture,
    steps,
  };
}

function matrixAssertion(probe: CaseStep['probes'][number], step: CaseStep, naming: CaseNaming): MatrixAssertion {
  const ref = (key: string): WorkloadRef => {
    const [namespace, name] = livePodKey(key, naming).split('/') as [string, string];
    return { namespace, name };
  };
  return {
    kind: 'matrix',
    id: probeAssertionId(probe),
    position: probe.position,
    rows: probe.rows.map(ref),
    columns: probe.columns.map(ref),
    port: probe.port,
    protocol: probe.protocol,
    expected: probe.rows.map((from, i) => probe.columns.map((to, j) => (from === to ? 'skip' : (probe.expected[i]?.[j] ?? 'skip')))),
    rowPositions: probe.rowPositions.length > 0 ? probe.rowPositions : probe.rows.map(() => step.position),
  };
}

function stepLabels(step: CaseStep, naming: CaseNaming): SuiteStep['labels'] {
  const namespaces: Record<string, Record<string, string>> = {};
  for (const ns of step.state.namespaces) namespaces[liveNamespace(ns.name, naming)] = withoutName(ns.labels);
  const workloads: Record<string, Record<string, string>> = {};
  for (const pod of step.state.pods) workloads[livePodKey(`${pod.namespace}/${pod.name}`, naming)] = { ...pod.labels };
  return { namespaces, workloads };
}

function withoutName(labels: Readonly<Record<string, string>>): Record<string, string> {
  const { [NAME_LABEL]: _name, ...rest } = labels;
  return rest;
}

function policyKey(p: NetworkPolicy): string {
  return `${p.metadata.namespace}/${p.metadata.name}`;
}

function rewritePolicy(policy: NetworkPolicy, naming: CaseNaming, references: readonly IpBlockReference[], podIps: ReadonlyMap<string, string[]>): NetworkPolicy {
  const copy = structuredClone(policy) as NetworkPolicy;
  copy.metadata.namespace = liveNamespace(policy.metadata.namespace, naming);
  const rewritePeer = (peer: NetworkPolicyPeer): void => {
    if (peer.namespaceSelector) rewriteNameSelector(peer.namespaceSelector, naming);
  };
  for (const rule of copy.spec.ingress ?? []) (rule.from ?? []).forEach(rewritePeer);
  for (const rule of copy.spec.egress ?? []) (rule.to ?? []).forEach(rewritePeer);
  for (const reference of references) setPath(copy, reference.field, liveCidr(reference, naming, podIps));
  return copy;
}

function rewriteNameSelector(selector: LabelSelector, naming: CaseNaming): void {
  const value = selector.matchLabels?.[NAME_LABEL];
  if (selector.matchLabels && value !== undefined) selector.matchLabels[NAME_LABEL] = liveNamespace(value, naming);
  for (const expression of selector.matchExpressions ?? []) {
    if (expression.key === NAME_LABEL && expression.values) expression.values = expression.values.map((v) => liveNamespace(v, naming));
  }
}

function liveCidr(reference: IpBlockReference, naming: CaseNaming, podIps: ReadonlyMap<string, string[]>): string {
  const derivation = reference.derivation;
  const ipOf = (corpusKey: string, family: 4 | 6): string => {
    const ip = (podIps.get(livePodKey(corpusKey, naming)) ?? []).find((candidate) => parseIp(candidate)?.family === family);
    if (!ip) throw new UnreproducibleCaseError(`${reference.policy} ${reference.field}: pod ${corpusKey} has no live IPv${family} address to rebuild ${reference.cidr} from`);
    return ip;
  };
  const family = parseCidr(reference.cidr).family;
  switch (derivation.kind) {
    case 'literal':
      return reference.cidr;
    case 'pod-ip':
      return `${ipOf(derivation.pod, family)}/${family === 4 ? 32 : 128}`;
    case 'pod-network': {
      const first = derivation.pods[0];
      if (first === undefined) return reference.cidr;
      const cidr = networkOf(ipOf(first, family), derivation.prefixLength);
      const outside = derivation.pods.filter((pod) => !cidrContains(parseCidr(cidr), ipOf(pod, family)));
      if (outside.length > 0) {
        throw new UnreproducibleCaseError(
          `${reference.policy} ${reference.field}: the case needs one /${derivation.prefixLength} holding the IPs of ${derivation.pods.join(', ')}, but the live IPs of ${outside.join(", ")} fall outside ${cidr}`,
        );
      }
      return cidr;
    }
  }
}

/** Sets a value at a path like `spec.egress[0].to[1].ipBlock.except[0]`. */
function setPath(target: object, path: string, value: string): void {
  const parts = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : (m[1] as string)));
  let node: Record<string | number, unknown> = target as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) throw new Error(`internal error: ${path} does not exist in the policy`);
    node = next as Record<string | number, unknown>;
  }
  node[parts[parts.length - 1] as string | number] = value;
}
