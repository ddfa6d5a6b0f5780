/**
 * The probe pod of one workload: a `probe` container that idles (`agnhost pause`) and is where probes are
 * exec'd (it needs /bin/sh, curl, nslookup and /agnhost), plus one server container per declared port:
 *   TCP   agnhost porter with SERVE_PORT_<port>        (answers HTTP with "<namespace>/<name>")
 *   UDP   agnhost serve-hostname --udp --http=false    (answers each datagram with the hostname)
 *   SCTP  agnhost porter with SERVE_SCTP_PORT_<port>
 * One container per port keeps a failing server (e.g. SCTP on a kernel without it) from taking the others down,
 * and lets each containerPort carry its name for named-port policies.
 */
import type { KubeObject } from '../kube/index.js';
import type { PodPort, Protocol } from '../model/index.js';

export const PROBE_CONTAINER = 'probe';

export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface ProbePodSpec {
  namespace: string;
  name: string;
  /** Every label of the pod (the workload's own plus the run's). */
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  ports: readonly PodPort[];
  image: string;
  imagePullPolicy: ImagePullPolicy;
}

/** `serve-<port>-<protocol>`, e.g. serve-80-tcp: the container serving that port. */
export function serverContainerName(port: number, protocol: Protocol): string {
  return `serve-${port}-${protocol.toLowerCase()}`;
}

export function buildProbePod(spec: ProbePodSpec): KubeObject {
  const body = `${spec.namespace}/${spec.name}`;
  const servers = spec.ports.map((port) => serverContainer(port, body, spec));
  const metadata: KubeObject['metadata'] = { name: spec.name, namespace: spec.namespace, labels: { ...spec.labels } };
  if (spec.annotations) metadata.annotations = { ...spec.annotations };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: {
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: 'Always',
      containers: [
        {
          name: PROBE_CONTAINER,
          image: spec.image,
          imagePullPolicy: spec.imagePullPolicy,
          command: ['/agnhost'],
          args: ['pause'],
        },
        ...servers,
      ],
    },
  };
}

function serverContainer(port: PodPort, body: string, spec: ProbePodSpec): Record<string, unknown> {
  const containerPort: Record<string, unknown> = { containerPort: port.port, protocol: port.protocol };
  if (port.name) containerPort.name = port.name;
  const base = {
    name: serverContainerName(port.port, port.protocol),
    image: spec.image,
    imagePullPolicy: spec.imagePullPolicy,
    command: ['/agnhost'],
    ports: [containerPort],
  };
  switch (port.protocol) {
    case 'TCP':
      return {
        ...base,
        args: ['porter'],
        env: [{ name: `SERVE_PORT_${port.port}`, value: body }],
        readinessProbe: { tcpSocket: { port: port.port }, periodSeconds: 2, failureThreshold: 1 },
      };
    case 'UDP':
      return { ...base, args: ['serve-hostname', '--udp', '--http=false', '--port', String(port.port)] };
    case 'SCTP':
      return { ...base, args: ['porter'], env: [{ name: `SERVE_SCTP_PORT_${port.port}`, value: body }] };
  }
}
