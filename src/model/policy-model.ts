/**
 * The interface every NetworkPolicy evaluator implements: the compiled model (compile-model.ts) and the naive
 * reference (naive-model.ts), which must agree on every verdict.
 */
import type { ClusterState, Protocol, Traffic, Verdict } from './types.js';
import type { IpFamily } from './cidr.js';
import { dependsOnPodIps } from './verdict-text.js';
import { InputError } from '../util/index.js';

/** A truth table question: every (source, destination) pod pair on one port and protocol. */
export interface MatrixQuery {
  /** `<namespace>/<name>` of the row pods (sources). Default: every pod of the state, in state order. */
  sources?: readonly string[];
  /** `<namespace>/<name>` of the column pods (destinations). Default: every pod of the state, in state order. */
  destinations?: readonly string[];
  port: number;
  protocol: Protocol;
  /**
   * The address family of every cell's connection. Omitted: each family the pair shares (see evaluateFamilies). A
   * pair with an end that has no address of the named family has no connection (CELL.NO_CONNECTION).
   */
  family?: IpFamily;
}

/**
 * What the spec says of one cell of a truth table, over every connection of the pair (one per address family the
 * pair shares, or one of unknown family):
 * - DENY / ALLOW: every connection is denied / allowed;
 * - MIXED: the families' connections get different verdicts (a dual-stack pair; see MatrixVerdicts.verdicts);
 * - UNDECIDED: a connection is denied only because a pod without an IP cannot be matched against an ipBlock peer
 *   (dependsOnPodIps): only the pods' real IPs can decide it;
 * - NO_CONNECTION: the two ends share no address family (an IPv4-only and an IPv6-only pod): nothing to judge.
 */
export const CELL = { DENY: 0, ALLOW: 1, MIXED: 2, UNDECIDED: 3, NO_CONNECTION: 4 } as const;
export type MatrixCell = (typeof CELL)[keyof typeof CELL];

/** The cell code of a pair's verdicts (one per connection). */
export function cellOf(verdicts: readonly Verdict[]): MatrixCell {
  if (verdicts.length === 0) return CELL.NO_CONNECTION;
  let allowed = 0;
  for (const verdict of verdicts) {
    if (dependsOnPodIps(verdict)) return CELL.UNDECIDED;
    if (verdict.allowed) allowed += 1;
  }
  if (allowed === verdicts.length) return CELL.ALLOW;
  return allowed === 0 ? CELL.DENY : CELL.MIXED;
}

export interface MatrixVerdicts {
  sources: string[];
  destinations: string[];
  port: number;
  protocol: Protocol;
  /**
   * One CELL code per (source, destination), row-major: cells[row * destinations.length + column]. One byte per
   * cell; explanations are computed only when asked (verdicts()).
   */
  cells: Uint8Array;
  /** cells[row][column] === CELL.ALLOW: may sources[row] connect to destinations[column] (every family)? */
  allowed(row: number, column: number): boolean;
  /** The full verdicts of one cell (one per connection, see PolicyModel.evaluateFamilies), with explanations. */
  verdicts(row: number, column: number): Verdict[];
}

export interface PolicyModel {
  readonly state: ClusterState;
  /**
   * Judges one connection. Throws an InputError when an endpoint names a pod the state does not have, when the
   * traffic names a family an end has no address of, when the ends share no family, or when the traffic names no
   * family and the pair's two connections (IPv4 and IPv6) get different verdicts (use evaluateFamilies for those).
   */
  evaluate(traffic: Traffic): Verdict;
  /**
   * Judges every connection the traffic stands for: one per address family both ends have (IPv4 first), only the
   * named one when `traffic.family` is set, or one of unknown family when no address of either end is known.
   * Empty when the ends share no family (no connection exists).
   */
  evaluateFamilies(traffic: Traffic): Verdict[];
  /** Judges a whole truth table at once. */
  evaluateMatrix(query: MatrixQuery): MatrixVerdicts;
}

export function podKey(pod: { namespace: string; name: string }): string {
  return `${pod.namespace}/${pod.name}`;
}

/**
 * The one verdict of traffic that names no family: the single connection's, or, for a dual-stack pair, the IPv4
 * one when both connections get the same verdict for the same reasons. Otherwise an InputError: the pair is two
 * connections whose verdicts differ, and the question must name the family.
 */
export function singleConnectionVerdict(verdicts: readonly Verdict[], pair: string, noConnection: () => string): Verdict {
  const [first, ...rest] = verdicts;
  if (first === undefined) {
    throw new InputError([{ message: noConnection() }], { hint: 'judge pairs whose ends share an address family (pod IPs, the pod network, the external address)' });
  }
  for (const other of rest) {
    if (other.allowed !== first.allowed || other.egress.reason !== first.egress.reason || other.ingress.reason !== first.ingress.reason) {
      throw new InputError(
        [{ message: `${pair} is two connections (IPv4 and IPv6) with different verdicts: IPv4 ${first.allowed ? 'allowed' : 'denied'}, IPv6 ${other.allowed ? 'allowed' : 'denied'}` }],
        { hint: 'name the address family of the connection (family: 4 or 6), or judge both (evaluateFamilies)' },
      );
    }
  }
  return first;
}
