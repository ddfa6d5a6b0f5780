/**
 * Typed reading of parsed YAML/JSON values, reporting every wrong type, missing required field and unknown field
 * to an IssueList (with the field path, so the locator can point at the node). A reader never throws: it
 * returns undefined for what it could not read, and the caller carries on to find further problems.
 *
 * Two ways in, one set of checks and messages: MapReader opens a map of known fields and reads them by key (suite
 * files, policies); PathReader reads values its caller walks to by path (the conformance corpus). `what` names the
 * value in messages (`expected the port (an integer from 1 to 65535)`); without it the field path alone says it.
 */
import type { SourcePosition } from '../errors.js';
import { didYouMean, suggestClosest } from './did-you-mean.js';
import type { FieldPath } from './field-path.js';
import type { IssueList } from './issue-list.js';
import type { LocatePart } from './source-locator.js';

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

/**
 * What a value is without any of its content (`a string of 812 characters`, `a list of 3 items`): for a whole
 * document that is not the expected kind, whose text may be anything (a file named by a suite may be a secret).
 */
export function describeShape(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `a string of ${value.length} character${value.length === 1 ? '' : 's'} (not a map)`;
  if (typeof value === 'number') return 'a number (not a map)';
  if (typeof value === 'boolean') return 'a boolean (not a map)';
  return `a ${typeof value}`;
}

/** `the port (an integer)` when the value is named, else `an integer`. */
function expected(what: string | undefined, kind: string): string {
  return what === undefined ? kind : `${what} (${kind})`;
}

/**
 * `; quote it: "yes"` for a number or boolean where a string belongs, with the text as written: `yes`, `on`, `010`
 * read as true, true, 8 (YAML 1.1, as kubectl reads policy files) would otherwise be quoted back as "true", "8".
 */
export function quoteHint(value: unknown, issues?: IssueList, path?: FieldPath): string {
  if (typeof value !== 'number' && typeof value !== 'boolean') return '';
  const written = path === undefined ? undefined : issues?.sourceText(path);
  if (written === undefined || written === String(value) || /[\s"\\]/.test(written)) return `; quote it: "${String(value)}"`;
  return ` (YAML reads the unquoted ${written} as ${String(value)}); quote it: "${written}"`;
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
    const map = readMap(issues, path, value, what);
    if (map === undefined) return undefined;
    for (const key of Object.keys(map)) {
      if (known.includes(key)) continue;
      const suggestion = suggestClosest(key, suggest);
      const advice = suggestion !== undefined && known.includes(suggestion)
        ? `; did you mean "${suggestion}"?`
        : suggestion !== undefined
          ? `; "${suggestion}" is a field of another form`
          : didYouMean(key, known);
      issues.add([...path, key], `unknown field "${key}" in ${what}${advice}`, 'key');
    }
    return new MapReader(issues, path, map);
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
    return readString(this.issues, this.at(key), value, what);
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
    const list = readList(this.issues, this.at(key), value, what);
    if (list && options.nonEmpty && list.length === 0) this.report(key, `expected ${what}, found an empty list`);
    return list;
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

export function readMap(issues: IssueList, path: FieldPath, value: unknown, what?: string): PlainMap | undefined {
  if (isPlainMap(value)) return value;
  issues.add(path, `expected ${expected(what, 'a map')}, found ${describeValue(value)}`);
  return undefined;
}

export function readList(issues: IssueList, path: FieldPath, value: unknown, what?: string): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  issues.add(path, `expected ${expected(what, 'a list')}, found ${describeValue(value)}`);
  return undefined;
}

export function readString(issues: IssueList, path: FieldPath, value: unknown, what?: string): string | undefined {
  if (typeof value === 'string') return value;
  issues.add(path, `expected ${expected(what, 'a string')}, found ${describeValue(value)}${quoteHint(value, issues, path)}`);
  return undefined;
}

export function readInteger(issues: IssueList, path: FieldPath, value: unknown, what: string | undefined, min: number, max: number): number | undefined {
  const range = `an integer from ${min} to ${max}`;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    const hint = typeof value === 'string' && /^[0-9]+$/.test(value) ? '; write the number without quotes' : '';
    issues.add(path, `expected ${expected(what, range)}, found ${describeValue(value)}${hint}`);
    return undefined;
  }
  if (value < min || value > max) {
    issues.add(path, what === undefined ? `expected ${range}, found ${value}` : `${what} must be from ${min} to ${max}, found ${value}`);
    return undefined;
  }
  return value;
}

export function readChoice<T extends string>(issues: IssueList, path: FieldPath, value: unknown, what: string | undefined, choices: readonly T[]): T | undefined {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  let hint = '';
  if (typeof value === 'string') {
    const sameLetters = choices.find((c) => c.toLowerCase() === value.toLowerCase());
    const close = suggestClosest(value, choices);
    hint = sameLetters ? ` (values are case-sensitive: write "${sameLetters}")` : close ? `; did you mean "${close}"?` : '';
  }
  const oneOf = `one of ${choices.join(', ')}`;
  issues.add(path, `expected ${what === undefined ? oneOf : `${what}, ${oneOf}`}; found ${describeValue(value)}${hint}`);
  return undefined;
}

export function readStringMap(issues: IssueList, path: FieldPath, value: unknown, what?: string): Record<string, string> | undefined {
  if (!isPlainMap(value)) {
    issues.add(path, `expected ${expected(what, 'a map of strings')}, found ${describeValue(value)}`);
    return undefined;
  }
  const result: Record<string, string> = {};
  let ok = true;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') {
      result[key] = item;
    } else {
      ok = false;
      const where = what === undefined ? '' : ` in ${what}`;
      issues.add([...path, key], `expected the value of "${key}"${where} to be a string, found ${describeValue(item)}${quoteHint(item, issues, [...path, key])}`);
    }
  }
  return ok ? result : undefined;
}

