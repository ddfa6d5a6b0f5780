/**
 * Deploys a suite's fixture: refuses namespaces that exist and are not this run's, applies namespaces, probe
 * pods and Services (server-side apply), starts external targets, waits for readiness and reads back the
 * addresses (pod IPs, ClusterIPs) the probes go to.
 */
import type { StartedExternals } from '../external/index.js';
import type { KubeClient, KubeObject } from '../kube/index.js';
import { mapWithConcurrency } from '../util/index.js';
import type { SuiteFixture, SuiteService, SuiteWorkload } from '../suite/index.js';
import { ClusterError } from '../util/index.js';
import { podKey as refKey } from '../model/index.js';
import { namespaceManifest, podManifest, serviceManifest, type ManifestContext } from './fixture-manifests.js';
import { isRunObject } from './run-labels.js';
import type { ExistingNamespace } from './existing-namespaces.js';

/** Where things are in the cluster, once the fixture is up. */
export interface FixtureAddresses {
  /** `<namespace>/<workload>` → pod IPs, primary first. */
  podIps: ReadonlyMap<string, string[]>;
  /** `<namespace>/<service>` → ClusterIPs (spec.clusterIPs: one per address family on a dual-stack cluster), primary first. */
  serviceIps: ReadonlyMap<string, string[]>;
  /**
   * When set, a workload target is probed through this Service of it (`<namespace>/<workload>` →
   * `<namespace>/<service>`), as upstream's conformance tests do; otherwise at the pod IP.
   */
  workloadServices?: ReadonlyMap<string, string>;
  /** `<namespace>/<workload>` → the node its pod runs on (when known). */
  podNodes?: ReadonlyMap<string, string>;
  /** External name → the Docker container its probes run in, when it is the source of a cell (external sources). */
  externalClients?: ReadonlyMap<string, string>;
  /** `<namespace>/<service>` of a NodePort Service → `<port>/<protocol>` of a Service port → its node port. */
  nodePorts?: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** `<namespace>/<workload>` → the addresses of the node its pod runs on (status.hostIPs), primary first. */
  podHostIps?: ReadonlyMap<string, string[]>;
}

/** The key of a Service port in FixtureAddresses.nodePorts. */
export function servicePortKey(port: number, protocol: string): string {
  return `${port}/${protocol}`;
}

/** What applying a fixture's Services gave: ClusterIPs and, for NodePort Services, the allocated node ports. */
export interface AppliedServices {
  /** `<namespace>/<service>` → ClusterIPs, primary first. */
  serviceIps: Map<string, string[]>;
  nodePorts: Map<string, Map<string, number>>;
}

export interface DeployedFixture {
  context: ManifestContext;
  fixture: SuiteFixture;
  namespaces: string[];
  /** `<namespace>/<workload>` → IPs. */
  podIps: Map<string, string[]>;
  addresses: FixtureAddresses;
  externals?: StartedExternals;
  /** Fixture namespaces that existed before the run, with their real labels and the policies already in them. */
  existingNamespaces?: ExistingNamespace[];
  /** Labels currently applied (suite labels, without the run's), to re-apply only what changes. */
  namespaceLabels: Map<string, Record<string, string>>;
  workloadLabels: Map<string, Record<string, string>>;
}

/** Throws ClusterError when a namespace of the fixture exists and does not belong to this run. */
export async function ensureNamespacesFree(kube: KubeClient, names: readonly string[], runId: string): Promise<string[]> {
  const ours: string[] = [];
  for (const name of names) {
    const existing = await kube.get<KubeObject>({ apiVersion: 'v1', kind: 'Namespace', name });
    if (!existing) continue;
    if (isRunObject(existing.metadata.labels, runId)) {
      ours.push(name);
      continue;
    }
    const otherRun = isRunObject(existing.metadata.labels) ? ` (it belongs to netpol-e2e run ${existing.metadata.labels?.['netpol-e2e.io/run-id']})` : '';
    throw new ClusterError(`namespace ${name} already exists in the cluster and was not created by this run${otherRun}; the suite needs it under exactly this name because policies select namespaces by kubernetes.io/metadata.name`, {
      hint: otherRun
        ? "another netpol-e2e run is using it, or an earlier one left it behind: wait for that run, or remove leftovers with 'netpol-e2e cleanup'"
        : 'run the suite against a cluster (or kind cluster) where its namespaces are free; netpol-e2e never touches namespaces it did not create',
    });
  }
  return ours;
}

