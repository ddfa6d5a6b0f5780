/**
 * Judging: what the spec (the model) says of a planned cell, and the cell's status from the user's expectation,
 * the observation (live runs) and the model. Static verify and the live run judge through this one module.
 */
import type { IpFamily, PolicyModel } from '../model/index.js';
import { dependsOnPodIps, explainVerdict, explainVerdicts, familyName } from '../model/index.js';
import type { Endpoint, Traffic, Verdict } from '../model/index.js';
import { InputError } from '../util/index.js';
import type { Suite } from '../suite/index.js';
import { CLUSTER_DNS } from './cluster-dns.js';
import type { CellSource, PlannedCell } from './plan.js';
import { externalSource, refKey, sourceLabel } from './plan.js';
import { modelAgrees, type CellResult, type CellStatus, type Expectation, type FamilyResult, type ModelResult, type ModelVerdict, type Observation } from '../results/index.js';

function podEndpoint(ref: { namespace: string; name: string }): Endpoint {
  return { kind: 'pod', namespace: ref.namespace, name: ref.name };
}

/** A workload's pod, or an external client by its IP (ingress ipBlock peers match it). */
function sourceEndpoint(source: CellSource): Endpoint {
  const external = externalSource(source);
  return external ? { kind: 'external', ip: external.ip } : podEndpoint(source as { namespace: string; name: string });
}

function verdictWord(verdict: Verdict): 'allow' | 'deny' {
  return verdict.allowed ? 'allow' : 'deny';
}

/**
 * The connections a cell stands for: one for a workload, an external or a DNS lookup (to the cluster DNS);
 * one per backend for a Service; each of the family the cell names, if it names one. Lint uses them too, to see
 * which policies the cells exercise.
 */
export function trafficsFor(cell: PlannedCell): { traffic: Traffic; backend?: string }[] {
  const source = sourceEndpoint(cell.source);
  const protocol = cell.protocol ?? 'TCP';
  const target = cell.target;
  const family = cell.family !== undefined ? { family: cell.family } : {};
  switch (target.kind) {
    case 'workload':
      return [{ traffic: { source, destination: podEndpoint(target.workload), port: target.port, protocol, ...family } }];
    case 'external':
      return [{ traffic: { source, destination: { kind: 'external', ip: target.external.ip }, port: target.port, protocol, ...family } }];
    case 'service':
      return target.backends.map((backend) => ({
        traffic: { source, destination: podEndpoint(backend.workload), port: backend.port, protocol, ...family },
        backend: `${refKey(backend.workload)} (port ${backend.port})`,
      }));
    case 'dns':
      return [
        {
          traffic: {
            source,
            destination: podEndpoint(CLUSTER_DNS.pod),
            port: CLUSTER_DNS.port,
            protocol: CLUSTER_DNS.protocol,
          },
        },
      ];
  }
}

/**
 * What the spec says of one cell, with the reasons (and, when pod IPs would decide it, why it is undecided). A
 * connection between dual-stack ends is two, one per address family: the cell is `mixed` when their verdicts
 * differ, and the explanation gives each family's.
 */
export function modelResultFor(cell: PlannedCell, model: PolicyModel, suite: Suite): ModelResult {
  let evaluated: { traffic: Traffic; backend?: string; verdicts: Verdict[] }[];
  try {
    evaluated = trafficsFor(cell).map((t) => ({ ...t, verdicts: model.evaluateFamilies(t.traffic) }));
  } catch (error) {
    // the cell names a family an end has no address of (live: the cluster gave the pod none)
    if (!(error instanceof InputError) || cell.family === undefined) throw error;
    const text = `no ${familyName(cell.family)} connection: ${error.message}`;
    return { verdict: 'deny', explanation: [text], undecided: text };
  }
  const unconnected = evaluated.find((e) => e.verdicts.length === 0);
  if (unconnected) {
    const text = `no connection: ${unconnected.backend ?? cell.targetLabel} and ${sourceLabel(cell.source)} share no address family, so there is nothing the policies could allow or deny`;
    return { verdict: 'deny', explanation: [text], undecided: text };
  }
  const result = modelResultOf(cell, evaluated, suite);
  const families = familyVerdicts(cell, evaluated);
  if (families) result.families = families;
  if (evaluated.some(({ verdicts }) => verdicts.some(dependsOnPodIps))) {
    result.undecided =
      cell.target.kind === 'dns'
        ? `undecided: a DNS egress rule has an ipBlock peer, and the model does not know the IP of the cluster DNS pod (${CLUSTER_DNS.namespace}/${CLUSTER_DNS.pod.name}) it would have to match`
        : 'undecided without pod IPs: a rule whose ports match has an ipBlock peer that could admit the pod by its IP; static verify knows no pod IPs, so only a live run can judge this cell';
  }
  return result;
}