/**
 * Reads values by path, for a reader that walks plain data itself; every method reports at `path` and returns
 * undefined when the value is not what was asked for.
 */
export class PathReader {
  constructor(readonly issues: IssueList) {}

  /** Records a problem at the value of `path` (or at its key, for problems with the key itself). */
  problem(path: FieldPath, message: string, part: LocatePart = 'value'): void {
    this.issues.add(path, message, part);
  }

  /** Records a problem at an exact position (e.g. one cell of a table inside a block scalar). */
  problemAt(position: SourcePosition, path: FieldPath, message: string): void {
    this.issues.addAt(position, path, message);
  }

  /** The value of a required field; a missing field is reported at the map that lacks it (at its key). */
  required(map: PlainMap, key: string, path: FieldPath): unknown {
    if (Object.prototype.hasOwnProperty.call(map, key)) return map[key];
    this.problem(path, `missing required field "${key}"`, 'key');
    return undefined;
  }

  map(value: unknown, path: FieldPath): PlainMap | undefined {
    return readMap(this.issues, path, value);
  }

  list(value: unknown, path: FieldPath): unknown[] | undefined {
    return readList(this.issues, path, value);
  }

  string(value: unknown, path: FieldPath): string | undefined {
    return readString(this.issues, path, value);
  }

  choice<T extends string>(value: unknown, choices: readonly T[], path: FieldPath): T | undefined {
    return readChoice(this.issues, path, value, undefined, choices);
  }

  integer(value: unknown, path: FieldPath, min: number, max: number): number | undefined {
    return readInteger(this.issues, path, value, undefined, min, max);
  }

  /** A list whose items all pass `item`; undefined (after reporting) when it is not a list or any item fails. */
  listOf<T>(value: unknown, path: FieldPath, item: (v: unknown, p: FieldPath) => T | undefined): T[] | undefined {
    const items = this.list(value, path);
    if (items === undefined) return undefined;
    const out: T[] = [];
    let ok = true;
    items.forEach((v, i) => {
      const read = item(v, [...path, i]);
      if (read === undefined) ok = false;
      else out.push(read);
    });
    return ok ? out : undefined;
  }

  stringList(value: unknown, path: FieldPath): string[] | undefined {
    return this.listOf(value, path, (v, p) => this.string(v, p));
  }

  /** A map of string keys to string values (labels). */
  stringMap(value: unknown, path: FieldPath): Record<string, string> | undefined {
    return readStringMap(this.issues, path, value);
  }
}
