/**
 * Which containers of a probe pod must be Ready before probing. SCTP servers are not required: on a kernel
 * without SCTP they cannot start, and the positive control then reports (or, in conformance, skips) the SCTP
 * paths instead of the whole fixture timing out.
 */
export const SERVER_PROTOCOL_OPTIONAL = (container: string): boolean => /^serve-\d+-sctp$/.test(container);
