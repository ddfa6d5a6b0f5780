/**
 * One probe: a single connection attempt or DNS lookup made from inside a source pod. Requests are data; the
 * batch script (batch-script.ts) carries them into the pod as arguments, never as shell text.
 */
import type { Outcome } from '../results/index.js';

/** tcp: curl to http://<target>/; udp/sctp: `agnhost connect`; dns: nslookup of a name. */
export type ProbeKind = 'tcp' | 'udp' | 'sctp' | 'dns';

export const PROBE_KINDS: readonly ProbeKind[] = ['tcp', 'udp', 'sctp', 'dns'];

export interface ProbeRequest {
  /** Unique within one exec; letters, digits, `.`, `_`, `-` only. */
  id: string;
  kind: ProbeKind;
  /** `host:port` for connections (IPv6 hosts in brackets), the name to look up for DNS. */
  target: string;
  /** How long to wait for the connection (or DNS answer) before calling it a timeout. */
  timeoutMs: number;
}

/** What a probe printed: its command's exit code and its evidence (stdout and stderr, one line). */
export interface ProbeRaw {
  id: string;
  exitCode: number;
  evidence: string;
}

/** A probe's classified outcome, with the raw evidence for reports. */
export interface ProbeObservation {
  outcome: Outcome;
  detail: string;
  /**
   * The source pod's kernel cannot make this kind of probe at all (e.g. SCTP: "protocol not supported"): probing
   * again cannot change it, so the positive control does not wait for such a path.
   */
  unsupported?: true;
}

/** `host:port`, with an IPv6 host in brackets, as curl and `agnhost connect` want it. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
