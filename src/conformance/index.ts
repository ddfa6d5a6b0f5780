/** Conformance: the model judged against a corpus of upstream NetworkPolicy cases. */
export * from './corpus-types.js';
export { loadCorpus } from './load-corpus.js';
export { runConformance, selectCases, type ConformanceOptions } from './run-conformance.js';
export { checkConnection, STAND_IN_PORT, type CheckConnection } from './traffic-check-state.js';
export { servedContainerPorts, servedPortName } from './read-case.js';
export { runCorpusLive } from './conformance-live.js';
