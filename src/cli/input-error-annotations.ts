/**
 * In GitHub Actions, bad input is annotated at its file and line like a failing assertion would be: the PR shows
 * why the gate failed without anyone opening the log. At most GitHub's 10 per step, then a notice with the rest.
 */
import { escapeAnnotationData, escapeAnnotationProperty, GITHUB_ANNOTATIONS_PER_STEP } from '../report/index.js';
import { escapeControlCharacters, type InputError } from '../util/index.js';

export function inputErrorAnnotations(error: InputError, max = GITHUB_ANNOTATIONS_PER_STEP): string[] {
  const lines = error.issues.slice(0, max).map((issue) => {
    const properties: [string, string | number][] = [];
    if (issue.position) {
      properties.push(['file', issue.position.file], ['line', issue.position.line], ['col', issue.position.column]);
    }
    properties.push(['title', 'netpol-e2e: bad input']);
    const props = properties.map(([name, value]) => `${name}=${escapeAnnotationProperty(escapeControlCharacters(String(value)))}`).join(',');
    const message = `${issue.field ? `${issue.field}: ` : ''}${issue.message}${error.hint ? `\nhint: ${error.hint}` : ''}`;
    return `::error ${props}::${escapeAnnotationData(message)}`;
  });
  const more = error.issues.length - max;
  if (more > 0) {
    lines.push(`::notice title=${escapeAnnotationProperty(`${more} more input problem${more === 1 ? '' : 's'} not annotated`)}::${escapeAnnotationData('the job log lists every problem')}`);
  }
  return lines;
}