/** Applies namespaces, pods and Services; returns the Services' ClusterIPs and node ports. */
export async function applyFixture(kube: KubeClient, fixture: SuiteFixture, context: ManifestContext, concurrency: number, signal?: AbortSignal): Promise<AppliedServices> {
  // an existing namespace is never applied: the run only adds its own objects to it
  for (const namespace of fixture.namespaces.filter((n) => !n.existing)) {
    await kube.apply(namespaceManifest(namespace.name, labelsWithoutName(namespace.labels), context));
  }
  await mapWithConcurrency(fixture.workloads, concurrency, (workload) => kube.apply(podManifest(workload, workload.labels, context)), signal);
  const serviceIps = new Map<string, string[]>();
  const nodePorts = new Map<string, Map<string, number>>();
  await mapWithConcurrency(
    fixture.services,
    concurrency,
    async (service) => {
      const live = await kube.apply(serviceManifest(service, context));
      const spec = (live as ServiceObject).spec;
      const ip = spec?.clusterIP;
      if (!ip || ip === 'None') {
        throw new ClusterError(`Service ${service.namespace}/${service.name} got no ClusterIP (saw ${ip ?? 'none'})`, {
          hint: 'the API server did not allocate a ClusterIP: check its --service-cluster-ip-range and the Service in the artifacts directory',
        });
      }
      // spec.clusterIPs holds one IP per family of a dual-stack Service, the primary (clusterIP) first
      const ips = (spec?.clusterIPs ?? []).filter((other) => other && other !== 'None' && other !== ip);
      serviceIps.set(`${service.namespace}/${service.name}`, [ip, ...ips]);
      if (service.type === 'NodePort') nodePorts.set(`${service.namespace}/${service.name}`, allocatedNodePorts(service, spec));
    },
    signal,
  );
  return { serviceIps, nodePorts };
}

interface ServiceObject extends KubeObject {
  spec?: { clusterIP?: string; clusterIPs?: string[]; ports?: { port?: number; protocol?: string; nodePort?: number }[] };
}

/** The node port the API server allocated to each port of a NodePort Service (`<port>/<protocol>` → node port). */
function allocatedNodePorts(service: SuiteService, spec: ServiceObject['spec']): Map<string, number> {
  const ports = new Map<string, number>();
  for (const port of service.ports) {
    const live = spec?.ports?.find((p) => p.port === port.port && (p.protocol ?? 'TCP') === port.protocol);
    if (live?.nodePort === undefined) {
      throw new ClusterError(`NodePort Service ${service.namespace}/${service.name} got no node port for its port ${port.port}/${port.protocol}`, {
        hint: "the API server did not allocate one: check its --service-node-port-range (is it exhausted?) and the Service in the artifacts directory",
      });
    }
    ports.set(servicePortKey(port.port, port.protocol), live.nodePort);
  }
  return ports;
}

/** Re-applies a namespace with a new complete label set (suite labels; the run's labels are kept). */
export async function relabelNamespace(kube: KubeClient, deployed: DeployedFixture, name: string, labels: Record<string, string>): Promise<void> {
  await kube.apply(namespaceManifest(name, labelsWithoutName(labels), deployed.context));
  deployed.namespaceLabels.set(name, { ...labels });
}

export async function relabelWorkload(kube: KubeClient, deployed: DeployedFixture, workload: SuiteWorkload, labels: Record<string, string>): Promise<void> {
  await kube.apply(podManifest(workload, labels, deployed.context));
  deployed.workloadLabels.set(refKey(workload), { ...labels });
}

/**
 * kubernetes.io/metadata.name is set by the API server to the namespace's name; a suite or corpus may list it
 * among the labels, but it is never applied.
 */
function labelsWithoutName(labels: Record<string, string>): Record<string, string> {
  const { ['kubernetes.io/metadata.name']: _name, ...rest } = labels;
  return rest;
}
