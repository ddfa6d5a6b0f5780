import { expect } from 'chai';
import { escapeXmlAttribute, escapeXmlText, serializeXml, stripInvalidXmlChars } from '../../../src/report/index.js';
import { parseXml, textOf } from './parse-xml.js';

describe('serializeXml', () => {
  it('escapes the five special characters in text and attributes', () => {
    expect(escapeXmlText(`<&>"'`)).to.equal('&lt;&amp;&gt;&quot;&apos;');
    expect(escapeXmlAttribute(`<&>"'`)).to.equal('&lt;&amp;&gt;&quot;&apos;');
  });

  it('keeps line breaks and tabs of attribute values as character references', () => {
    expect(escapeXmlAttribute('a\nb\tc\rd')).to.equal('a&#10;b&#9;c&#13;d');
    expect(escapeXmlText('a\nb\tc\rd')).to.equal('a\nb\tc&#13;d');
  });

  it('strips control characters, lone surrogates and U+FFFE/U+FFFF, keeping astral characters', () => {
    expect(stripInvalidXmlChars('a\u0000b\u0008c\u000bd\u001fe\ud800f\udfffg\ufffeh\uffffi')).to.equal('abcdefghi');
    expect(stripInvalidXmlChars('ok \u{1F600} \u00e9 \t\n\r')).to.equal('ok \u{1F600} \u00e9 \t\n\r');
  });

  it('writes a document a strict parser reads back to the same tree', () => {
    const xml = serializeXml({
      name: 'root',
      attributes: { a: `x<&"'>y`, skipped: undefined, n: 3 },
      children: [
        { name: 'empty' },
        { name: 'text', children: ['one <two> & three\nfour'] },
        { name: 'nested', children: [{ name: 'leaf', attributes: { v: 'ctl\u0001' } }] },
      ],
    });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).to.equal(true);
    const root = parseXml(xml);
    expect(root.attributes.get('a')).to.equal(`x<&"'>y`);
    expect(root.attributes.has('skipped')).to.equal(false);
    expect(root.attributes.get('n')).to.equal('3');
    expect(textOf(root)).to.include('one <two> & three\nfour');
  });

  it('is checked by a parser that rejects malformed documents', () => {
    expect(() => parseXml('<a><b></a>')).to.throw(/closes/);
    expect(() => parseXml('<a>x & y</a>')).to.throw(/bare "&"/);
    expect(() => parseXml('<a v="<"/>')).to.throw(/raw "<"/);
    expect(() => parseXml('<a>\u0001</a>')).to.throw(/not allowed/);
    expect(() => parseXml('<a/><b/>')).to.throw(/after the root/);
    expect(() => parseXml('<a v=x/>')).to.throw(/quoted/);
    expect(() => parseXml('<a>&bogus;</a>')).to.throw(/unknown entity/);
  });
});
