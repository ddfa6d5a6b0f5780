/** The results of a run: plain data shared by every engine and every reporter (the bottom layer). */
export * from './results.js';
export { runErrorOf } from './run-error.js';
export { modelAgrees, verdictOf } from './model-agreement.js';
export * from './coverage-types.js';
