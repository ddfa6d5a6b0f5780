/** The NetworkPolicy model (the oracle): networking.k8s.io/v1 semantics, pure and without I/O. */
export * from './types.js';
export { compileModel } from './compile-model.js';
export { createNaiveModel, evaluateFamiliesNaively, evaluateNaively } from './naive-model.js';
export { CELL, cellOf, podKey, singleConnectionVerdict, type MatrixCell, type MatrixQuery, type MatrixVerdicts, type PolicyModel } from './policy-model.js';
export { familyName, type ConnectionFamily } from './address-family.js';
export { dependsOnPodIps, explainVerdict, explainVerdicts, formatRuleRef } from './verdict-text.js';
export { formatSelector, selectorKey, selectorMatches, selectsEverything } from './label-selector.js';
export { effectivePolicyTypes, isolatesFor } from './policy-types.js';
export { portMatches, type PortQuery } from './port-match.js';
export {
  cidrContains,
  cidrWithin,
  describeCidrProblem,
  formatCidr,
  formatIp,
  hostCidr,
  isValidCidr,
  isValidIp,
  networkOf,
  parseCidr,
  parseIp,
  tryParseCidr,
  type Cidr,
  type IpAddress,
  type IpFamily,
} from './cidr.js';
