/**
 * Collects every problem found in one input (a suite and the policy files it names, or a conformance corpus) so
 * they are all reported together. An IssueList points into one document through its locator; `within` narrows it
 * to a sub-tree and `forDocument` switches to another document, all sharing one list.
 */
import type { InputIssue, SourcePosition } from '../errors.js';
import { formatFieldPath, type FieldPath } from './field-path.js';
import type { LocatePart, SourceLocator } from './source-locator.js';

export class IssueList {
  private constructor(
    private readonly sink: InputIssue[],
    readonly locator: SourceLocator,
    readonly base: FieldPath,
  ) {}

  static create(locator: SourceLocator, base: FieldPath = []): IssueList {
    return new IssueList([], locator, base);
  }

  /** Records a problem at `path` (relative to this list's base). */
  add(path: FieldPath, message: string, part: LocatePart = 'value'): void {
    const full = [...this.base, ...path];
    this.addAt(this.locator.locate(full, part), path, message);
  }

  /** Records a problem at an explicit position (e.g. one line of a block scalar). */
  addAt(position: SourcePosition, path: FieldPath, message: string): void {
    const field = formatFieldPath([...this.base, ...path]);
    this.sink.push(field === '' ? { position, message } : { position, field, message });
  }

  /** Records a problem that has no place in a document (e.g. a file that cannot be read). */
  addUnplaced(message: string, position?: SourcePosition): void {
    this.sink.push(position ? { position, message } : { message });
  }

  position(path: FieldPath, part: LocatePart = 'value'): SourcePosition {
    return this.locator.locate([...this.base, ...path], part);
  }

  /** A position inside the block scalar at `path` (see SourceLocator.locateInBlock); the scalar's own without one. */
  positionInBlock(path: FieldPath, lineIndex: number, valueLine: string, column: number): SourcePosition {
    const full = [...this.base, ...path];
    return this.locator.locateInBlock?.(full, lineIndex, valueLine, column) ?? this.locator.locate(full);
  }

  /** The text of the plain scalar at `path` as written in the file, when known and short. */
  sourceText(path: FieldPath): string | undefined {
    return this.locator.scalarSource?.([...this.base, ...path]);
  }

  within(path: FieldPath): IssueList {
    return new IssueList(this.sink, this.locator, [...this.base, ...path]);
  }

  forDocument(locator: SourceLocator, base: FieldPath = []): IssueList {
    return new IssueList(this.sink, locator, base);
  }

  get issues(): readonly InputIssue[] {
    return this.sink;
  }

  get count(): number {
    return this.sink.length;
  }
}
