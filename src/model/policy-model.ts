/**
 * The interface every NetworkPolicy evaluator implements: the compiled model (compile-model.ts) and the naive
 * reference (naive-model.ts), which must agree on every verdict.
 */
import type { ClusterState, Protocol, Traffic, Verdict } from './types.js';

/** A truth table question: every (source, destination) pod pair on one port and protocol. */
export interface MatrixQuery {
  /** `<namespace>/<name>` of the row pods (sources). Default: every pod of the state, in state order. */
  sources?: readonly string[];
  /** `<namespace>/<name>` of the column pods (destinations). Default: every pod of the state, in state order. */
  destinations?: readonly string[];
  port: number;
  protocol: Protocol;
}

export interface MatrixVerdicts {
  sources: string[];
  destinations: string[];
  port: number;
  protocol: Protocol;
  /** allowed[row][column]: may sources[row] connect to destinations[column]? Self-connections evaluated literally. */
  allowed: boolean[][];
  /** The full verdict of one cell, with its explanations. */
  verdict(row: number, column: number): Verdict;
}

export interface PolicyModel {
  readonly state: ClusterState;
  /** Judges one connection. Throws an InputError when an endpoint names a pod the state does not have. */
  evaluate(traffic: Traffic): Verdict;
  /** Judges a whole truth table at once. */
  evaluateMatrix(query: MatrixQuery): MatrixVerdicts;
}

export function podKey(pod: { namespace: string; name: string }): string {
  return `${pod.namespace}/${pod.name}`;
}
