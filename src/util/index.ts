/** Small tools every folder may use: the error vocabulary, polling with deadlines, bounded concurrency. */
export * from './errors.js';
export * from './poll.js';
export * from './map-with-concurrency.js';
export * from './read-input-file.js';
export * from './escape-text.js';
export * from './append-all.js';
export * from './limiter.js';
export * from './run-disjoint.js';
