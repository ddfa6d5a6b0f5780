/**
 * Turns a traffic check (ad-hoc peers that belong to no shared model) into a cluster state and one connection.
 * Ad-hoc pods are named `source` and `destination` in their namespaces; namespaces carry exactly the labels the
 * check gives them (Cyclonus tests use `{ns: x}` or none, not kubernetes.io/metadata.name).
 */
import type { ClusterState, Endpoint, NamespaceInfo, NetworkPolicy, PodInfo, Traffic } from '../model/index.js';
import type { CheckPeer, TrafficCheck } from './corpus-types.js';

/**
 * The port number given to a check asked only by port name (`port: null`, a container port with no number): the
 * source fixes none, so any number serves; the connection carries the name as Traffic.portName too.
 */
export const STAND_IN_PORT = 65535;

export const SOURCE_POD_NAME = 'source';
export const DESTINATION_POD_NAME = 'destination';

export interface CheckConnection {
  state: ClusterState;
  traffic: Traffic;
  /** `y/source`, `external 1.2.3.4`. */
  sourceText: string;
  destinationText: string;
}

function podOf(peer: Extract<CheckPeer, { kind: 'pod' }>, name: string, portNumber: number): PodInfo {
  return {
    namespace: peer.namespace,
    name,
    labels: peer.podLabels,
    ips: [peer.ip],
    ports: peer.containerPorts.map((p) => ({
      port: p.containerPort ?? portNumber,
      protocol: p.protocol,
      ...(p.name === undefined ? {} : { name: p.name }),
    })),
  };
}

function endpointOf(peer: CheckPeer, name: string): Endpoint {
  return peer.kind === 'external' ? { kind: 'external', ip: peer.ip } : { kind: 'pod', namespace: peer.namespace, name };
}

function textOf(peer: CheckPeer, name: string): string {
  return peer.kind === 'external' ? `external ${peer.ip}` : `${peer.namespace}/${name}`;
}

/** The state (the case's policies, the check's peers) and the connection a traffic check asks about. */
export function checkConnection(policies: readonly NetworkPolicy[], check: TrafficCheck): CheckConnection {
  const port = check.port ?? STAND_IN_PORT;
  const pods: PodInfo[] = [];
  const namespaces: NamespaceInfo[] = [];
  const addNamespace = (name: string, labels: NamespaceInfo['labels']) => {
    if (!namespaces.some((n) => n.name === name)) namespaces.push({ name, labels });
  };
  if (check.source.kind === 'pod') {
    pods.push(podOf(check.source, SOURCE_POD_NAME, port));
    addNamespace(check.source.namespace, check.source.namespaceLabels);
  }
  if (check.destination.kind === 'pod') {
    pods.push(podOf(check.destination, DESTINATION_POD_NAME, port));
    addNamespace(check.destination.namespace, check.destination.namespaceLabels);
  }
  for (const policy of policies) addNamespace(policy.metadata.namespace, {});
  const traffic: Traffic = {
    source: endpointOf(check.source, SOURCE_POD_NAME),
    destination: endpointOf(check.destination, DESTINATION_POD_NAME),
    port,
    protocol: check.protocol,
  };
  if (check.portName !== undefined) traffic.portName = check.portName;
  return {
    state: { namespaces, pods, policies: [...policies] },
    traffic,
    sourceText: textOf(check.source, SOURCE_POD_NAME),
    destinationText: textOf(check.destination, DESTINATION_POD_NAME),
  };
}
