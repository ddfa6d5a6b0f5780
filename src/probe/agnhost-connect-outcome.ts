/**
 * `agnhost connect <host:port> --protocol=udp|sctp --timeout=<t>` as outcomes. It exits 0 when the exchange
 * completed (for UDP: the server answered the datagram) and 1 with a stderr line prefixed by a fixed word:
 * TIMEOUT, REFUSED, DNS, OTHER (another network error, e.g. "no route to host") or UNKNOWN (bad arguments).
 * SCTP reports a refused association as "OTHER: ... connection refused".
 */
import type { ProbeObservation } from './probe-request.js';
import { SHELL_EXIT_NOT_EXECUTABLE, SHELL_EXIT_NOT_FOUND } from './shell-exit.js';

const ACTIVELY_REJECTED = /connection refused|no route to host|host is unreachable|network is unreachable|connection reset/i;
/** The kernel has no such protocol (socket() fails with EPROTONOSUPPORT): no network outcome, ever. */
const PROTOCOL_NOT_SUPPORTED = /protocol not supported/i;

export function classifyAgnhostConnect(exitCode: number, stdout: string, stderr: string): ProbeObservation {
  const message = `${stderr} ${stdout}`.replace(/\s+/g, ' ').trim();
  const evidence = message ? `agnhost connect exit ${exitCode}: ${message}` : `agnhost connect exit ${exitCode}`;
  if (exitCode === 0) return { outcome: 'connected', detail: evidence };
  if (exitCode === SHELL_EXIT_NOT_FOUND || exitCode === SHELL_EXIT_NOT_EXECUTABLE) {
    return { outcome: 'exec-error', detail: `/agnhost could not be run in the probe container (${evidence}): the probe image needs agnhost` };
  }
  if (exitCode === 1) {
    if (/^TIMEOUT\b/.test(message)) return { outcome: 'timeout', detail: evidence };
    if (/^REFUSED\b/.test(message)) return { outcome: 'refused', detail: evidence };
    if (/^DNS\b/.test(message)) return { outcome: 'dns-error', detail: evidence };
    if (/^OTHER\b/.test(message) && ACTIVELY_REJECTED.test(message)) return { outcome: 'refused', detail: evidence };
    if (/^OTHER\b/.test(message) && PROTOCOL_NOT_SUPPORTED.test(message)) {
      return { outcome: 'exec-error', detail: `agnhost connect failed without a network outcome (${evidence})`, unsupported: true };
    }
  }
  return { outcome: 'exec-error', detail: `agnhost connect failed without a network outcome (${evidence})` };
}
