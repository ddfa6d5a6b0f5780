/** Reads model.yaml: the namespaces, pods (labels, fake IPs) and matrix order that matrix cases start from. */
import { isValidIp } from '../model/index.js';
import type { NamespaceInfo } from '../model/index.js';
import type { PathReader } from '../util/yaml/index.js';
import type { CorpusModel, CorpusPod } from './corpus-types.js';

/** Reads the parsed model.yaml `file` (`value`); undefined when it has a problem. */
export function readCorpusModel(reader: PathReader, value: unknown, file: string): CorpusModel | undefined {
  const root = reader.map(value, []);
  if (root === undefined) return undefined;
  const name = reader.string(reader.required(root, 'name', []), ['name']);

  const namespaces: NamespaceInfo[] = [];
  const namespaceMap = reader.map(reader.required(root, 'namespaces', []), ['namespaces']);
  for (const [ns, value] of Object.entries(namespaceMap ?? {})) {
    const path = ['namespaces', ns];
    const entry = reader.map(value, path);
    if (entry === undefined) continue;
    const labels = reader.stringMap(reader.required(entry, 'labels', path), [...path, 'labels']);
    if (labels !== undefined) namespaces.push({ name: ns, labels });
  }

  const pods: CorpusPod[] = [];
  const podMap = reader.map(reader.required(root, 'pods', []), ['pods']);
  for (const [key, value] of Object.entries(podMap ?? {})) {
    const path = ['pods', key];
    const entry = reader.map(value, path);
    if (entry === undefined) continue;
    const namespace = reader.string(reader.required(entry, 'namespace', path), [...path, 'namespace']);
    const podName = reader.string(reader.required(entry, 'name', path), [...path, 'name']);
    const labels = reader.stringMap(reader.required(entry, 'labels', path), [...path, 'labels']);
    const ip = reader.string(reader.required(entry, 'ip', path), [...path, 'ip']);
    if (namespace === undefined || podName === undefined || labels === undefined || ip === undefined) continue;
    if (`${namespace}/${podName}` !== key) {
      reader.problem(path, `pod key ${key} does not match its namespace/name ${namespace}/${podName}`, 'key');
      continue;
    }
    if (!namespaces.some((n) => n.name === namespace)) {
      reader.problem([...path, 'namespace'], `namespace ${namespace} is not under "namespaces" (found ${namespaces.map((n) => n.name).join(', ') || 'none'})`);
      continue;
    }
    if (!isValidIp(ip)) {
      reader.problem([...path, 'ip'], `expected an IPv4 or IPv6 address, found ${JSON.stringify(ip)}`);
      continue;
    }
    pods.push({ namespace, name: podName, key, labels, ip, position: reader.issues.position(path, 'key') });
  }

  const matrixOrder = reader.stringList(reader.required(root, 'matrix_order', []), ['matrix_order']);
  matrixOrder?.forEach((key, i) => {
    if (!pods.some((p) => p.key === key)) reader.problem(['matrix_order', i], `pod ${key} is not under "pods"`);
  });
  if (matrixOrder !== undefined && podMap !== undefined && matrixOrder.length !== Object.keys(podMap).length) {
    reader.problem(['matrix_order'], `expected every pod exactly once (${Object.keys(podMap).length}), found ${matrixOrder.length} entries`);
  }
  if (name === undefined || matrixOrder === undefined) return undefined;
  return { file, name, matrixOrder, namespaces, pods };
}
