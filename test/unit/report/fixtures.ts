/**
 * RunResult fixtures for the reporter tests: a static verify run (failures, a Service with a mixed verdict, a step,
 * a matrix), a conformance run (truth-table testcases), a live run with every Outcome plus flaky, error and
 * skipped cells, and a run whose setup failed before any cell ran. Durations and timestamps are fixed, so every
 * report is deterministic.
 */
import type {
  CellExpectation,
  CellResult,
  CellStatus,
  MatrixResult,
  MatrixSymbol,
  ModelResult,
  Observation,
  RunResult,
  SuiteResult,
} from '../../../src/results/results.js';

const TOOL = { name: 'netpol-e2e', version: '0.1.0' };
const INITIAL = { index: 0, name: 'initial' };

interface CellSpec {
  id: string;
  name: string;
  kind?: CellResult['kind'];
  step?: { index: number; name: string };
  line: number;
  source: string;
  target: string;
  port?: number | string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  expected: CellExpectation;
  status: CellStatus;
  model?: ModelResult;
  observed?: Observation;
  message?: string;
  cellId?: string;
}

function cell(file: string, spec: CellSpec): CellResult {
  const step = spec.step ?? INITIAL;
  const result: CellResult = {
    assertionId: spec.id,
    cellId: spec.cellId ?? (step.index === 0 ? spec.id : `${spec.id}@${step.index}`),
    name: spec.name,
    kind: spec.kind ?? 'connect',
    step,
    position: { file, line: spec.line, column: 5 },
    source: spec.source,
    sourceNamespace: spec.source.split('/')[0] ?? spec.source,
    target: spec.target,
    expected: spec.expected,
    status: spec.status,
  };
  if (spec.port !== undefined) result.port = spec.port;
  if (spec.protocol !== undefined) result.protocol = spec.protocol;
  if (spec.model !== undefined) result.model = spec.model;
  if (spec.observed !== undefined) result.observed = spec.observed;
  if (spec.message !== undefined) result.message = spec.message;
  return result;
}

function observation(outcome: Observation['outcome'], verdict: Observation['verdict'], detail: string, durationMs: number, extra: Partial<Observation> = {}): Observation {
  return { outcome, verdict, detail, attempts: 1, durationMs, ...extra };
}

const ALLOW_API: ModelResult = {
  verdict: 'allow',
  explanation: [
    'egress: prod/frontend is not selected by any policy for Egress, so its egress is not isolated',
    'ingress: prod/api is selected by prod/api-ingress; rule 0 peer 0 (podSelector app=frontend) admits prod/frontend on port 8080/TCP',
  ],
};

const DENY_BATCH: ModelResult = {
  verdict: 'deny',
  explanation: [
    'egress: prod/batch is not selected by any policy for Egress, so its egress is not isolated',
    'ingress: prod/api is selected by prod/api-ingress, prod/default-deny; no ingress rule admits prod/batch on port 8080/TCP',
  ],
};

/** Matrix cells of a 3x3 table in verify: every off-diagonal cell, judged by the model. */
function matrixCells(file: string, matrix: MatrixResult, id: string, rowLines: number[]): CellResult[] {
  const cells: CellResult[] = [];
  matrix.rows.forEach((row, r) => {
    matrix.columns.forEach((column, c) => {
      const expected = matrix.expected[r]?.[c];
      const got = matrix.observed[r]?.[c];
      if (expected === undefined || expected === 'skip' || got === undefined) return;
      const modelVerdict = got === 'allow' ? 'allow' : 'deny';
      cells.push(
        cell(file, {
          id,
          cellId: `${id}[${row}->${column}]`,
          kind: 'matrix',
          name: `${row} -> ${column}:${matrix.port}/${matrix.protocol} should be ${expected === 'allow' ? 'allowed' : 'denied'}`,
          line: rowLines[r] ?? matrix.position.line,
          source: row,
          target: column,
          port: matrix.port,
          protocol: matrix.protocol,
          expected: expected === 'allow' ? 'allow' : 'deny',
          status: expected === got ? 'passed' : 'failed',
          model: {
            verdict: modelVerdict,
            explanation: [
              modelVerdict === 'allow'
                ? `ingress: ${column} is not isolated for Ingress in namespace ${column.split('/')[0]}`
                : `ingress: ${column} is selected by ${column.split('/')[0]}/default-deny; no ingress rule admits ${row}`,
            ],
          },
          ...(expected === got ? {} : { message: `the suite expects ${expected} but the model says ${got}` }),
        }),
      );
    });
  });
  return cells;
}

