/**
 * Text from input (suite fields, file names, YAML sources) shown on a terminal, in a CI log or in a report must
 * not act on it: an ESC sequence can clear the screen or move the cursor, a CR can overwrite a line with a fake
 * "PASSED", bidi controls reorder what is read. Such characters are shown escaped (`\x1b`, `\r`, `\u202e`).
 */

/** C0 controls and DEL, C1 controls, and the Unicode bidi embedding/override/isolate controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The same, but a line feed and a tab pass (for multi-line text the tool itself composed). */
const CONTROL_KEEP_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\x1b' };

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of input text made inert: every control character (also line breaks) escaped. */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** Text the tool composed over several lines, with input inside: controls escaped, line feeds and tabs kept. */
export function escapeControlsKeepingLines(text: string): string {
  return text.replace(CONTROL_KEEP_LINES, escapeOne);
}

/** True when `text` holds a character escapeControlCharacters would escape. */
export function hasControlCharacters(text: string): boolean {
  CONTROL.lastIndex = 0;
  const found = CONTROL.test(text);
  CONTROL.lastIndex = 0;
  return found;
}
