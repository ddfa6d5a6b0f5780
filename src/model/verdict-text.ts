/**
 * The sentences a Verdict carries. Both evaluators build their reasons here, so the compiled model and the naive
 * reference explain identically; explainVerdict renders a whole Verdict for reports.
 */
import type { DirectionVerdict, PolicyType, RuleRef, Verdict } from './types.js';

function directionWord(direction: PolicyType): string {
  return direction === 'Ingress' ? 'ingress' : 'egress';
}

/** `prod/allow-frontend ingress rule 1 peer 2 port 1` (1-based; "any peer" / "any port" for rules without them). */
export function formatRuleRef(ref: RuleRef): string {
  const head = `${ref.policy} ${directionWord(ref.direction)} rule ${ref.ruleIndex + 1}`;
  if (ref.peerIndex !== undefined && ref.portIndex !== undefined) return `${head} peer ${ref.peerIndex + 1} port ${ref.portIndex + 1}`;
  if (ref.peerIndex !== undefined) return `${head} peer ${ref.peerIndex + 1} (any port)`;
  if (ref.portIndex !== undefined) return `${head} (any peer) port ${ref.portIndex + 1}`;
  return `${head} (any peer, any port)`;
}

/** An external endpoint is outside the cluster: no policy of the cluster applies to its side. */
export function externalVerdict(direction: PolicyType, endpointText: string): DirectionVerdict {
  return {
    direction,
    isolated: false,
    selectedBy: [],
    allowed: true,
    reason: `${endpointText} is outside the cluster and not subject to its policies`,
  };
}

/** `reason` is notIsolatedText(direction, pod) (callers may cache it). */
export function notIsolatedVerdict(direction: PolicyType, pod: string, reason: string = notIsolatedText(direction, pod)): DirectionVerdict {
  return { direction, isolated: false, selectedBy: [], allowed: true, reason };
}

export function notIsolatedText(direction: PolicyType, pod: string): string {
  return `${pod} is not isolated for ${directionWord(direction)} (no policy selects it)`;
}

/** `prod/api is isolated by prod/default-deny, prod/allow-web`: the start of every reason of an isolated pod. */
export function isolationText(pod: string, selectedBy: readonly string[]): string {
  return `${pod} is isolated by ${selectedBy.join(', ')}`;
}

/** `isolation` is isolationText(pod, selectedBy); `ruleText` is formatRuleRef(allowedBy) (callers may cache both). */
export function allowedVerdict(
  direction: PolicyType,
  selectedBy: string[],
  isolation: string,
  allowedBy: RuleRef,
  ruleText: string = formatRuleRef(allowedBy),
): DirectionVerdict {
  return { direction, isolated: true, selectedBy, allowed: true, allowedBy, reason: `${isolation}; allowed by ${ruleText}` };
}

export interface DenialContext {
  /** The other end: the source for ingress, the destination for egress. */
  peerText: string;
  /** e.g. `8080/TCP` or `81/TCP (serve-81-tcp)`. */
  portText: string;
  /**
   * Set when the peer is a pod without an IP and a rule whose ports match has an ipBlock peer that its real IP
   * could fall in (no pod network declared, or the pod network lies partly inside the block).
   */
  peerIpUndecided: boolean;
  /** ClusterState.podNetwork, for the explanation. */
  podNetwork?: readonly string[];
}

/** `isolation` is isolationText(pod, selectedBy). */
export function deniedVerdict(direction: PolicyType, selectedBy: string[], isolation: string, context: DenialContext): DirectionVerdict {
  const what =
    direction === 'Ingress'
      ? `no ingress rule admits ${context.peerText} on ${context.portText}`
      : `no egress rule admits traffic to ${context.peerText} on ${context.portText}`;
  if (!context.peerIpUndecided) return { direction, isolated: true, selectedBy, allowed: false, reason: `denied: ${isolation} and ${what}` };
  const ipNote =
    context.podNetwork === undefined
      ? ` (${context.peerText} has no IP, so no ipBlock peer can match it)`
      : ` (${context.peerText} has no IP, and its pod network ${context.podNetwork.join(', ')} lies partly inside an ipBlock peer that could admit it)`;
  return { direction, isolated: true, selectedBy, allowed: false, reason: `denied: ${isolation} and ${what}${ipNote}`, dependsOnPeerIp: true };
}

/**
 * A denial that pod IPs could lift: every side that denies does so only because a pod without an IP could not
 * be matched against an ipBlock peer (see DirectionVerdict.dependsOnPeerIp). Allowed verdicts never depend on
 * IPs this way: ipBlock peers only add to what rules admit.
 */
export function dependsOnPodIps(verdict: Verdict): boolean {
  if (verdict.allowed) return false;
  return [verdict.egress, verdict.ingress].every((side) => side.allowed || side.dependsOnPeerIp === true);
}

/** The text an external endpoint is named by in reasons. */
export function externalText(ip: string): string {
  return `external ${ip}`;
}

/**
 * A verdict as human sentences: the overall decision, then the source's egress, then the destination's ingress,
 * e.g. `ingress: prod/api is isolated by prod/default-deny, prod/allow-frontend; allowed by prod/allow-frontend
 * ingress rule 1 peer 1 port 1`.
 */
export function explainVerdict(verdict: Verdict): string[] {
  let summary: string;
  if (verdict.allowed) summary = 'allowed: both the egress and the ingress side admit the connection';
  else if (!verdict.egress.allowed && !verdict.ingress.allowed) summary = 'denied by both the egress and the ingress side';
  else if (!verdict.egress.allowed) summary = 'denied by the egress side (the source)';
  else summary = 'denied by the ingress side (the destination)';
  return [summary, `egress: ${verdict.egress.reason}`, `ingress: ${verdict.ingress.reason}`];
}

/**
 * The verdicts of a pair's connections (one per address family, see PolicyModel.evaluateFamilies) as sentences:
 * one explanation when they agree, otherwise each family's under an `IPv4:` / `IPv6:` heading.
 */
export function explainVerdicts(verdicts: readonly Verdict[]): string[] {
  const [first, ...rest] = verdicts;
  if (first === undefined) return [];
  const agree = rest.every((v) => v.allowed === first.allowed && v.egress.reason === first.egress.reason && v.ingress.reason === first.ingress.reason);
  if (agree) return explainVerdict(first);
  return verdicts.flatMap((verdict) => [
    `${verdict.family === undefined ? 'connection' : `IPv${verdict.family}`}: ${verdict.allowed ? 'allowed' : 'denied'}`,
    ...explainVerdict(verdict).map((line) => `  ${line}`),
  ]);
}
