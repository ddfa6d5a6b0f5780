/** `netpol-e2e explain <suite> --from <workload> --to <target> [--port P/PROTO] [--step S]`: one verdict and why. */
import { isIP } from 'node:net';
import { compileModel } from '../../model/index.js';
import type { Protocol } from '../../model/index.js';
import { PROTOCOLS } from '../../model/index.js';
import { modelResultFor } from '../../engine/index.js';
import { clusterDnsWorkload, modelStateFor, planClusterDnsConnection, planConnection, planLookup, planSuite, refKey } from '../../engine/index.js';
import type { Connection, PlannedCell, StepPlan } from '../../engine/index.js';
import type { ModelResult } from '../../results/index.js';
import { loadSuite } from '../../suite/index.js';
import { preservesClientIp, type SourceRef, type Suite, type SuiteService, type SuiteWorkload } from '../../suite/index.js';
import { InputError } from '../../util/index.js';
import { parseCommandArgs, requirePositionals, stringOption } from '../args.js';
import { EXIT } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { checkInterrupted } from '../interruption.js';
import { INPUT_HELP, INPUT_OPTIONS, suiteInputOptionsOf } from '../input-options.js';

export const EXPLAIN_USAGE =
  'netpol-e2e explain <suite> --from <ns/workload | external:name> --to <ns/workload | kube-system/coredns | dns:name | svc:ns/name | external:name | IP> [--port P[/PROTO]] [--step N|name]';

export const EXPLAIN_HELP = `${EXPLAIN_USAGE}

Prints what the Kubernetes spec says of a connection in the suite's fixture and why: which policies select the
source (egress) and the destination (ingress), and which rule and peer admit it, or that none does.

  --from <source>       the source workload (ns/name), or an external of the fixture as a client outside the
                        cluster (external:name; then --to is a workload, or a NodePort Service with
                        externalTrafficPolicy: Local)
  --to <target>         a workload (ns/name), the cluster DNS pod (kube-system/coredns), a DNS lookup
                        (dns:<name>, judged as a dns assertion), a Service (svc:ns/name), an external of the
                        fixture (external:name) or any IP address
  --port <P[/PROTO]>    a port number or name, with TCP (default), UDP or SCTP; default: every port of the target
  --step <N|name>       the suite step whose policies and labels apply (default: 0, the initial policies)

${INPUT_HELP}`;

const OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  port: { type: 'string' },
  step: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...INPUT_OPTIONS,
} as const;

