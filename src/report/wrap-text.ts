/**
 * Wraps text to lines of at most `width` characters (words longer than that stay whole), keeping the text's own
 * line breaks. The first line of each paragraph is prefixed with `indent`, the lines it wraps onto with
 * `continuation` (by default two spaces deeper); `width` counts the prefix.
 */
export function wrapText(text: string, width: number, indent = '', continuation = `${indent}  `): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let prefix = indent;
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line === '') line = word;
      else if (prefix.length + line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        lines.push(prefix + line);
        prefix = continuation;
        line = word;
      }
    }
    lines.push(prefix + line);
  }
  return lines;
}
