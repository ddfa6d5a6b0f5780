/**
 * Reads a networking.k8s.io/v1 NetworkPolicy from plain YAML data, checking what the API server would: shapes,
 * selector operators, peers (at least one selector or an ipBlock, ipBlock alone), CIDRs, ports and endPort.
 * Unknown fields are reported (a misspelt `podselector` would otherwise silently select everything).
 */
import { isValidCidr } from '../model/cidr.js';
import {
  PROTOCOLS,
  type IPBlock,
  type LabelSelector,
  type LabelSelectorRequirement,
  type NetworkPolicy,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  type PolicyType,
} from '../model/types.js';
import type { PlainObject, ValueReader } from './value-reader.js';
import type { ValuePath } from './yaml-source.js';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
const POLICY_TYPES: readonly PolicyType[] = ['Ingress', 'Egress'];
/** IANA_SVC_NAME, as the API server checks named ports. */
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Absent and null both mean "not set", as for the API server. */
function present(object: PlainObject, key: string): boolean {
  return object[key] !== undefined && object[key] !== null;
}

function checkKeys(reader: ValueReader, object: PlainObject, allowed: readonly string[], path: ValuePath): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) reader.problem([...path, key], `unknown field "${key}" (expected one of ${allowed.join(', ')})`, 'key');
  }
}

function readSelector(reader: ValueReader, value: unknown, path: ValuePath): LabelSelector | undefined {
  const object = reader.object(value, path);
  if (object === undefined) return undefined;
  checkKeys(reader, object, ['matchLabels', 'matchExpressions'], path);
  const selector: LabelSelector = {};
  let ok = true;
  if (present(object, 'matchLabels')) {
    const labels = reader.stringMap(object.matchLabels, [...path, 'matchLabels']);
    if (labels === undefined) ok = false;
    else selector.matchLabels = labels;
  }
  if (present(object, 'matchExpressions')) {
    const expressions = reader.listOf(object.matchExpressions, [...path, 'matchExpressions'], (v, p) => readRequirement(reader, v, p));
    if (expressions === undefined) ok = false;
    else selector.matchExpressions = expressions;
  }
  return ok ? selector : undefined;
}

function readRequirement(reader: ValueReader, value: unknown, path: ValuePath): LabelSelectorRequirement | undefined {
  const object = reader.object(value, path);
  if (object === undefined) return undefined;
  checkKeys(reader, object, ['key', 'operator', 'values'], path);
  const key = reader.string(reader.required(object, 'key', path), [...path, 'key']);
  const operator = reader.oneOf(reader.required(object, 'operator', path), OPERATORS, [...path, 'operator']);
  let values: string[] | undefined;
  if (present(object, 'values')) values = reader.stringList(object.values, [...path, 'values']);
  if (key === undefined || operator === undefined) return undefined;
  if ((operator === 'In' || operator === 'NotIn') && (values === undefined || values.length === 0)) {
    if (values !== undefined || !present(object, 'values')) reader.problem(path, `operator ${operator} needs a non-empty "values" list`);
    return undefined;
  }
  if ((operator === 'Exists' || operator === 'DoesNotExist') && values !== undefined && values.length > 0) {
    reader.problem([...path, 'values'], `operator ${operator} takes no values, found ${values.length}`);
    return undefined;
  }
  return values === undefined ? { key, operator } : { key, operator, values };
}

function readIpBlock(reader: ValueReader, value: unknown, path: ValuePath): IPBlock | undefined {
  const object = reader.object(value, path);
  if (object === undefined) return undefined;
  checkKeys(reader, object, ['cidr', 'except'], path);
  const cidr = reader.string(reader.required(object, 'cidr', path), [...path, 'cidr']);
  let ok = cidr !== undefined;
  if (cidr !== undefined && !isValidCidr(cidr)) {
    reader.problem([...path, 'cidr'], `expected a CIDR such as 10.0.0.0/16 or fd00::/64, found ${JSON.stringify(cidr)}`);
    ok = false;
  }
  let except: string[] | undefined;
  if (present(object, 'except')) {
    except = reader.listOf(object.except, [...path, 'except'], (v, p) => {
      const s = reader.string(v, p);
      if (s !== undefined && !isValidCidr(s)) {
        reader.problem(p, `expected a CIDR such as 10.0.1.0/24, found ${JSON.stringify(s)}`);
        return undefined;
      }
      return s;
    });
    if (except === undefined) ok = false;
  }
  if (!ok || cidr === undefined) return undefined;
  return except === undefined ? { cidr } : { cidr, except };
}

