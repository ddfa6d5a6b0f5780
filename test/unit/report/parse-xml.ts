/**
 * A small strict XML parser for tests: checks that a document is well formed (one root, balanced tags, quoted
 * attributes, only the predefined and numeric entities, no raw `<` or `&` in text or values, only XML 1.0
 * characters) and returns its tree with entities decoded. No regular expressions, no dependency.
 */

export interface ParsedElement {
  name: string;
  attributes: Map<string, string>;
  children: ParsedNode[];
}

export type ParsedNode = ParsedElement | string;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

function isNameStart(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z') || char === '_' || char === ':';
}

function isNameChar(char: string): boolean {
  return isNameStart(char) || (char >= '0' && char <= '9') || char === '-' || char === '.';
}

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\n' || char === '\t' || char === '\r';
}

class XmlParser {
  private pos = 0;

  constructor(private readonly text: string) {
    for (const char of text) {
      if (!isXmlChar(char.codePointAt(0) ?? 0)) throw this.fail(`character U+${(char.codePointAt(0) ?? 0).toString(16)} is not allowed in XML 1.0`);
    }
  }

  parseDocument(): ParsedElement {
    if (this.text.startsWith('<?xml')) {
      const end = this.text.indexOf('?>');
      if (end === -1) throw this.fail('unterminated XML declaration');
      this.pos = end + 2;
    }
    this.skipSpace();
    const root = this.parseElement();
    this.skipSpace();
    if (this.pos !== this.text.length) throw this.fail('content after the root element');
    return root;
  }

  private fail(message: string): Error {
    return new Error(`malformed XML at offset ${this.pos}: ${message}`);
  }

  private skipSpace(): void {
    while (isSpace(this.text[this.pos])) this.pos += 1;
  }

  private expect(literal: string): void {
    if (!this.text.startsWith(literal, this.pos)) throw this.fail(`expected ${JSON.stringify(literal)}`);
    this.pos += literal.length;
  }

  private parseName(): string {
    const start = this.pos;
    if (!isNameStart(this.text[this.pos] ?? '')) throw this.fail('expected a name');
    while (isNameChar(this.text[this.pos] ?? '')) this.pos += 1;
    return this.text.slice(start, this.pos);
  }

  /** Decodes character data up to (not including) a stop character; rejects raw `<` and bare `&`. */
  private parseChars(stop: string): string {
    let result = '';
    while (this.pos < this.text.length && this.text[this.pos] !== stop) {
      const char = this.text[this.pos] ?? '';
      if (char === '<') throw this.fail('raw "<" in character data');
      if (char === '&') {
        const end = this.text.indexOf(';', this.pos);
        if (end === -1) throw this.fail('bare "&"');
        const entity = this.text.slice(this.pos + 1, end);
        if (entity.startsWith('#x')) result += String.fromCodePoint(this.parseNumber(entity.slice(2), 16));
        else if (entity.startsWith('#')) result += String.fromCodePoint(this.parseNumber(entity.slice(1), 10));
        else if (ENTITIES[entity] !== undefined) result += ENTITIES[entity];
        else throw this.fail(`unknown entity &${entity};`);
        this.pos = end + 1;
        continue;
      }
      result += char;
      this.pos += 1;
    }
    return result;
  }

  private parseNumber(digits: string, radix: number): number {
    const allowed = radix === 16 ? '0123456789abcdefABCDEF' : '0123456789';
    if (digits === '' || [...digits].some((digit) => !allowed.includes(digit))) throw this.fail(`bad character reference ${digits}`);
    const value = Number.parseInt(digits, radix);
    if (!isXmlChar(value)) throw this.fail(`character reference to U+${value.toString(16)}, not allowed in XML 1.0`);
    return value;
  }

  private parseElement(): ParsedElement {
    this.expect('<');
    const name = this.parseName();
    const attributes = new Map<string, string>();
    for (;;) {
      const hadSpace = isSpace(this.text[this.pos]);
      this.skipSpace();
      if (this.text.startsWith('/>', this.pos)) {
        this.pos += 2;
        return { name, attributes, children: [] };
      }
      if (this.text[this.pos] === '>') {
        this.pos += 1;
        break;
      }
      if (!hadSpace) throw this.fail('expected whitespace before an attribute');
      const attribute = this.parseName();
      if (attributes.has(attribute)) throw this.fail(`duplicate attribute ${attribute}`);
      this.skipSpace();
      this.expect('=');
      this.skipSpace();
      const quote = this.text[this.pos];
      if (quote !== '"' && quote !== "'") throw this.fail('expected a quoted attribute value');
      this.pos += 1;
      attributes.set(attribute, this.parseChars(quote));
      this.expect(quote);
    }
    const children: ParsedNode[] = [];
    for (;;) {
      if (this.pos >= this.text.length) throw this.fail(`<${name}> is never closed`);
      if (this.text.startsWith('</', this.pos)) {
        this.pos += 2;
        const closing = this.parseName();
        if (closing !== name) throw this.fail(`</${closing}> closes <${name}>`);
        this.skipSpace();
        this.expect('>');
        return { name, attributes, children };
      }
      if (this.text[this.pos] === '<') children.push(this.parseElement());
      else children.push(this.parseChars('<'));
    }
  }
}

export function parseXml(text: string): ParsedElement {
  return new XmlParser(text).parseDocument();
}

export function childElements(element: ParsedElement, name?: string): ParsedElement[] {
  return element.children.filter((child): child is ParsedElement => typeof child !== 'string' && (name === undefined || child.name === name));
}

export function textOf(element: ParsedElement): string {
  return element.children.map((child) => (typeof child === 'string' ? child : textOf(child))).join('');
}
