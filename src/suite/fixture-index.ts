/**
 * Lookup of fixture elements by reference, with the error a user needs when a reference does not resolve
 * ("prod/fronted is not a fixture workload; did you mean prod/frontend?").
 */
import type { SuiteExternal, SuiteFixture, SuiteNamespace, SuiteService, SuiteWorkload, WorkloadRef } from './types.js';
import { describeValue, suggestClosest, type FieldPath, type IssueList } from '../util/yaml/index.js';
import { CLUSTER_DNS_NAMESPACE } from './suite-fields.js';

export class FixtureIndex {
  readonly namespaces = new Map<string, SuiteNamespace>();
  readonly workloads = new Map<string, SuiteWorkload>();
  readonly services = new Map<string, SuiteService>();
  readonly externals = new Map<string, SuiteExternal>();
  /** The fixture's podNetwork, when declared. */
  readonly podNetwork: readonly string[] | undefined;

  constructor(fixture: SuiteFixture) {
    this.podNetwork = fixture.podNetwork;
    for (const namespace of fixture.namespaces) this.namespaces.set(namespace.name, namespace);
    for (const workload of fixture.workloads) this.workloads.set(refText(workload), workload);
    for (const service of fixture.services) this.services.set(refText(service), service);
    for (const external of fixture.externals) this.externals.set(external.name, external);
  }

  /** Reads a `"<namespace>/<workload>"` reference and resolves it; reports and returns undefined when it does not. */
  workload(issues: IssueList, path: FieldPath, value: unknown, role: string): SuiteWorkload | undefined {
    const ref = this.parseRef(issues, path, value, role, 'workload', [...this.workloads.keys()]);
    if (!ref) return undefined;
    const found = this.workloads.get(refText(ref));
    if (found) return found;
    if (ref.namespace === CLUSTER_DNS_NAMESPACE) {
      issues.add(path, `${role} ${refText(ref)} is in ${CLUSTER_DNS_NAMESPACE}, which the suite does not control; the cluster DNS is implicit: test it with a dns assertion`);
      return undefined;
    }
    issues.add(path, `${role} "${refText(ref)}" is not a workload of the fixture${this.suggest(refText(ref), this.workloads.keys(), 'fixture.workloads')}`);
    return undefined;
  }

  service(issues: IssueList, path: FieldPath, value: unknown, role: string): SuiteService | undefined {
    const ref = this.parseRef(issues, path, value, role, 'service', [...this.services.keys()]);
    if (!ref) return undefined;
    const found = this.services.get(refText(ref));
    if (!found) issues.add(path, `${role} "${refText(ref)}" is not a service of the fixture${this.suggest(refText(ref), this.services.keys(), 'fixture.services')}`);
    return found;
  }

  external(issues: IssueList, path: FieldPath, value: unknown, role: string): SuiteExternal | undefined {
    if (typeof value !== 'string') {
      issues.add(path, `expected ${role} as the name of a fixture external (a string), found ${describeValue(value)}`);
      return undefined;
    }
    const found = this.externals.get(value);
    if (!found) issues.add(path, `${role} "${value}" is not an external of the fixture${this.suggest(value, this.externals.keys(), 'fixture.externals')}`);
    return found;
  }

  private parseRef(issues: IssueList, path: FieldPath, value: unknown, role: string, what: string, known: string[]): WorkloadRef | undefined {
    if (typeof value !== 'string') {
      issues.add(path, `expected ${role} as "<namespace>/<${what}>" (a string), found ${describeValue(value)}`);
      return undefined;
    }
    const parts = value.split('/');
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      const byName = known.filter((k) => k.endsWith(`/${value}`));
      const hint = byName.length === 1 ? `; did you mean "${byName[0]}"?` : '';
      issues.add(path, `expected ${role} as "<namespace>/<${what}>", found "${value}"${hint}`);
      return undefined;
    }
    return { namespace: parts[0], name: parts[1] };
  }

  private suggest(input: string, candidates: Iterable<string>, list: string): string {
    const suggestion = suggestClosest(input, [...candidates]);
    return suggestion ? `; did you mean "${suggestion}"?` : `; declare it in ${list}`;
  }
}

export function refText(ref: { namespace: string; name: string }): string {
  return `${ref.namespace}/${ref.name}`;
}