function readPeer(reader: ValueReader, value: unknown, path: ValuePath): NetworkPolicyPeer | undefined {
  const object = reader.object(value, path);
  if (object === undefined) return undefined;
  checkKeys(reader, object, ['podSelector', 'namespaceSelector', 'ipBlock'], path);
  const peer: NetworkPolicyPeer = {};
  let ok = true;
  if (present(object, 'podSelector')) {
    const s = readSelector(reader, object.podSelector, [...path, 'podSelector']);
    if (s === undefined) ok = false;
    else peer.podSelector = s;
  }
  if (present(object, 'namespaceSelector')) {
    const s = readSelector(reader, object.namespaceSelector, [...path, 'namespaceSelector']);
    if (s === undefined) ok = false;
    else peer.namespaceSelector = s;
  }
  if (present(object, 'ipBlock')) {
    const b = readIpBlock(reader, object.ipBlock, [...path, 'ipBlock']);
    if (b === undefined) ok = false;
    else peer.ipBlock = b;
  }
  if (!ok) return undefined;
  if (!present(object, 'podSelector') && !present(object, 'namespaceSelector') && !present(object, 'ipBlock')) {
    reader.problem(path, 'a peer needs podSelector, namespaceSelector or ipBlock, found none');
    return undefined;
  }
  if (present(object, 'ipBlock') && (present(object, 'podSelector') || present(object, 'namespaceSelector'))) {
    reader.problem(path, 'ipBlock cannot be combined with podSelector or namespaceSelector in one peer');
    return undefined;
  }
  return peer;
}

function readPort(reader: ValueReader, value: unknown, path: ValuePath): NetworkPolicyPort | undefined {
  const object = reader.object(value, path);
  if (object === undefined) return undefined;
  checkKeys(reader, object, ['protocol', 'port', 'endPort'], path);
  const port: NetworkPolicyPort = {};
  let ok = true;
  if (present(object, 'protocol')) {
    const protocol = reader.oneOf(object.protocol, PROTOCOLS, [...path, 'protocol']);
    if (protocol === undefined) ok = false;
    else port.protocol = protocol;
  }
  if (present(object, 'port')) {
    const raw = object.port;
    if (typeof raw === 'string') {
      if (PORT_NAME.test(raw) && raw.length <= 15) port.port = raw;
      else {
        reader.problem([...path, 'port'], `expected a port number or an IANA port name (lower case, at most 15 characters), found ${JSON.stringify(raw)}`);
        ok = false;
      }
    } else {
      const n = reader.integer(raw, [...path, 'port'], 1, 65535);
      if (n === undefined) ok = false;
      else port.port = n;
    }
  }
  if (present(object, 'endPort')) {
    const end = reader.integer(object.endPort, [...path, 'endPort'], 1, 65535);
    if (end === undefined) ok = false;
    else if (typeof port.port !== 'number') {
      reader.problem([...path, 'endPort'], 'endPort needs a numeric port');
      ok = false;
    } else if (end < port.port) {
      reader.problem([...path, 'endPort'], `endPort ${end} is below port ${port.port}`);
      ok = false;
    } else port.endPort = end;
  }
  return ok ? port : undefined;
}