export function staticVerifyRun(): RunResult {
  const file = 'suites/prod-api.yaml';
  const isolation: MatrixResult = {
    assertionId: 'isolation',
    step: INITIAL,
    position: { file, line: 60, column: 5 },
    port: 8080,
    protocol: 'TCP',
    rows: ['prod/frontend', 'prod/api', 'dev/tools'],
    columns: ['prod/frontend', 'prod/api', 'dev/tools'],
    expected: [
      ['skip', 'allow', 'allow'],
      ['allow', 'skip', 'allow'],
      ['allow', 'deny', 'skip'],
    ],
    observed: [
      ['skip', 'allow', 'allow'],
      ['allow', 'skip', 'allow'],
      ['allow', 'allow', 'skip'],
    ],
  };
  const prodApi: SuiteResult = {
    name: 'prod-api',
    file,
    durationMs: 42,
    timings: [
      { name: 'load', ms: 9 },
      { name: 'model', ms: 31 },
    ],
    errors: [],
    matrices: [isolation],
    cells: [
      cell(file, {
        id: 'frontend-to-api',
        name: 'prod/frontend -> prod/api:8080/TCP should be allowed',
        line: 31,
        source: 'prod/frontend',
        target: 'prod/api',
        port: 8080,
        protocol: 'TCP',
        expected: 'allow',
        status: 'passed',
        model: ALLOW_API,
      }),
      cell(file, {
        id: 'batch-to-api',
        name: 'prod/batch -> prod/api:8080/TCP should be allowed',
        line: 37,
        source: 'prod/batch',
        target: 'prod/api',
        port: 8080,
        protocol: 'TCP',
        expected: 'allow',
        status: 'failed',
        model: DENY_BATCH,
        message: 'the suite expects allow but the model says deny: no policy admits prod/batch; add it to an ingress rule of prod/api-ingress or change the expectation',
      }),
      cell(file, {
        id: 'frontend-to-api-service',
        name: 'prod/frontend -> service prod/api:http/TCP should be allowed',
        line: 43,
        source: 'prod/frontend',
        target: 'service prod/api',
        port: 'http',
        protocol: 'TCP',
        expected: 'allow',
        status: 'failed',
        model: {
          verdict: 'mixed',
          explanation: [
            'service prod/api selects 2 pods: prod/api (allowed) and prod/api-canary (denied)',
            'ingress: prod/api-canary is selected by prod/default-deny; no ingress rule admits prod/frontend',
          ],
        },
        message: 'the Service prod/api has backends with different verdicts; the suite expects all of them to allow',
      }),
      cell(file, {
        id: 'frontend-dns-external',
        name: 'prod/frontend resolves example.com: should be blocked',
        kind: 'dns',
        line: 49,
        source: 'prod/frontend',
        target: 'dns example.com',
        port: 53,
        protocol: 'UDP',
        expected: 'blocked',
        status: 'failed',
        model: {
          verdict: 'allow',
          explanation: ['egress: prod/frontend is selected by prod/allow-dns; rule 0 admits kube-system/coredns on port 53/UDP'],
        },
        message: 'the suite expects DNS to be blocked but the model allows egress to the cluster DNS',
      }),
      ...matrixCells(file, isolation, 'isolation', [62, 63, 64]),
      cell(file, {
        id: 'frontend-to-api',
        name: 'prod/frontend -> prod/api:8080/TCP should be denied',
        step: { index: 1, name: 'deny all ingress' },
        line: 75,
        source: 'prod/frontend',
        target: 'prod/api',
        port: 8080,
        protocol: 'TCP',
        expected: 'deny',
        status: 'passed',
        model: {
          verdict: 'deny',
          explanation: ['ingress: prod/api is selected by prod/default-deny; no ingress rule admits prod/frontend'],
        },
      }),
    ],
  };
  const devFile = 'suites/dev-tools.yaml';
  const devTools: SuiteResult = {
    name: 'dev-tools',
    file: devFile,
    durationMs: 7,
    timings: [],
    errors: [],
    matrices: [],
    cells: [
      cell(devFile, {
        id: 'tools-to-api',
        name: 'dev/tools -> prod/api:8080/TCP should be denied',
        line: 18,
        source: 'dev/tools',
        target: 'prod/api',
        port: 8080,
        protocol: 'TCP',
        expected: 'deny',
        status: 'passed',
        model: { verdict: 'deny', explanation: ['ingress: prod/api is selected by prod/default-deny; no ingress rule admits dev/tools'] },
      }),
    ],
  };
  return {
    tool: TOOL,
    command: 'verify',
    startedAt: '2025-11-20T09:15:00.000Z',
    durationMs: 61,
    suites: [prodApi, devTools],
    errors: [],
    timings: [{ name: 'load suites', ms: 14 }],
    environment: {},
  };
}

