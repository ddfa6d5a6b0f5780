/** Defaults of the cluster providers: shape, names and bounded waits. Versions are in versions.ts. */

/** Name of the kind cluster `netpol-e2e run --cluster kind` creates. */
export const DEFAULT_KIND_CLUSTER_NAME = 'netpol-e2e';

export const DEFAULT_KIND_WORKERS = 2;

/**
 * The pod subnet of created clusters, and so the Calico IPv4 pool (CALICO_IPV4POOL_CIDR is set to it on the
 * calico-node DaemonSet). 192.168.0.0/16 is Calico's own default pool, and stays clear of kind's docker network
 * (172.18.0.0/16 by default) and service range (10.112.0.0/16, kind-config/netpol-e2e-cluster.yaml).
 */
export const DEFAULT_POD_SUBNET = '192.168.0.0/16';

/** kind's own podSubnet default, which applies when a user-supplied kind config does not set one. */
export const KIND_DEFAULT_POD_SUBNET = '10.244.0.0/16';

/** The docker network kind puts its nodes on (unless KIND_EXPERIMENTAL_DOCKER_NETWORK says otherwise). */
export const KIND_DOCKER_NETWORK = 'kind';

/** Bounds on each wait while provisioning, in milliseconds. */
export interface ClusterTimeouts {
  /** `kind create cluster` as a whole. */
  createClusterMs: number;
  /** Downloading the Calico manifest. */
  downloadMs: number;
  /** Each CustomResourceDefinition to be Established. */
  crdEstablishedMs: number;
  /** The calico-node DaemonSet to be ready on every node. */
  calicoNodeMs: number;
  /** The calico-kube-controllers Deployment to be available. */
  calicoControllersMs: number;
  /** CoreDNS to be available (it waits for the CNI). */
  coreDnsMs: number;
  /** Every node to be Ready. */
  nodesReadyMs: number;
  /** `kind load docker-image` per image. */
  loadImageMs: number;
  /** Short commands: docker version, kind version, kind get clusters. */
  commandMs: number;
  /** Interval between looks while waiting. */
  pollIntervalMs: number;
}

export const DEFAULT_CLUSTER_TIMEOUTS: Readonly<ClusterTimeouts> = {
  createClusterMs: 10 * 60_000,
  downloadMs: 60_000,
  crdEstablishedMs: 60_000,
  calicoNodeMs: 5 * 60_000,
  calicoControllersMs: 5 * 60_000,
  coreDnsMs: 3 * 60_000,
  nodesReadyMs: 3 * 60_000,
  loadImageMs: 3 * 60_000,
  commandMs: 30_000,
  pollIntervalMs: 2_000,
};

/** Where CoreDNS runs in kind (and kubeadm) clusters. */
export const COREDNS = { namespace: 'kube-system', name: 'coredns' } as const;

/** The workloads of Calico's manifest install. */
export const CALICO_WORKLOADS = {
  namespace: 'kube-system',
  nodeDaemonSet: 'calico-node',
  nodeContainer: 'calico-node',
  controllersDeployment: 'calico-kube-controllers',
} as const;
