/**
 * Escaping for text placed in GitHub-flavoured Markdown (job summaries, PR comments). Every character that can
 * start markup (emphasis, code, links, headings, lists, tables, strikethrough, math) is backslash-escaped; text
 * for a table cell also turns line breaks into <br>. `<`, `>` and `&` (HTML, entities, quotes) become character
 * references instead: GitHub's job summary shows a backslash before `>` literally (`-\>`), a reference never.
 */
const SIGNIFICANT = new Set(['\\', '`', '*', '_', '[', ']', '#', '+', '|', '~', '$']);
const ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

export function escapeMarkdown(text: string): string {
  let result = '';
  for (const char of text) result += ENTITIES[char] ?? (SIGNIFICANT.has(char) ? `\\${char}` : char);
  return result;
}

/** For a table cell: escaped, and each line break (which would end the row) becomes <br>. */
export function escapeMarkdownCell(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => escapeMarkdown(line))
    .join('<br>');
}