function readRules<R>(
  reader: ValueReader,
  value: unknown,
  path: ValuePath,
  peersKey: 'from' | 'to',
  build: (peers: NetworkPolicyPeer[] | undefined, ports: NetworkPolicyPort[] | undefined) => R,
): R[] | undefined {
  return reader.listOf(value, path, (v, p) => {
    const object = reader.object(v ?? {}, p);
    if (object === undefined) return undefined;
    checkKeys(reader, object, [peersKey, 'ports'], p);
    let ok = true;
    let peers: NetworkPolicyPeer[] | undefined;
    let ports: NetworkPolicyPort[] | undefined;
    if (present(object, peersKey)) {
      peers = reader.listOf(object[peersKey], [...p, peersKey], (pv, pp) => readPeer(reader, pv, pp));
      if (peers === undefined) ok = false;
    }
    if (present(object, 'ports')) {
      ports = reader.listOf(object.ports, [...p, 'ports'], (pv, pp) => readPort(reader, pv, pp));
      if (ports === undefined) ok = false;
    }
    return ok ? build(peers, ports) : undefined;
  });
}

/** Reads one NetworkPolicy object; undefined (with issues recorded) when it is not valid. */
export function readNetworkPolicy(reader: ValueReader, value: unknown, path: ValuePath): NetworkPolicy | undefined {
  const object = reader.object(value, path);
  if (object === undefined) return undefined;
  checkKeys(reader, object, ['apiVersion', 'kind', 'metadata', 'spec'], path);
  const apiVersion = reader.oneOf(reader.required(object, 'apiVersion', path), ['networking.k8s.io/v1'] as const, [...path, 'apiVersion']);
  const kind = reader.oneOf(reader.required(object, 'kind', path), ['NetworkPolicy'] as const, [...path, 'kind']);

  const metadataPath = [...path, 'metadata'];
  const metadataValue = reader.required(object, 'metadata', path);
  const metadata = metadataValue === undefined ? undefined : reader.object(metadataValue, metadataPath);
  let name: string | undefined;
  let namespace: string | undefined;
  if (metadata !== undefined) {
    checkKeys(reader, metadata, ['name', 'namespace', 'labels', 'annotations'], metadataPath);
    name = reader.string(reader.required(metadata, 'name', metadataPath), [...metadataPath, 'name']);
    namespace = reader.string(reader.required(metadata, 'namespace', metadataPath), [...metadataPath, 'namespace']);
  }

  const specPath = [...path, 'spec'];
  const specValue = reader.required(object, 'spec', path);
  const spec = specValue === undefined ? undefined : reader.object(specValue, specPath);
  if (spec === undefined || apiVersion === undefined || kind === undefined || name === undefined || namespace === undefined) return undefined;
  checkKeys(reader, spec, ['podSelector', 'policyTypes', 'ingress', 'egress'], specPath);

  const podSelectorValue = reader.required(spec, 'podSelector', specPath);
  const podSelector = podSelectorValue === undefined ? undefined : readSelector(reader, podSelectorValue ?? {}, [...specPath, 'podSelector']);
  let ok = podSelector !== undefined;
  const policy: NetworkPolicy = { apiVersion, kind, metadata: { name, namespace }, spec: { podSelector: podSelector ?? {} } };
  if (present(spec, 'policyTypes')) {
    const types = reader.listOf(spec.policyTypes, [...specPath, 'policyTypes'], (v, p) => reader.oneOf(v, POLICY_TYPES, p));
    if (types === undefined) ok = false;
    else policy.spec.policyTypes = types;
  }
  if (present(spec, 'ingress')) {
    const rules = readRules(reader, spec.ingress, [...specPath, 'ingress'], 'from', (from, ports) => ({
      ...(from === undefined ? {} : { from }),
      ...(ports === undefined ? {} : { ports }),
    }));
    if (rules === undefined) ok = false;
    else policy.spec.ingress = rules;
  }
  if (present(spec, 'egress')) {
    const rules = readRules(reader, spec.egress, [...specPath, 'egress'], 'to', (to, ports) => ({
      ...(to === undefined ? {} : { to }),
      ...(ports === undefined ? {} : { ports }),
    }));
    if (rules === undefined) ok = false;
    else policy.spec.egress = rules;
  }
  return ok ? policy : undefined;
}