/**
 * Each family's verdict over the cell's connections (every backend of a Service), when they span two families;
 * undefined for a cell that is one connection per end pair (single-stack, or a family named) and for DNS.
 */
function familyVerdicts(cell: PlannedCell, evaluated: readonly { verdicts: Verdict[] }[]): { family: IpFamily; verdict: ModelVerdict }[] | undefined {
  if (cell.target.kind === 'dns' || cell.family !== undefined) return undefined;
  const byFamily = new Map<IpFamily, Verdict[]>();
  for (const { verdicts } of evaluated) {
    for (const verdict of verdicts) {
      if (verdict.family === undefined) continue;
      let list = byFamily.get(verdict.family);
      if (!list) byFamily.set(verdict.family, (list = []));
      list.push(verdict);
    }
  }
  if (byFamily.size < 2) return undefined;
  return [...byFamily].sort(([a], [b]) => a - b).map(([family, verdicts]) => ({ family, verdict: familiesWord(verdicts) }));
}

/** `allow` / `deny` when every connection (family) agrees, else `mixed`. */
function familiesWord(verdicts: readonly Verdict[]): 'allow' | 'deny' | 'mixed' {
  const allowed = verdicts.filter((v) => v.allowed).length;
  return allowed === verdicts.length ? 'allow' : allowed === 0 ? 'deny' : 'mixed';
}

function modelResultOf(cell: PlannedCell, evaluated: readonly { backend?: string; verdicts: Verdict[] }[], suite: Suite): ModelResult {
  const target = cell.target;
  switch (target.kind) {
    case 'workload':
    case 'external': {
      const verdicts = (evaluated[0] as { verdicts: Verdict[] }).verdicts;
      const verdict = familiesWord(verdicts);
      const explanation = explainVerdicts(verdicts);
      if (verdict === 'mixed') explanation.unshift('the pair is dual-stack: its IPv4 and IPv6 connections get different verdicts');
      return { verdict, explanation };
    }
    case 'service': {
      if (evaluated.length === 0) {
        return {
          verdict: 'deny',
          explanation: [
            `service ${refKey(target.service)} has no backend: no workload of the fixture matches its selector and serves its targetPort`,
          ],
        };
      }
      const words = evaluated.map((b) => familiesWord(b.verdicts));
      const allowed = words.filter((w) => w === 'allow').length;
      const verdict = allowed === evaluated.length ? 'allow' : allowed === 0 && !words.includes('mixed') ? 'deny' : 'mixed';
      const explanation = evaluated.flatMap(({ backend, verdicts }, i) => [
        `backend ${backend ?? '?'}: ${words[i] ?? '?'}`,
        ...explainVerdicts(verdicts).map((line) => `  ${line}`),
      ]);
      const external = externalSource(cell.source);
      if (external) {
        explanation.unshift(
          `from outside the cluster through the NodePort: externalTrafficPolicy Local keeps the client's address, so each backend sees ${external.ip}`,
        );
      }
      if (verdict === 'mixed') {
        explanation.unshift(
          `service ${refKey(target.service)} load-balances across backends that the spec treats differently: ${allowed} of ${evaluated.length} allowed`,
        );
      }
      return { verdict, explanation };
    }
    case 'dns': {
      const verdicts = (evaluated[0] as { verdicts: Verdict[] }).verdicts;
      // the cluster DNS pod has no IP in the model: the lookup goes over the first family (IPv4 on dual-stack clusters)
      const verdict = verdicts[0] as Verdict;
      const result: ModelResult = {
        verdict: verdictWord(verdict),
        explanation: [
          `DNS lookups go to ${CLUSTER_DNS.namespace}/${CLUSTER_DNS.pod.name} (k8s-app=kube-dns) on ${CLUSTER_DNS.port}/${CLUSTER_DNS.protocol}`,
          ...explainVerdict(verdict),
        ],
      };
      // The answer only matters when the lookup gets through (ModelResult.dnsAnswer's contract).
      const answer = verdict.allowed ? knownDnsAnswer(target.name, sourceNamespace(cell.source), suite) : undefined;
      if (answer) {
        result.dnsAnswer = answer;
        result.explanation.push(
          answer === 'resolves'
            ? `${target.name} is a Service of this cluster: it resolves`
            : `${target.name} is under ${CLUSTER_DNS.clusterDomain} but names no Service of the fixture: NXDOMAIN`,
        );
      } else if (verdict.allowed) {
        result.explanation.push(`${target.name} is outside the cluster: whether it exists is not modelled`);
      }
      return result;
    }
  }
}

