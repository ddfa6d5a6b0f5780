/**
 * The suite format: YAML suite files and policy files in, validated Suites out, or one InputError listing every
 * problem with file:line:col. See docs/suite-format.md and schema/suite.schema.json.
 */
export type * from './types.js';
export { SUITE_API_VERSION, EXTERNAL_TRAFFIC_POLICIES, SERVICE_TYPES, isExternalSourceRef, preservesClientIp } from './types.js';
export { loadSuite, loadSuites, looksLikeSuite } from './load-suite.js';
export type { SuiteInputOptions } from './input-access.js';
export { loadPolicyFiles } from './load-policy-files.js';
export { validatePolicyObject, POLICY_API_VERSION, POLICY_KIND, POLICY_FIELDS } from './validate-policy.js';
export { SUITE_FIELDS } from './suite-fields.js';
export { createYamlLocator, fixedLocator, formatFieldPath, type FieldPath, type SourceLocator } from '../util/yaml/index.js';
export { readPolicyObject } from './validate-policy.js';
export { MATRIX_SYMBOLS, tokenizeTable, type TableToken } from './matrix-table.js';
export { fixtureLabels, labelsAfter, type LabelsInForce } from './labels-in-force.js';
export { DOCUMENTATION_RANGES, PRIVATE_RANGES, externalAddressScope, publicExternalProblem, publicExternals, type ExternalAddressScope } from './external-address-scope.js';
export { dns1123LabelProblem } from './k8s-names.js';
export { expandGlob, isGlobPattern } from './glob.js';
