/** A probe's raw result (exit code, stdout, stderr) as an Outcome, by the tool that made it. */
import { classifyAgnhostConnect } from './agnhost-connect-outcome.js';
import { classifyCurl } from './curl-outcome.js';
import { classifyNslookup } from './nslookup-outcome.js';
import type { ProbeKind, ProbeObservation } from './probe-request.js';

export function classifyProbe(kind: ProbeKind, exitCode: number, stdout: string, stderr: string): ProbeObservation {
  switch (kind) {
    case 'tcp':
      return classifyCurl(exitCode, stdout, stderr);
    case 'udp':
    case 'sctp':
      return classifyAgnhostConnect(exitCode, stdout, stderr);
    case 'dns':
      return classifyNslookup(exitCode, stdout, stderr);
  }
}