/**
 * The answer the cluster DNS gives for in-cluster names, resolved with the search path of a pod in
 * `sourceNamespace` (`<ns>.svc.cluster.local`, `svc.cluster.local`, `cluster.local`). Undefined for names the
 * model cannot know.
 */
export function knownDnsAnswer(name: string, sourceNamespace: string, suite: Suite): 'resolves' | 'nxdomain' | undefined {
  const domain = CLUSTER_DNS.clusterDomain;
  const fqdn = name.replace(/\.$/, '').toLowerCase();
  const services = new Set([
    'kubernetes.default',
    ...suite.fixture.services.map((s) => `${s.name}.${s.namespace}`),
  ]);
  const candidates = fqdn.endsWith(`.${domain}`)
    ? [fqdn]
    : [`${fqdn}.${sourceNamespace}.svc.${domain}`, `${fqdn}.svc.${domain}`, `${fqdn}.${domain}`];
  let inCluster = false;
  for (const candidate of candidates) {
    const suffix = `.svc.${domain}`;
    if (!candidate.endsWith(suffix)) continue;
    inCluster = true;
    const serviceAndNamespace = candidate.slice(0, -suffix.length);
    if (services.has(serviceAndNamespace)) return 'resolves';
  }
  if (fqdn.endsWith(`.${domain}`) || (inCluster && !fqdn.includes('.'))) return 'nxdomain';
  // "a.b" could be <service>.<namespace> (no match above) or an external name: do not guess.
  return undefined;
}

/** The source's namespace; `external` for a client outside the cluster (as the conformance reports say). */
function sourceNamespace(source: CellSource): string {
  return externalSource(source) ? 'external' : (source as { namespace: string }).namespace;
}

const EXPECT_WORDS: Record<Expectation, string> = {
  allow: 'allowed',
  deny: 'denied',
  resolves: 'resolves',
  nxdomain: 'does not exist (NXDOMAIN)',
  blocked: 'blocked',
};

function describeModel(model: ModelResult): string {
  if (model.verdict === 'mixed' && model.families) return `mixed (${model.families.map((f) => `${familyName(f.family)} ${f.verdict}`).join(', ')})`;
  if (model.verdict === 'mixed') return 'mixed (backends differ)';
  return model.dnsAnswer ? `${model.verdict} (${model.dnsAnswer})` : model.verdict;
}

/** A status and the messages that explain it. */
interface Judgement {
  status: CellStatus;
  messages: string[];
}

/**
 * The status of one cell. Without an observation (static verify) the cell is judged against the model.
 * With one (live), against what the network did; the model's view is attached and a disagreement between
 * spec and CNI is called out in the message even when the user's expectation held.
 */
export function judgeCell(
  cell: PlannedCell,
  model: ModelResult | undefined,
  observation: Observation | undefined,
  note?: string,
): CellResult {
  const result = cellResultOf(cell, model, observation);
  const judgement = observation === undefined ? judgeAgainstModel(cell, model) : judgeObservation(cell, observation);
  if (observation && model && judgement.status !== 'error') judgement.messages.push(...specDisagreement(observation, model));
  if (note) judgement.messages.push(note);
  result.status = judgement.status;
  if (judgement.messages.length > 0) result.message = judgement.messages.join('; ');
  return result;
}

/** Worse statuses rank higher: a cell probed per family takes its worst family's status. */
const STATUS_RANK: Readonly<Record<CellStatus, number>> = { passed: 0, skipped: 1, flaky: 2, failed: 3, error: 4 };

/**
 * A live cell probed once per address family (a dual-stack pair that names no family): each family's
 * observation judged against the expectation and compared with that family's spec verdict; the cell takes the
 * worst family's status and observation, so a failure of one family is never hidden by the other's pass. The
 * message names each family that did not pass or disagreed with the spec.
 */
