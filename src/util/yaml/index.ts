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
  describeShape,
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
export { parseYamlDocuments, readTextFile, redactYamlMessage, type FileRead, type ParseOptions, type YamlDocument, type YamlReading } from './yaml-documents.js';
export { KUBECTL_YAML_OPTIONS, stringifyAsKubectl } from './kubectl-yaml.js';
export { findExcessiveNesting, MAX_NESTING_DEPTH, type NestingProblem } from './nesting-depth.js';