function allCells(symbol: MatrixSymbol, size: number): MatrixSymbol[][] {
  return Array.from({ length: size }, () => Array.from({ length: size }, () => symbol));
}

export function conformanceRun(): RunResult {
  const file = 'corpus/cases/e2e-updated-policy.yaml';
  const pods = ['x/a', 'x/b', 'y/a', 'y/b'];
  const step1: MatrixResult = {
    assertionId: 'e2e-updated-policy',
    step: { index: 1, name: 'create x/allow-all-mutate-to-deny-all' },
    position: { file, line: 38, column: 9 },
    port: 81,
    protocol: 'TCP',
    rows: pods,
    columns: pods,
    expected: allCells('allow', 4).map((row, r) => row.map((s, c) => (r === c ? 'skip' : s))),
    observed: allCells('allow', 4).map((row, r) => row.map((s, c) => (r === c ? 'skip' : s))),
  };
  const expected2: MatrixSymbol[][] = pods.map((_, r) => pods.map((column, c) => (r === c ? 'skip' : column.startsWith('x/') ? 'deny' : 'allow')));
  const observed2 = expected2.map((row) => [...row]);
  // The model gets two cells wrong: it lets y/a and y/b into x/b.
  observed2[2]![1] = 'allow';
  observed2[3]![1] = 'allow';
  const step2: MatrixResult = {
    assertionId: 'e2e-updated-policy',
    step: { index: 2, name: 'update x/allow-all-mutate-to-deny-all' },
    position: { file, line: 71, column: 9 },
    port: 81,
    protocol: 'TCP',
    rows: pods,
    columns: pods,
    expected: expected2,
    observed: observed2,
  };
  const updated: SuiteResult = {
    name: 'e2e-updated-policy',
    file,
    durationMs: 5,
    timings: [],
    errors: [],
    matrices: [step1, step2],
    cells: [
      cell(file, {
        id: 'e2e-updated-policy',
        cellId: 'e2e-updated-policy@1[81/TCP]',
        kind: 'matrix',
        name: 'should enforce updated policy: port 81/TCP',
        step: step1.step,
        line: 38,
        source: 'x/a',
        target: 'every pod',
        port: 81,
        protocol: 'TCP',
        expected: 'table',
        status: 'passed',
      }),
      cell(file, {
        id: 'e2e-updated-policy',
        cellId: 'e2e-updated-policy@2[81/TCP]',
        kind: 'matrix',
        name: 'should enforce updated policy: port 81/TCP',
        step: step2.step,
        line: 71,
        source: 'x/a',
        target: 'every pod',
        port: 81,
        protocol: 'TCP',
        expected: 'table',
        status: 'failed',
        message: '2 of 12 asserted cells differ: y/a -> x/b, y/b -> x/b are allowed by the model but denied upstream',
      }),
    ],
  };
  const cycFile = 'corpus/cases/cyclonus-ingress-named-port.yaml';
  const cyclonus: SuiteResult = {
    name: 'cyclonus-ingress-named-port',
    file: cycFile,
    durationMs: 1,
    timings: [],
    errors: [],
    matrices: [],
    cells: [
      cell(cycFile, {
        id: 'named-port-ingress',
        name: 'external 10.0.0.1 -> y/b:serve-80-tcp/TCP should be allowed',
        line: 24,
        source: 'external/10.0.0.1',
        target: 'y/b',
        port: 'serve-80-tcp',
        protocol: 'TCP',
        expected: 'allow',
        status: 'passed',
        model: { verdict: 'allow', explanation: ['ingress: y/b is selected by y/allow-named-port; rule 0 port 0 (serve-80-tcp) admits port 80/TCP'] },
      }),
    ],
  };
  return {
    tool: TOOL,
    command: 'conformance',
    startedAt: '2025-11-20T09:20:00.000Z',
    durationMs: 19,
    suites: [updated, cyclonus],
    errors: [],
    timings: [],
    environment: {},
  };
}

