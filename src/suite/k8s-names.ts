/**
 * The Kubernetes name and label syntax rules (k8s.io/apimachinery/pkg/util/validation), each returning a
 * problem description or undefined when the value is valid. Messages say what was expected.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const PORT_NAME_CHARS = /^[-a-z0-9]+$/;
const HAS_LETTER = /[a-z]/;

/** A DNS-1123 label: namespaces, workloads, externals, label-prefix segments. */
export function dns1123LabelProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 63) return `must be at most 63 characters (it has ${value.length})`;
  if (!DNS1123_LABEL.test(value)) {
    return 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

/** A DNS-1035 label: Service names (must start with a letter). */
export function dns1035LabelProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 63) return `must be at most 63 characters (it has ${value.length})`;
  if (!DNS1035_LABEL.test(value)) {
    return 'must be a DNS-1035 label: lower-case letters, digits and "-", starting with a letter and ending with a letter or digit';
  }
  return undefined;
}

/** A DNS-1123 subdomain: NetworkPolicy names, label-key prefixes. */
export function dns1123SubdomainProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 253) return `must be at most 253 characters (it has ${value.length})`;
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return 'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit';
  }
  return undefined;
}

/** A label or annotation key: an optional DNS-1123 subdomain prefix and `/`, then a name of at most 63 characters. */
export function qualifiedNameProblem(value: string): string | undefined {
  const parts = value.split('/');
  let name = value;
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) return 'has an empty prefix before "/"';
    const prefixProblem = dns1123SubdomainProblem(prefix);
    if (prefixProblem) return `has an invalid prefix "${prefix}": it ${prefixProblem}`;
  } else if (parts.length > 2) {
    return 'may contain at most one "/" (between an optional DNS subdomain prefix and the name)';
  }
  if (name.length === 0) return 'has an empty name part';
  if (name.length > 63) return `has a name part of ${name.length} characters; at most 63 are allowed`;
  if (!QUALIFIED_NAME.test(name)) {
    return 'must consist of letters, digits, "-", "_" and ".", and start and end with a letter or digit (an optional DNS subdomain prefix and "/" may come first)';
  }
  return undefined;
}

/** A label value: empty, or at most 63 letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return `must be at most 63 characters (it has ${value.length})`;
  if (!LABEL_VALUE.test(value)) {
    return 'must be empty or consist of letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** An IANA_SVC_NAME: what container port names and named ports in policies must be. */
export function portNameProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 15) return `must be at most 15 characters (it has ${value.length})`;
  if (!PORT_NAME_CHARS.test(value)) return 'must contain only lower-case letters, digits and "-"';
  if (!HAS_LETTER.test(value)) {
    return /^[0-9]+$/.test(value)
      ? 'must contain at least one letter (a port number must be written without quotes)'
      : 'must contain at least one letter';
  }
  if (value.includes('--')) return 'must not contain two consecutive "-"';
  if (value.startsWith('-') || value.endsWith('-')) return 'must not start or end with "-"';
  return undefined;
}

const DNS_NAME_LABEL = /^[A-Za-z0-9_]([-A-Za-z0-9_]*[A-Za-z0-9_])?$/;

/** A name to look up in DNS: dot-separated labels of letters, digits, `-` and `_`, optional trailing dot. */
export function dnsNameProblem(value: string): string | undefined {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length === 0) return 'must not be empty';
  if (name.length > 253) return `must be at most 253 characters (it has ${name.length})`;
  for (const label of name.split('.')) {
    if (label.length === 0) return 'must not contain an empty label (two dots in a row, or a leading dot)';
    if (label.length > 63) return `has a label of ${label.length} characters ("${label.slice(0, 20)}…"); at most 63 are allowed`;
    if (!DNS_NAME_LABEL.test(label)) {
      return `has an invalid label "${label}": use letters, digits, "-" and "_", not starting or ending with "-"`;
    }
  }
  return undefined;
}
