import { expect } from 'chai';
import { formatSelector, selectorMatches, selectsEverything } from '../../../src/model/index.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front' };

  it('matches everything with an empty selector', () => {
    expect(selectorMatches({}, labels)).to.equal(true);
    expect(selectorMatches({ matchLabels: {}, matchExpressions: [] }, {})).to.equal(true);
    expect(selectsEverything({ matchLabels: {} })).to.equal(true);
    expect(selectsEverything({ matchLabels: { a: 'b' } })).to.equal(false);
  });

  it('requires every matchLabels pair', () => {
    expect(selectorMatches({ matchLabels: { app: 'web' } }, labels)).to.equal(true);
    expect(selectorMatches({ matchLabels: { app: 'web', tier: 'back' } }, labels)).to.equal(false);
    expect(selectorMatches({ matchLabels: { missing: '' } }, labels)).to.equal(false);
    expect(selectorMatches({ matchLabels: { empty: '' } }, { empty: '' })).to.equal(true);
  });

  it('implements In, NotIn, Exists and DoesNotExist, with absent keys matching NotIn and DoesNotExist', () => {
    const m = (operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist', key: string, values?: string[]) =>
      selectorMatches({ matchExpressions: [{ key, operator, values }] }, labels);
    expect(m('In', 'app', ['web', 'api'])).to.equal(true);
    expect(m('In', 'app', ['api'])).to.equal(false);
    expect(m('In', 'absent', ['web'])).to.equal(false);
    expect(m('NotIn', 'app', ['api'])).to.equal(true);
    expect(m('NotIn', 'app', ['web'])).to.equal(false);
    expect(m('NotIn', 'absent', ['web'])).to.equal(true);
    expect(m('Exists', 'tier')).to.equal(true);
    expect(m('Exists', 'absent')).to.equal(false);
    expect(m('DoesNotExist', 'absent')).to.equal(true);
    expect(m('DoesNotExist', 'tier')).to.equal(false);
  });

  it('ANDs matchLabels with every expression', () => {
    const selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['front'] }, { key: 'legacy', operator: 'DoesNotExist' as const }] };
    expect(selectorMatches(selector, labels)).to.equal(true);
    expect(selectorMatches(selector, { ...labels, legacy: 'yes' })).to.equal(false);
  });

  it('does not read inherited object properties as labels', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'toString', operator: 'Exists' }] }, {})).to.equal(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'constructor', operator: 'DoesNotExist' }] }, {})).to.equal(true);
  });

  it('renders selectors the way kubectl does', () => {
    expect(formatSelector({})).to.equal('(all)');
    expect(
      formatSelector({
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'x', operator: 'NotIn', values: ['c'] },
          { key: 'y', operator: 'Exists' },
          { key: 'z', operator: 'DoesNotExist' },
        ],
      }),
    ).to.equal('app=web,tier in (a,b),x notin (c),y,!z');
  });
});
