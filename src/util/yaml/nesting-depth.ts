/**
 * A linear pre-scan for YAML that nests deeper than any suite or Kubernetes object does. The `yaml` parser
 * recurses per level: ~1,000 levels exhaust the stack (its error says only "Maximum call stack size exceeded"),
 * and a line of thousands of `- - - …` makes it compile a regular expression large enough to crash the process.
 * So the depth is measured before parsing, and too deep is an input error with the line and column.
 *
 * The measure over-approximates on purpose: flow depth counts `[`/`{` outside quoted scalars and comments; block
 * depth is the number of distinct indentations open above a line plus the `- `/`? ` indicators that start it.
 */

/** Far above what real input needs (a NetworkPolicy nests about 8 levels, a suite about 10). */
export const MAX_NESTING_DEPTH = 100;

export interface NestingProblem {
  line: number;
  column: number;
  depth: number;
  kind: 'flow' | 'block';
}

export function findExcessiveNesting(text: string, limit = MAX_NESTING_DEPTH): NestingProblem | undefined {
  let line = 1;
  let lineStart = 0;
  let flow = 0;
  let quote: '"' | "'" | undefined;
  const indents: number[] = [];
  let atLineStart = true;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (atLineStart) {
      atLineStart = false;
      const problem = quote === undefined && flow === 0 ? blockDepthAt(text, i, indents, limit) : undefined;
      if (problem) return { line, column: problem.column, depth: problem.depth, kind: 'block' };
    }
    if (char === '\n') {
      line += 1;
      lineStart = i + 1;
      atLineStart = true;
      continue;
    }
    if (quote !== undefined) {
      if (char === '\\' && quote === '"') i += 1;
      else if (char === quote) quote = undefined;
      continue;
    }
    const previous = i === lineStart ? ' ' : text[i - 1];
    const tokenStart = previous === ' ' || previous === '\t' || previous === '[' || previous === '{' || previous === ',' || previous === ':';
    if ((char === '"' || char === "'") && tokenStart) {
      quote = char;
    } else if (char === '#' && (previous === ' ' || previous === '\t' || i === lineStart)) {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? text.length : end) - 1;
    } else if (char === '[' || char === '{') {
      flow += 1;
      if (flow + indents.length > limit) return { line, column: i - lineStart + 1, depth: flow + indents.length, kind: 'flow' };
    } else if ((char === ']' || char === '}') && flow > 0) {
      flow -= 1;
    }
  }
  return undefined;
}

/** At the start of a line outside flow collections: updates the open indentations and measures the line's depth. */
function blockDepthAt(text: string, start: number, indents: number[], limit: number): { column: number; depth: number } | undefined {
  let i = start;
  while (text[i] === ' ') i += 1;
  const next = text[i];
  if (next === undefined || next === '\n' || next === '\r' || next === '#') return undefined; // blank or comment
  const indent = i - start;
  while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= indent) indents.pop();
  indents.push(indent);
  // `- - - x`: each indicator opens one more level on this line.
  let depth = indents.length;
  while ((text[i] === '-' || text[i] === '?') && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
    depth += 1;
    if (depth > limit) return { column: i - start + 1, depth };
    i += 2;
    while (text[i] === ' ' || text[i] === '\t') i += 1;
  }
  return depth > limit ? { column: indent + 1, depth } : undefined;
}
