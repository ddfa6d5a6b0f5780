/**
 * Reads the examples out of a Markdown document (README.md) so a test can run them as written:
 * fenced blocks by language, `console` blocks split into commands and the output shown under each, and a matcher
 * for shown output against real output.
 *
 * Conventions of a `console` block:
 * - `$ command` starts a command; the lines up to the next `$ ` are its output (stdout and stderr, interleaved).
 * - A trailing shell comment `# exit N` (or `# exits N: why`) on the command says its exit code; otherwise 0.
 * - In shown output, a line that is only `…` stands for any number of lines (also none); `…` inside a line stands
 *   for any text within that line. Timestamps (ISO 8601) and durations (`13ms`, `4.2s`) match any value, so a README
 *   can show real ones.
 */

export interface FencedBlock {
  language: string;
  /** 1-based line of the opening fence */
  line: number;
  text: string;
}

export interface ConsoleCommand {
  command: string;
  /** 1-based line of the command in the document */
  line: number;
  expectedExit: number;
  output: string[];
}

export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j] !== '```') body.push(lines[j++]!);
    if (j === lines.length) throw new Error(`line ${i + 1}: a \`\`\` fence is never closed`);
    blocks.push({ language: open[1] ?? '', line: i + 1, text: body.length ? `${body.join('\n')}\n` : '' });
    i = j;
  }
  return blocks;
}

export function consoleCommands(block: FencedBlock): ConsoleCommand[] {
  const commands: ConsoleCommand[] = [];
  block.text.split('\n').forEach((text, index) => {
    if (text.startsWith('$ ')) {
      const command = text.slice(2);
      const exit = /#.*\bexits? (\d+)\b/.exec(command);
      commands.push({ command, line: block.line + 1 + index, expectedExit: exit ? Number(exit[1]) : 0, output: [] });
    } else if (commands.length) {
      commands[commands.length - 1]!.output.push(text);
    } else if (text.trim()) {
      throw new Error(`line ${block.line + 1 + index}: output before the first "$ " command in a console block`);
    }
  });
  for (const command of commands) while (command.output.at(-1)?.trim() === '') command.output.pop();
  return commands;
}

const VOLATILE: [RegExp, string][] = [
  [/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\b/g, '<time>'],
  [/\b\d+(\.\d+)?(ms|s)\b/g, '<duration>'],
];

function normalized(line: string): string {
  return VOLATILE.reduce((text, [pattern, token]) => text.replace(pattern, token), line.trimEnd());
}

function lineMatches(shown: string, actual: string): boolean {
  const parts = normalized(shown).split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`).test(normalized(actual));
}

/**
 * Whether real output matches the output shown. Returns undefined when it does, else a description of the first
 * shown line that no output line matches (with the output around it).
 */
export function outputMismatch(shown: string[], actualText: string): string | undefined {
  const actual = actualText.split('\n').map((line) => line.trimEnd());
  while (actual.at(-1) === '') actual.pop();
  const matchFrom = (s: number, a: number): boolean => {
    if (s === shown.length) return a === actual.length;
    if (shown[s]!.trim() === '…') {
      for (let skip = a; skip <= actual.length; skip++) if (matchFrom(s + 1, skip)) return true;
      return false;
    }
    return a < actual.length && lineMatches(shown[s]!, actual[a]!) && matchFrom(s + 1, a + 1);
  };
  if (matchFrom(0, 0)) return undefined;
  let a = 0;
  for (const [s, line] of shown.entries()) {
    if (line.trim() === '…') continue;
    const found = actual.findIndex((candidate, index) => index >= a && lineMatches(line, candidate));
    if (found < 0) return `shown line ${s + 1} matches no output line after line ${a}: ${JSON.stringify(line)}`;
    a = found + 1;
  }
  return `every shown line is found, but the output has lines the README does not show (end it with a "…" line if that is meant)`;
}
