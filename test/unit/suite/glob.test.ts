import path from 'node:path';
import { expect } from 'chai';
import { expandBraces, expandGlob, isGlobPattern, segmentPattern } from '../../../src/suite/glob.js';
import { tempTree } from './helpers.js';

describe('suite/glob', () => {
  it('recognises glob patterns', () => {
    expect(isGlobPattern('policies/*.yaml')).to.equal(true);
    expect(isGlobPattern('policies/{a,b}.yaml')).to.equal(true);
    expect(isGlobPattern('policies/a.yaml')).to.equal(false);
  });

  it('expands braces and matches segments without crossing "/" or matching dotfiles', () => {
    expect(expandBraces('p/{a,b}.y{a,}ml')).to.deep.equal(['p/a.yaml', 'p/a.yml', 'p/b.yaml', 'p/b.yml']);
    expect(segmentPattern('*.yaml').test('x.yaml')).to.equal(true);
    expect(segmentPattern('*.yaml').test('.x.yaml')).to.equal(false);
    expect(segmentPattern('v?.yaml').test('v2.yaml')).to.equal(true);
    expect(segmentPattern('[ab].yaml').test('c.yaml')).to.equal(false);
    expect(segmentPattern('[!ab].yaml').test('c.yaml')).to.equal(true);
    expect(segmentPattern('a+b.yaml').test('a+b.yaml')).to.equal(true);
  });

  it('finds files, sorted, including ** across directories', async () => {
    const { dir, cleanup } = await tempTree({
      'p/b.yaml': 'x',
      'p/a.yaml': 'x',
      'p/notes.md': 'x',
      'p/sub/c.yaml': 'x',
      'p/.hidden.yaml': 'x',
    });
    try {
      const rel = (files: string[]) => files.map((f) => path.relative(dir, f));
      expect(rel(await expandGlob('p/*.yaml', dir))).to.deep.equal(['p/a.yaml', 'p/b.yaml']);
      expect(rel(await expandGlob('p/**/*.yaml', dir))).to.deep.equal(['p/a.yaml', 'p/b.yaml', 'p/sub/c.yaml']);
      expect(rel(await expandGlob(path.join(dir, 'p/{a,sub/c}.yaml'), '/'))).to.deep.equal(['p/a.yaml', 'p/sub/c.yaml']);
      expect(await expandGlob('missing/*.yaml', dir)).to.deep.equal([]);
      expect(await expandGlob('p/*', dir)).to.have.length(3);
    } finally {
      await cleanup();
    }
  });
});
