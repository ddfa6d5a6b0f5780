/**
 * A multi-document YAML manifest (like Calico's calico.yaml) as Kubernetes objects in document order, each with
 * the position it came from. Empty documents are skipped and `kind: List` is expanded; a document that is not a
 * Kubernetes object is an InputError naming file:line:col.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../kube/index.js';
import { InputError, type InputIssue, type SourcePosition } from '../../util/index.js';

export interface ManifestObject {
  object: KubeObject;
  position: SourcePosition;
}

export function parseManifest(text: string, file: string): ManifestObject[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter });
  if (!Array.isArray(documents)) {
    // An empty stream parses to an EmptyStream; there is nothing to install.
    return [];
  }
  const objects: ManifestObject[] = [];
  const issues: InputIssue[] = [];
  for (const document of documents) {
    const offset = document.contents?.range[0] ?? document.range[0];
    const where = lineCounter.linePos(offset);
    const position: SourcePosition = { file, line: where.line, column: where.col };
    for (const error of document.errors) {
      const at = lineCounter.linePos(error.pos[0]);
      issues.push({ position: { file, line: at.line, column: at.col }, message: `not valid YAML: ${error.message.split('\n')[0]}` });
    }
    if (document.errors.length > 0) continue;
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    for (const object of expandList(value)) {
      const problem = objectProblem(object);
      if (problem) issues.push({ position, message: problem });
      else objects.push({ object: object as KubeObject, position });
    }
  }
  if (issues.length > 0) {
    throw new InputError(issues, { hint: `fix ${file}: every document must be a Kubernetes object with apiVersion, kind and metadata.name` });
  }
  return objects;
}

function expandList(value: unknown): unknown[] {
  if (isRecord(value) && typeof value['kind'] === 'string' && value['kind'].endsWith('List') && Array.isArray(value['items'])) {
    return value['items'];
  }
  return [value];
}

function objectProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return `expected a Kubernetes object (a mapping), found ${Array.isArray(value) ? 'a sequence' : typeof value}`;
  const missing = ['apiVersion', 'kind'].filter((k) => typeof value[k] !== 'string' || value[k] === '');
  const metadata = value['metadata'];
  if (!isRecord(metadata) || typeof metadata['name'] !== 'string' || metadata['name'] === '') missing.push('metadata.name');
  if (missing.length > 0) {
    const kind = typeof value['kind'] === 'string' ? `${value['kind']} ` : '';
    return `${kind}object without ${missing.join(', ')}`;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