export function judgeCellFamilies(cell: PlannedCell, model: ModelResult | undefined, observations: readonly Observation[], note?: string): CellResult {
  const families = observations.map((observation): FamilyResult => {
    if (observation.family === undefined) throw new Error(`internal error: cell ${cell.cellId} has a per-family observation without a family`);
    const judgement = judgeObservation(cell, observation);
    const verdict = model?.families?.find((f) => f.family === observation.family)?.verdict ?? model?.verdict;
    const part: FamilyResult = { family: observation.family, status: judgement.status, observed: observation };
    if (model && verdict) {
      part.model = verdict;
      const { families: _all, ...rest } = model;
      if (judgement.status !== 'error') judgement.messages.push(...specDisagreement(observation, { ...rest, verdict }));
    }
    if (judgement.messages.length > 0) part.message = judgement.messages.join('; ');
    return part;
  });
  const first = families[0];
  if (!first) throw new Error(`internal error: cell ${cell.cellId} was judged without observations`);
  const worst = families.reduce((a, b) => (STATUS_RANK[b.status] > STATUS_RANK[a.status] ? b : a), first);
  const result = cellResultOf(cell, model, worst.observed);
  result.families = families;
  result.status = worst.status;
  const messages = families.flatMap((f) => (f.message !== undefined ? [`${familyName(f.family)}: ${f.message}`] : []));
  if (note) messages.push(note);
  if (messages.length > 0) result.message = messages.join('; ');
  return result;
}

/** The result's fields that come from the plan, the model and the observation (status still to be judged). */
function cellResultOf(cell: PlannedCell, model: ModelResult | undefined, observation: Observation | undefined): CellResult {
  const result: CellResult = {
    assertionId: cell.assertionId,
    cellId: cell.cellId,
    name: cell.name,
    kind: cell.kind,
    step: cell.step,
    position: cell.position,
    source: sourceLabel(cell.source),
    sourceNamespace: sourceNamespace(cell.source),
    target: cell.targetLabel,
    expected: cell.expected,
    status: 'passed',
  };
  if (cell.portLabel !== undefined) result.port = cell.portLabel;
  if (cell.protocol !== undefined) result.protocol = cell.protocol;
  if (cell.family !== undefined) result.family = cell.family;
  if (model) result.model = model;
  if (observation) result.observed = observation;
  return result;
}

/** Static verify: the expectation against the spec. Expected and model verdict are fields of the result, so no message restates them. */
function judgeAgainstModel(cell: PlannedCell, model: ModelResult | undefined): Judgement {
  if (!model) throw new Error(`internal error: cell ${cell.cellId} has neither a model verdict nor an observation`);
  if (model.undecided !== undefined) return { status: 'skipped', messages: [model.undecided] };
  const agrees = modelAgrees(cell.expected, model);
  if (agrees === false) return { status: 'failed', messages: [] };
  if (agrees === undefined) return { status: 'passed', messages: ['DNS traffic is allowed; the name is outside the cluster, so only reachability was checked'] };
  return { status: 'passed', messages: [] };
}

/** Live: the expectation against what the network did. */
function judgeObservation(cell: PlannedCell, observation: Observation): Judgement {
  if (observation.verdict === undefined) {
    return { status: 'error', messages: [`could not be judged: the probe ended in ${observation.outcome} (${observation.detail})`] };
  }
  if (observation.history && new Set(observation.history).size > 1) {
    const attempts = `${observation.history.length} attempts`;
    const outcomes = observation.history.join(', ');
    return {
      status: 'flaky',
      messages: [
        observation.afterDeadline
          ? `flaky: still changing after the settle deadline: outcomes differed across ${attempts} (${outcomes})`
          : `flaky: outcomes differed across ${attempts} after the state settled (${outcomes})`,
      ],
    };
  }
  if (observation.verdict !== cell.expected) {
    return { status: 'failed', messages: [`expected ${EXPECT_WORDS[cell.expected]}, observed ${observation.outcome} (${EXPECT_WORDS[observation.verdict]})`] };
  }
  return { status: 'passed', messages: [] };
}

/** A disagreement between the spec and the CNI, called out even when the user's expectation held. */
function specDisagreement(observation: Observation, model: ModelResult): string[] {
  if (observation.verdict === undefined || modelAgrees(observation.verdict, model) !== false) return [];
  return [`the spec says ${describeModel(model)}, but the CNI did otherwise (${observation.outcome})`];
}