export function liveRun(): RunResult {
  const file = 'suites/prod-api.yaml';
  const allowDns: ModelResult = {
    verdict: 'allow',
    explanation: ['egress: prod/frontend is selected by prod/allow-dns; rule 0 admits kube-system/coredns on port 53/UDP'],
  };
  const denyDns: ModelResult = {
    verdict: 'deny',
    explanation: ['egress: prod/batch is selected by prod/default-deny-egress; no egress rule admits kube-system/coredns'],
  };
  const web: MatrixResult = {
    assertionId: 'web-tier',
    step: INITIAL,
    position: { file, line: 90, column: 5 },
    port: 80,
    protocol: 'TCP',
    rows: ['prod/frontend', 'prod/api', 'prod/batch'],
    columns: ['prod/frontend', 'prod/api', 'prod/batch'],
    expected: [
      ['skip', 'allow', 'deny'],
      ['deny', 'skip', 'deny'],
      ['deny', 'deny', 'skip'],
    ],
    observed: [
      ['skip', 'allow', 'error'],
      ['deny', 'skip', 'flaky'],
      ['allow', 'deny', 'skip'],
    ],
  };
  const prodApi: SuiteResult = {
    name: 'prod-api',
    file,
    durationMs: 48_250,
    timings: [
      { name: 'deploy probes', ms: 21_400 },
      { name: 'settle policies', ms: 3_050 },
      { name: 'probe', ms: 23_800 },
    ],
    errors: [],
    matrices: [web],
    cells: [
      cell(file, {
        id: 'frontend-to-api',
        name: 'prod/frontend -> prod/api:8080/TCP should be allowed',
        line: 31,
        source: 'prod/frontend',
        target: 'prod/api',
        port: 8080,
        protocol: 'TCP',
        expected: 'allow',
        status: 'passed',
        model: ALLOW_API,
        observed: observation('connected', 'allow', 'HTTP 200 from api-7d9f', 84),
      }),
      cell(file, {
        id: 'batch-to-api',
        name: 'prod/batch -> prod/api:8080/TCP should be allowed',
        line: 37,
        source: 'prod/batch',
        target: 'prod/api',
        port: 8080,
        protocol: 'TCP',
        expected: 'allow',
        status: 'failed',
        model: DENY_BATCH,
        observed: observation('timeout', 'deny', 'curl exit 28: Connection timed out after 2001 milliseconds', 2_012),
        message: 'prod/batch could not reach prod/api: the suite expects allow',
      }),
      cell(file, {
        id: 'tools-to-api',
        name: 'dev/tools -> prod/api:8080/TCP should be denied',
        line: 43,
        source: 'dev/tools',
        target: 'prod/api',
        port: 8080,
        protocol: 'TCP',
        expected: 'deny',
        status: 'failed',
        model: { verdict: 'deny', explanation: ['ingress: prod/api is selected by prod/default-deny; no ingress rule admits dev/tools'] },
        observed: observation('connected', 'allow', 'HTTP 200 from api-7d9f', 91),
        message: 'dev/tools reached prod/api although the suite expects deny',
      }),
      cell(file, {
        id: 'frontend-to-metrics',
        name: 'prod/frontend -> prod/api:9090/TCP should be denied',
        line: 49,
        source: 'prod/frontend',
        target: 'prod/api',
        port: 9090,
        protocol: 'TCP',
        expected: 'deny',
        status: 'passed',
        model: { verdict: 'deny', explanation: ['ingress: prod/api is selected by prod/api-ingress; no ingress rule admits port 9090/TCP'] },
        observed: observation('refused', 'deny', 'curl exit 7: Connection refused', 3),
      }),
      cell(file, {
        id: 'frontend-dns-api',
        name: 'prod/frontend resolves api.prod.svc.cluster.local: should resolve',
        kind: 'dns',
        line: 55,
        source: 'prod/frontend',
        target: 'dns api.prod.svc.cluster.local',
        expected: 'resolves',
        status: 'passed',
        model: allowDns,
        observed: observation('resolved', 'resolves', 'Address: 10.96.14.2 (server 10.96.0.10)', 12),
      }),
      cell(file, {
        id: 'frontend-dns-missing',
        name: 'prod/frontend resolves missing.prod.svc.cluster.local: should be NXDOMAIN',
        kind: 'dns',
        line: 60,
        source: 'prod/frontend',
        target: 'dns missing.prod.svc.cluster.local',
        expected: 'nxdomain',
        status: 'passed',
        model: allowDns,
        observed: observation('dns-nxdomain', 'nxdomain', "** server can't find missing.prod.svc.cluster.local: NXDOMAIN", 9),
      }),
      cell(file, {
        id: 'batch-dns-blocked',
        name: 'prod/batch resolves example.com: should be blocked',
        kind: 'dns',
        line: 65,
        source: 'prod/batch',
        target: 'dns example.com',
        expected: 'blocked',
        status: 'passed',
        model: denyDns,
        observed: observation('dns-unreachable', 'blocked', ';; connection timed out; no servers could be reached', 5_004),
      }),
      cell(file, {
        id: 'frontend-dns-partner',
        name: 'prod/frontend resolves partner.example: should resolve',
        kind: 'dns',
        line: 70,
        source: 'prod/frontend',
        target: 'dns partner.example',
        expected: 'resolves',
        status: 'error',
        model: allowDns,
        observed: observation('dns-error', undefined, "** server can't find partner.example: SERVFAIL", 31),
        message: 'the lookup failed with SERVFAIL, which says nothing about the policy; check the upstream resolver of CoreDNS',
      }),
      cell(file, {
        id: 'frontend-to-partner',
        name: 'prod/frontend -> external partner (203.0.113.10):443/TCP should be allowed',
        line: 76,
        source: 'prod/frontend',
        target: 'external partner (203.0.113.10)',
        port: 443,
        protocol: 'TCP',
        expected: 'allow',
        status: 'error',
        model: { verdict: 'allow', explanation: ['egress: prod/frontend is selected by prod/allow-partner; rule 0 peer 0 (ipBlock 203.0.113.0/24) admits 203.0.113.10 on port 443/TCP'] },
        observed: observation('exec-error', undefined, 'exec into prod/frontend-probe failed: container "probe" not found', 220),
        message: 'the probe could not run in prod/frontend: the exec transport failed; the cell was not judged',
      }),
      cell(file, {
        id: 'batch-to-frontend',
        name: 'prod/batch -> prod/frontend:80/TCP should be denied',
        line: 82,
        source: 'prod/batch',
        target: 'prod/frontend',
        port: 80,
        protocol: 'TCP',
        expected: 'deny',
        status: 'flaky',
        model: { verdict: 'deny', explanation: ['ingress: prod/frontend is selected by prod/default-deny; no ingress rule admits prod/batch'] },
        observed: observation('timeout', 'deny', 'attempt 2: HTTP 200 from frontend-5c4b', 6_030, {
          attempts: 3,
          history: ['timeout', 'connected', 'timeout'],
        }),
        message: 'the outcome changed between attempts; the policy may not have settled',
      }),
      cell(file, {
        id: 'frontend-to-sctp',
        name: 'prod/frontend -> prod/api:3868/SCTP should be allowed',
        line: 86,
        source: 'prod/frontend',
        target: 'prod/api',
        port: 3868,
        protocol: 'SCTP',
        expected: 'allow',
        status: 'skipped',
        model: ALLOW_API,
        message: 'SCTP is not enabled on this cluster (kind without the SCTP module)',
      }),
    ],
  };
  return {
    tool: TOOL,
    command: 'run',
    runId: 'r7k2x',
    startedAt: '2025-11-20T10:00:00.000Z',
    durationMs: 95_420,
    suites: [prodApi],
    errors: [],
    timings: [
      { name: 'cluster ready', ms: 41_870 },
      { name: 'suites', ms: 48_250 },
      { name: 'cleanup', ms: 5_300 },
    ],
    environment: {
      cluster: 'kind-netpol-e2e',
      cni: 'calico v3.29.1',
      kubernetes: 'v1.31.2',
      'probe-image': 'ghcr.io/netpol-e2e/probe:0.1.0',
    },
  };
}

