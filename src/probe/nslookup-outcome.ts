/**
 * nslookup's output as outcomes (BIND's nslookup, as in the agnhost image's bind-tools and Debian's dnsutils;
 * busybox's wording for the same cases is recognised too). nslookup exits 0 when it got an answer and 1
 * otherwise, so the text decides between "no such name", "no server answered" and other failures.
 */
import type { ProbeObservation } from './probe-request.js';
import { SHELL_EXIT_NOT_EXECUTABLE, SHELL_EXIT_NOT_FOUND } from './shell-exit.js';

const ANSWER = /Name:\s+\S+\s+Address(?:es)?:?\s+\S+/;
const NXDOMAIN = /NXDOMAIN|Non-existent domain/i;
const UNREACHABLE = /no servers could be reached|connection timed out|communications error|can't connect to remote host|timed out/i;

export function classifyNslookup(exitCode: number, stdout: string, stderr: string): ProbeObservation {
  const text = `${stdout} ${stderr}`.replace(/\s+/g, ' ').trim();
  const evidence = `nslookup exit ${exitCode}: ${excerpt(text)}`;
  if (exitCode === SHELL_EXIT_NOT_FOUND || exitCode === SHELL_EXIT_NOT_EXECUTABLE) {
    return { outcome: 'exec-error', detail: `nslookup could not be run in the probe container (${evidence}): the probe image needs nslookup` };
  }
  if (exitCode === 0 && ANSWER.test(text)) return { outcome: 'resolved', detail: evidence };
  if (NXDOMAIN.test(text)) return { outcome: 'dns-nxdomain', detail: evidence };
  if (UNREACHABLE.test(text)) return { outcome: 'dns-unreachable', detail: evidence };
  if (exitCode === 0 || exitCode === 1) return { outcome: 'dns-error', detail: evidence };
  return { outcome: 'exec-error', detail: `nslookup failed with exit code ${exitCode}, which is not a DNS outcome (${evidence})` };
}

function excerpt(text: string): string {
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
}
