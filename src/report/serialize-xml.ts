/**
 * A minimal XML tree and its serialiser: reports build the tree as data, then serialise it here, where all
 * escaping happens. Text and attribute values are escaped (&, <, >, ", ') and characters XML 1.0 does not allow
 * (control characters, lone surrogates, U+FFFE/U+FFFF) are removed.
 */

export interface XmlElement {
  name: string;
  /** In output order; `undefined` values are left out. */
  attributes?: Record<string, string | number | undefined>;
  children?: XmlNode[];
}

/** An element, or a text node. */
export type XmlNode = XmlElement | string;

export function xmlElement(name: string, attributes: XmlElement['attributes'] = {}, children: XmlNode[] = []): XmlElement {
  return { name, attributes, children };
}

/** Any character outside XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
const INVALID_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Removes every character XML 1.0 cannot carry, even as a character reference (lone surrogates included). */
export function stripInvalidXmlChars(text: string): string {
  return text.replace(INVALID_XML_CHARS, '');
}

const TEXT_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

/** Attribute values also keep their tabs and line breaks (a parser would otherwise normalise them to spaces). */
const ATTRIBUTE_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '\n': '&#10;', '\t': '&#9;' };

export function escapeXmlText(text: string): string {
  return stripInvalidXmlChars(text).replace(/[&<>"'\r]/g, (char) => TEXT_ESCAPES[char] ?? char);
}

export function escapeXmlAttribute(value: string): string {
  return stripInvalidXmlChars(value).replace(/[&<>"'\r\n\t]/g, (char) => ATTRIBUTE_ESCAPES[char] ?? char);
}

/** The document: declaration, then the tree indented by two spaces per level. Text-only elements stay on one line. */
export function serializeXml(root: XmlElement): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  writeElement(root, 0, lines);
  return `${lines.join('\n')}\n`;
}

function formatOpenTag(element: XmlElement): string {
  let tag = `<${element.name}`;
  for (const [name, value] of Object.entries(element.attributes ?? {})) {
    if (value === undefined) continue;
    tag += ` ${name}="${escapeXmlAttribute(String(value))}"`;
  }
  return tag;
}

function writeElement(element: XmlElement, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  const open = formatOpenTag(element);
  const children = element.children ?? [];
  if (children.length === 0) {
    lines.push(`${indent}${open}/>`);
    return;
  }
  if (children.every((child) => typeof child === 'string')) {
    lines.push(`${indent}${open}>${children.map((text) => escapeXmlText(text as string)).join('')}</${element.name}>`);
    return;
  }
  lines.push(`${indent}${open}>`);
  for (const child of children) {
    if (typeof child === 'string') lines.push(`${indent}  ${escapeXmlText(child)}`);
    else writeElement(child, depth + 1, lines);
  }
  lines.push(`${indent}</${element.name}>`);
}
