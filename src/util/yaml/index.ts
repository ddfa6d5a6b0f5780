/**
 * Reading YAML input with positions, shared by the suite loader and the conformance corpus loader: documents with
 * locators (field path -> file:line:col), one IssueList that collects every problem, and typed value readers
 * whose messages say what was expected and what was found.
 */
export { didYouMean, editDistance, suggestClosest } from './did-you-mean.js';
export { formatFieldPath, type FieldPath } from './field-path.js';
export { IssueList } from './issue-list.js';
export { createYamlLocator, fixedLocator, type LocatePart, type SourceLocator } from './source-locator.js';
export {
  describeValue,
  isPlainMap,
  MapReader,
  PathReader,
  readChoice,
  readInteger,
  readList,
  readMap,
  readString,
  readStringMap,
  type FieldOptions,
  type PlainMap,
} from './value-reader.js';
export { parseYamlDocuments, readTextFile, type FileRead, type YamlDocument } from './yaml-documents.js';