export async function explainCommand(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs('explain', EXPLAIN_USAGE, args, OPTIONS);
  if (parsed.values.help === true) {
    io.stdout.write(`${EXPLAIN_HELP}\n`);
    return EXIT.OK;
  }
  const [suitePath, ...extra] = requirePositionals(parsed, 'explain', EXPLAIN_USAGE, 'the suite file');
  if (extra.length > 0) throw usage(`expected one suite file, got ${extra.length + 1}: ${parsed.positionals.join(' ')}`);
  const from = stringOption(parsed, 'from');
  const to = stringOption(parsed, 'to');
  if (from === undefined) throw usage('--from <ns/workload | external:name> is required');
  if (to === undefined) throw usage('--to <target> is required');
  const suite = await loadSuite(suitePath as string, suiteInputOptionsOf(parsed, 'explain'));
  await checkInterrupted(io);
  const plans = planSuite(suite);
  const plan = pickStep(plans, stringOption(parsed, 'step'));
  const port = parsePort(stringOption(parsed, 'port'));
  const planned = from.startsWith('external:')
    ? { suite, cells: externalSourceCells(suite, from, to, port, plan) }
    : cellsFor(suite, findWorkload(suite, from, '--from'), to, port, plan);
  const model = compileModel(modelStateFor(planned.suite, plan));
  const lines: string[] = [];
  for (const cell of planned.cells) {
    const result = modelResultFor(cell, model, planned.suite);
    const verdict = cell.kind === 'dns' ? dnsVerdictWord(result) : { allow: 'ALLOWED', deny: 'DENIED', mixed: 'MIXED (backends differ)' }[result.verdict];
    lines.push(`${cell.name.replace(/ should (be allowed|be denied|resolve)$/, '')}: ${verdict}`);
    for (const line of result.explanation) lines.push(`  ${line}`);
  }
  io.stdout.write(`step ${plan.step.index} (${plan.step.name}), ${plan.state.policies.size} policies in force\n`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.OK;
}

/** A lookup's verdict as a dns assertion states it: RESOLVES, NXDOMAIN or BLOCKED. */
function dnsVerdictWord(result: ModelResult): string {
  if (result.verdict !== 'allow') return 'BLOCKED';
  if (result.dnsAnswer === 'resolves') return 'RESOLVES';
  if (result.dnsAnswer === 'nxdomain') return 'NXDOMAIN';
  return 'REACHES THE DNS (whether the name exists is not modelled)';
}

/**
 * The cells `--to` names, planned at the step: DNS lookups (dns:<name>) and the cluster DNS pod
 * (kube-system/coredns) by the planner's own functions, everything else as connections.
 */
function cellsFor(suite: Suite, source: SuiteWorkload, to: string, query: PortQuery | undefined, plan: StepPlan): { suite: Suite; cells: PlannedCell[] } {
  const from = { namespace: source.namespace, name: source.name };
  if (to.startsWith('dns:')) {
    const name = to.slice('dns:'.length);
    if (name === '') throw usage('--to dns:<name>: give the name to look up, e.g. dns:kubernetes.default.svc.cluster.local');
    if (query) throw usage(`--port ${query.port}: a DNS lookup goes to the cluster DNS on its DNS port; leave --port out`);
    return { suite, cells: [planLookup(suite, plan, from, name)] };
  }
  if (to === refKey(clusterDnsWorkload(source.position))) {
    const dns = clusterDnsWorkload(source.position);
    const ports = dns.ports.filter((p) => !query || (p.protocol === query.protocol && (p.port === query.port || p.name === query.port)));
    if (ports.length === 0) {
      throw usage(`--port ${query?.port}/${query?.protocol}: ${to} serves ${dns.ports.map((p) => `${p.name ?? '-'}=${p.port}/${p.protocol}`).join(', ')}`);
    }
    return { suite, cells: ports.map((p) => planClusterDnsConnection(suite, plan, from, query ? query.port : (p.name ?? p.port), p.protocol)) };
  }
  const planned = connectionsFor(suite, source, to, query);
  return { suite: planned.suite, cells: planned.connections.map((connection) => planConnection(planned.suite, plan, connection)) };
}

/**
 * `--from external:<name>`: a client outside the cluster, to a workload or to a NodePort Service with
 * externalTrafficPolicy Local (the destinations it may have in a suite).
 */
function externalSourceCells(suite: Suite, from: string, to: string, query: PortQuery | undefined, plan: StepPlan): PlannedCell[] {
  const name = from.slice('external:'.length);
  const external = suite.fixture.externals.find((e) => e.name === name);
  if (!external) throw usage(`--from ${from}: no such external; externals: ${suite.fixture.externals.map((e) => e.name).join(', ') || 'none'}`);
  const source = { external: external.name };
  if (to.startsWith('svc:')) {
    const service = findService(suite, to);
    if (!preservesClientIp(service)) {
      const why = service.type === 'NodePort'
        ? 'its externalTrafficPolicy is Cluster, so a node may SNAT the client to a node address and the policies would judge the node, not the client; declare it with externalTrafficPolicy: Local'
        : 'it is a ClusterIP Service, reachable only inside the cluster; declare it with type: NodePort and externalTrafficPolicy: Local';
      throw usage(`--to ${to}: an external source reaches a Service only through a NodePort that keeps its address, and ${why}`);
    }
    return serviceConnections(source, service, to, query).map((c) => planConnection(suite, plan, c));
  }
  if (!suite.fixture.workloads.some((w) => refKey(w) === to)) {
    throw usage(
      `--to ${to}: from an external source (a client outside the cluster) only a workload of the fixture (ns/name: ${suite.fixture.workloads.map(refKey).join(', ')}) ` +
        'or a NodePort Service with externalTrafficPolicy: Local (svc:ns/name) can be explained; externals, the cluster DNS and lookups are not destinations of external sources',
    );
  }
  return workloadConnections(source, findWorkload(suite, to, '--to'), query).map((c) => planConnection(suite, plan, c));
}

function findService(suite: Suite, to: string): SuiteService {
  const ref = to.slice('svc:'.length);
  const service = suite.fixture.services.find((s) => refKey(s) === ref);
  if (!service) throw usage(`--to ${to}: no such Service; services: ${suite.fixture.services.map(refKey).join(', ') || 'none'}`);
  return service;
}

/** The connections to a Service: every port, or the one --port names. */
function serviceConnections(from: SourceRef, service: SuiteService, to: string, query: PortQuery | undefined): Connection[] {
  const ports = service.ports.filter((p) => !query || (p.protocol === query.protocol && (p.port === query.port || p.name === query.port)));
  if (ports.length === 0) throw usage(`--to ${to}: the Service has no port ${query?.port}/${query?.protocol}`);
  const target = { kind: 'service' as const, namespace: service.namespace, name: service.name };
  return ports.map((sp) => ({ from, to: target, port: sp.port, protocol: sp.protocol }));
}

function usage(message: string): InputError {
  return new InputError([{ message: `netpol-e2e explain: ${message}` }], { hint: `usage: ${EXPLAIN_USAGE}` });
}

function pickStep(plans: StepPlan[], step: string | undefined): StepPlan {
  if (step === undefined) return plans[0] as StepPlan;
  const byIndex = /^\d+$/.test(step) ? plans[Number(step)] : undefined;
  const found = byIndex ?? plans.find((p) => p.step.name === step);
  if (!found) {
    throw usage(`--step ${step}: no such step; the suite has ${plans.map((p) => `${p.step.index} (${p.step.name})`).join(', ')}`);
  }
  return found;
}

function findWorkload(suite: Suite, ref: string, option: string): SuiteWorkload {
  const workload = suite.fixture.workloads.find((w) => refKey(w) === ref);
  if (!workload) {
    const dns = option === '--to' ? `, the cluster DNS pod kube-system/coredns, or a lookup as dns:<name>` : '';
    throw usage(
      `${option} ${ref}: no such workload in ${suite.displayFile}; workloads: ${suite.fixture.workloads.map(refKey).join(', ')}${dns}`,
    );
  }
  return workload;
}

interface PortQuery {
  port: number | string;
  protocol: Protocol;
}

function parsePort(raw: string | undefined): PortQuery | undefined {
  if (raw === undefined) return undefined;
  const match = /^([^/]+)(?:\/(\w+))?$/.exec(raw);
  const protocol = (match?.[2] ?? 'TCP').toUpperCase();
  if (!match || !(PROTOCOLS as readonly string[]).includes(protocol)) {
    throw usage(`--port ${raw}: expected a port number or name, optionally with /TCP, /UDP or /SCTP`);
  }
  const value = match[1] as string;
  const port = /^[-+]?\d+$/.test(value) ? Number(value) : value;
  if (typeof port === 'number' && (port < 1 || port > 65535)) throw usage(`--port ${raw}: a port number must be from 1 to 65535`);
  return { port, protocol: protocol as Protocol };
}

/**
 * The connections `--to` names (every port of the target unless --port), validated with messages for the user,
 * and the suite to plan them in: an IP outside the fixture becomes an external of a copy of the suite.
 */
function connectionsFor(suite: Suite, source: SuiteWorkload, to: string, query: PortQuery | undefined): { suite: Suite; connections: Connection[] } {
  const from = { namespace: source.namespace, name: source.name };
  if (to.startsWith('svc:')) return { suite, connections: serviceConnections(from, findService(suite, to), to, query) };
  if (to.startsWith('external:') || isIP(to) !== 0) {
    const named = to.startsWith('external:') ? suite.fixture.externals.find((e) => e.name === to.slice('external:'.length)) : undefined;
    if (to.startsWith('external:') && !named) {
      throw usage(`--to ${to}: no such external; externals: ${suite.fixture.externals.map((e) => e.name).join(', ') || 'none'}`);
    }
    if (query && typeof query.port !== 'number') throw usage(`--port ${query.port}: named ports only exist on pods; give a number`);
    const external = named ?? { name: to, ip: to, ports: query ? [{ port: query.port as number, protocol: query.protocol }] : [], position: source.position };
    const ports = query ? [{ port: query.port as number, protocol: query.protocol }] : external.ports;
    if (ports.length === 0) throw usage(`--to ${to}: give --port for an address outside the fixture`);
    const withExternal = named ? suite : { ...suite, fixture: { ...suite.fixture, externals: [...suite.fixture.externals, external] } };
    return { suite: withExternal, connections: ports.map((p) => ({ from, to: { kind: 'external' as const, name: external.name }, port: p.port, protocol: p.protocol })) };
  }
  return { suite, connections: workloadConnections(from, findWorkload(suite, to, '--to'), query) };
}

/** The connections to a workload: every port it serves, or the one --port names. */
function workloadConnections(from: SourceRef, workload: SuiteWorkload, query: PortQuery | undefined): Connection[] {
  const to = refKey(workload);
  const target = { kind: 'workload' as const, namespace: workload.namespace, name: workload.name };
  if (!query) {
    if (workload.ports.length === 0) {
      throw usage(`--to ${to}: ${refKey(workload)} serves no port, so there is no connection to explain; give --port <number> to ask about one anyway`);
    }
    return workload.ports.map((p) => ({ from, to: target, port: p.name ?? p.port, protocol: p.protocol }));
  }
  if (typeof query.port !== 'number' && !workload.ports.some((p) => p.name === query.port && p.protocol === query.protocol)) {
    throw usage(
      `--port ${query.port}/${query.protocol}: ${refKey(workload)} has no such named port; its ports: ${
        workload.ports.map((p) => (p.name === undefined ? `${p.port}/${p.protocol}` : `${p.name}=${p.port}/${p.protocol}`)).join(', ') || 'none'
      }`,
    );
  }
  return [{ from, to: target, port: query.port, protocol: query.protocol }];
}
