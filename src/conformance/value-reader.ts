/**
 * Typed reads of plain YAML data that record every problem as an InputIssue at the value's line:col, with the
 * dotted field path, what was expected and what was found. A read that fails returns undefined and reading goes on,
 * so one pass reports every problem of a file.
 */
import type { InputIssue, SourcePosition } from '../util/errors.js';
import { formatPath, type ValuePath, type YamlSource } from './yaml-source.js';

export type PlainObject = Record<string, unknown>;

/** How a found value is named in messages: `a list`, `the string "abc"`, `the number 3`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class ValueReader {
  constructor(
    readonly source: YamlSource,
    readonly issues: InputIssue[],
  ) {}

  get file(): string {
    return this.source.file;
  }

  /** Records a problem at the value of `path` (or at its key, for problems with the key itself). */
  problem(path: ValuePath, message: string, at: 'value' | 'key' = 'value'): void {
    const position = at === 'key' ? this.source.locateKey(path) : this.source.locate(path);
    this.issues.push({ position, field: formatPath(path) || undefined, message });
  }

  /** Records a problem at an exact position (e.g. one cell of a table inside a block scalar). */
  problemAt(position: SourcePosition, path: ValuePath, message: string): void {
    this.issues.push({ position, field: formatPath(path) || undefined, message });
  }

  object(value: unknown, path: ValuePath): PlainObject | undefined {
    if (isPlainObject(value)) return value;
    this.problem(path, `expected a mapping, found ${describeValue(value)}`);
    return undefined;
  }

  list(value: unknown, path: ValuePath): unknown[] | undefined {
    if (Array.isArray(value)) return value;
    this.problem(path, `expected a list, found ${describeValue(value)}`);
    return undefined;
  }

  /** The value of a required field; a missing field is reported at the mapping that lacks it (at its key). */
  required(object: PlainObject, key: string, path: ValuePath): unknown {
    if (Object.prototype.hasOwnProperty.call(object, key)) return object[key];
    this.problem(path, `missing required field "${key}"`, 'key');
    return undefined;
  }

  has(object: PlainObject, key: string): boolean {
    return Object.prototype.hasOwnProperty.call(object, key) && object[key] !== undefined;
  }

  string(value: unknown, path: ValuePath): string | undefined {
    if (typeof value === 'string') return value;
    this.problem(path, `expected a string, found ${describeValue(value)}`);
    return undefined;
  }

  /** A string of `allowed`; anything else is reported with the allowed values. */
  oneOf<T extends string>(value: unknown, allowed: readonly T[], path: ValuePath): T | undefined {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.problem(path, `expected one of ${allowed.join(', ')}, found ${describeValue(value)}`);
    return undefined;
  }

  integer(value: unknown, path: ValuePath, min: number, max: number): number | undefined {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.problem(path, `expected an integer from ${min} to ${max}, found ${describeValue(value)}`);
    return undefined;
  }

  boolean(value: unknown, path: ValuePath): boolean | undefined {
    if (typeof value === 'boolean') return value;
    this.problem(path, `expected true or false, found ${describeValue(value)}`);
    return undefined;
  }

  /** A list whose items all pass `item`; undefined (after reporting) when it is not a list or any item fails. */
  listOf<T>(value: unknown, path: ValuePath, item: (v: unknown, p: ValuePath) => T | undefined): T[] | undefined {
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

  stringList(value: unknown, path: ValuePath): string[] | undefined {
    return this.listOf(value, path, (v, p) => this.string(v, p));
  }

  /** A mapping of string keys to string values (labels). */
  stringMap(value: unknown, path: ValuePath): Record<string, string> | undefined {
    const object = this.object(value, path);
    if (object === undefined) return undefined;
    const out: Record<string, string> = {};
    let ok = true;
    for (const [key, v] of Object.entries(object)) {
      const s = this.string(v, [...path, key]);
      if (s === undefined) ok = false;
      else out[key] = s;
    }
    return ok ? out : undefined;
  }
}
