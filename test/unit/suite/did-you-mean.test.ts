import { expect } from 'chai';
import { didYouMean, editDistance, suggestClosest } from '../../../src/util/yaml/index.js';

describe('util/yaml/did-you-mean', () => {
  const fields = ['podSelector', 'policyTypes', 'ingress', 'egress'];

  it('suggests a field that differs only in case', () => {
    expect(suggestClosest('podselector', fields)).to.equal('podSelector');
  });

  it('suggests near misses and transpositions', () => {
    expect(suggestClosest('egres', fields)).to.equal('egress');
    expect(suggestClosest('ingerss', fields)).to.equal('ingress');
    expect(editDistance('ab', 'ba')).to.equal(1);
    expect(editDistance('kitten', 'sitting')).to.equal(3);
  });

  it('suggests nothing for unrelated names, and lists the choices instead', () => {
    expect(suggestClosest('replicas', fields)).to.equal(undefined);
    expect(didYouMean('replicas', fields)).to.equal('; expected one of: podSelector, policyTypes, ingress, egress');
    expect(didYouMean('Egress', fields)).to.equal('; did you mean "egress"?');
  });
});
