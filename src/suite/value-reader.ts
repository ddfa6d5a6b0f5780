/**
 * Typed reading of parsed YAML/JSON values, reporting every wrong type, missing required field and unknown field
 * to an IssueList (with the field path, so the locator can point at the node). A reader never throws: it
 * returns undefined for what it could not read, and the caller carries on to find further problems.
 */
import { didYouMean, suggestClosest } from './did-you-mean.js';
import type { FieldPath } from './field-path.js';
import type { IssueList } from './issue-list.js';

export type PlainMap = Record<string, unknown>;

export function isPlainMap(value: unknown): value is PlainMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a value reads in a message: `a number (8080)`, `a string ("http")`, `a list`, `a map`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)})`;
  if (typeof value === 'number') return Number.isInteger(value) ? `a number (${value})` : `a decimal number (${value})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  return `a ${typeof value}`;
}

export interface FieldOptions {
  required?: boolean;
}

/** Reads a map with a fixed set of known fields. */
export class MapReader {
  private constructor(
    readonly issues: IssueList,
    readonly path: FieldPath,
    readonly value: PlainMap,
  ) {}

  /**
   * Opens `value` as a map of `what` (e.g. "a workload"), reporting a wrong type and every key not in `known`.
   * Returns undefined when the value is not a map. `suggest` widens the names offered in "did you mean" (e.g. the
   * fields of every assertion form when one form was chosen).
   */
  static open(
    issues: IssueList,
    path: FieldPath,
    value: unknown,
    what: string,
    known: readonly string[],
    suggest: readonly string[] = known,
  ): MapReader | undefined {
    if (!isPlainMap(value)) {
      issues.add(path, `expected ${what} (a map), found ${describeValue(value)}`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const suggestion = suggestClosest(key, suggest);
      const advice = suggestion !== undefined && known.includes(suggestion)
        ? `; did you mean "${suggestion}"?`
        : suggestion !== undefined
          ? `; "${suggestion}" is a field of another form`
          : didYouMean(key, known);
      issues.add([...path, key], `unknown field "${key}" in ${what}${advice}`, 'key');
    }
    return new MapReader(issues, path, value);
  }

  /** The raw value of a field; null counts as absent, as in Kubernetes manifests. */
  get(key: string): unknown {
    const value = this.value[key];
    return value === null ? undefined : value;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  at(key: string | number, ...rest: (string | number)[]): FieldPath {
    return [...this.path, key, ...rest];
  }

  report(key: string, message: string): void {
    this.issues.add(this.at(key), message);
  }

  missing(key: string, what: string, hint = ''): void {
    const present = key in this.value ? ` (it is empty)` : '';
    this.issues.add(this.at(key), `missing required field "${key}": ${what}${present}${hint ? `; ${hint}` : ''}`);
  }

  string(key: string, what: string, options: FieldOptions = {}): string | undefined {
    const value = this.get(key);
    if (value === undefined) {
      if (options.required) this.missing(key, what);
      return undefined;
    }
    if (typeof value !== 'string') {
      const hint = typeof value === 'number' || typeof value === 'boolean' ? `; quote it: "${String(value)}"` : '';
      this.report(key, `expected ${what} (a string), found ${describeValue(value)}${hint}`);
      return undefined;
    }
    return value;
  }

  integer(key: string, what: string, min: number, max: number, options: FieldOptions = {}): number | undefined {
    const value = this.get(key);
    if (value === undefined) {
      if (options.required) this.missing(key, what);
      return undefined;
    }
    return readInteger(this.issues, this.at(key), value, what, min, max);
  }

  choice<T extends string>(key: string, what: string, choices: readonly T[], options: FieldOptions = {}): T | undefined {
    const value = this.get(key);
    if (value === undefined) {
      if (options.required) this.missing(key, `${what}, one of ${choices.join(', ')}`);
      return undefined;
    }
    return readChoice(this.issues, this.at(key), value, what, choices);
  }

  list(key: string, what: string, options: FieldOptions & { nonEmpty?: boolean } = {}): unknown[] | undefined {
    const value = this.get(key);
    if (value === undefined) {
      if (options.required) this.missing(key, what);
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.report(key, `expected ${what} (a list), found ${describeValue(value)}`);
      return undefined;
    }
    if (options.nonEmpty && value.length === 0) this.report(key, `expected ${what}, found an empty list`);
    return value;
  }

  map(key: string, what: string, known: readonly string[], options: FieldOptions = {}): MapReader | undefined {
    const value = this.get(key);
    if (value === undefined) {
      if (options.required) this.missing(key, what);
      return undefined;
    }
    return MapReader.open(this.issues, this.at(key), value, what, known);
  }

  /** A map of free-form keys to strings (labels, selectors): wrong value types are reported, keys are not checked here. */
  stringMap(key: string, what: string, options: FieldOptions = {}): Record<string, string> | undefined {
    const value = this.get(key);
    if (value === undefined) {
      if (options.required) this.missing(key, what);
      return undefined;
    }
    return readStringMap(this.issues, this.at(key), value, what);
  }
}

export function readInteger(issues: IssueList, path: FieldPath, value: unknown, what: string, min: number, max: number): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    const hint = typeof value === 'string' && /^[0-9]+$/.test(value) ? '; write the number without quotes' : '';
    issues.add(path, `expected ${what} (an integer from ${min} to ${max}), found ${describeValue(value)}${hint}`);
    return undefined;
  }
  if (value < min || value > max) {
    issues.add(path, `${what} must be from ${min} to ${max}, found ${value}`);
    return undefined;
  }
  return value;
}

export function readChoice<T extends string>(issues: IssueList, path: FieldPath, value: unknown, what: string, choices: readonly T[]): T | undefined {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  let hint = '';
  if (typeof value === 'string') {
    const sameLetters = choices.find((c) => c.toLowerCase() === value.toLowerCase());
    const close = suggestClosest(value, choices);
    hint = sameLetters ? ` (values are case-sensitive: write "${sameLetters}")` : close ? `; did you mean "${close}"?` : '';
  }
  issues.add(path, `expected ${what}, one of ${choices.join(', ')}; found ${describeValue(value)}${hint}`);
  return undefined;
}

export function readStringMap(issues: IssueList, path: FieldPath, value: unknown, what: string): Record<string, string> | undefined {
  if (!isPlainMap(value)) {
    issues.add(path, `expected ${what} (a map of strings), found ${describeValue(value)}`);
    return undefined;
  }
  const result: Record<string, string> = {};
  let ok = true;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') {
      result[key] = item;
    } else {
      ok = false;
      const hint = typeof item === 'number' || typeof item === 'boolean' ? `; quote it: "${String(item)}"` : '';
      issues.add([...path, key], `expected the value of "${key}" in ${what} to be a string, found ${describeValue(item)}${hint}`);
    }
  }
  return ok ? result : undefined;
}

export function readString(issues: IssueList, path: FieldPath, value: unknown, what: string): string | undefined {
  if (typeof value === 'string') return value;
  const hint = typeof value === 'number' || typeof value === 'boolean' ? `; quote it: "${String(value)}"` : '';
  issues.add(path, `expected ${what} (a string), found ${describeValue(value)}${hint}`);
  return undefined;
}
