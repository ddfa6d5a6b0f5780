/** lint: the folder's public entry. */
export { LINT_RULES, lintSuite, type LintFinding, type LintRule } from './lint-suite.js';