export function setupFailedRun(): RunResult {
  return {
    tool: TOOL,
    command: 'run',
    runId: 'q3m9v',
    startedAt: '2025-11-20T11:00:00.000Z',
    durationMs: 182_300,
    suites: [
      {
        name: 'prod-api',
        file: 'suites/prod-api.yaml',
        fixtureLine: 6,
        durationMs: 120_400,
        timings: [],
        errors: [
          {
            code: 'TIMEOUT',
            message:
              'probe pods in namespace prod-q3m9v not Ready after 120 s (2 of 3 Ready; prod/api in ImagePullBackOff for image ghcr.io/netpol-e2e/probe:0.1.0)',
            hint: 'preload the probe image into the cluster (kind load docker-image) or check the registry credentials',
            suite: 'prod-api',
          },
        ],
        matrices: [],
        cells: [],
      },
    ],
    errors: [
      {
        code: 'NOT_ENFORCING',
        message: 'the CNI accepts NetworkPolicy objects but did not enforce a default-deny within 30 s (the positive control still connected)',
        hint: 'use a CNI that enforces NetworkPolicy (the kind config of netpol-e2e installs Calico)',
      },
    ],
    timings: [{ name: 'cluster ready', ms: 61_900 }],
    environment: { cluster: 'kind-netpol-e2e', cni: 'kindnet', kubernetes: 'v1.31.2' },
  };
}

export const FIXTURES = {
  'static-verify': staticVerifyRun,
  conformance: conformanceRun,
  live: liveRun,
  'setup-failed': setupFailedRun,
} as const;
