/**
 * curl's exit codes as outcomes. Each TCP probe is one transfer of the batch's `curl --parallel`; the batch script
 * hands on its `-w` line as the probe's exit code (%{exitcode}), stdout (the HTTP status, 000 when there was
 * none) and stderr (`curl: (<code>) <%{errormsg}>`, empty on success). Only the codes below mean something about the
 * network; any other code is a broken probe (exec-error, with the code), never a pass or a block.
 */
import type { ProbeObservation } from './probe-request.js';
import { SHELL_EXIT_NOT_EXECUTABLE, SHELL_EXIT_NOT_FOUND } from './shell-exit.js';

export const CURL_EXIT = {
  OK: 0,
  COULD_NOT_RESOLVE_HOST: 6,
  COULD_NOT_CONNECT: 7,
  OPERATION_TIMEDOUT: 28,
} as const;

export function classifyCurl(exitCode: number, stdout: string, stderr: string): ProbeObservation {
  const evidence = describeCurl(exitCode, stdout, stderr);
  switch (exitCode) {
    case CURL_EXIT.OK:
      return { outcome: 'connected', detail: evidence };
    case CURL_EXIT.COULD_NOT_CONNECT:
      // connection refused (TCP RST) or an ICMP unreachable: either way something actively rejected it
      return { outcome: 'refused', detail: evidence };
    case CURL_EXIT.OPERATION_TIMEDOUT:
      return { outcome: 'timeout', detail: evidence };
    case CURL_EXIT.COULD_NOT_RESOLVE_HOST:
      return { outcome: 'dns-error', detail: evidence };
    case SHELL_EXIT_NOT_FOUND:
    case SHELL_EXIT_NOT_EXECUTABLE:
      return { outcome: 'exec-error', detail: `curl could not be run in the probe container (${evidence}): the probe image needs curl` };
    default:
      return { outcome: 'exec-error', detail: `curl failed with exit code ${exitCode}, which is not a network outcome (${evidence})` };
  }
}

function describeCurl(exitCode: number, stdout: string, stderr: string): string {
  const parts = [`curl exit ${exitCode}`];
  const http = stdout.trim();
  if (/^\d{3}$/.test(http) && http !== '000') parts.push(`HTTP ${http}`);
  if (stderr.trim()) parts.push(stderr.trim());
  return parts.join(', ');
}
