/**
 * The import graph of src/**: every relative import (static, `export … from`, `import type`, dynamic
 * `import()`), resolved to a file, and the rules a folder map must keep.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Importing file, relative to the repository (`src/engine/plan.ts`). */
  from: string;
  /** Imported file, relative to the repository. */
  to: string;
}

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

export function importsOf(root: string, file: string): ImportEdge[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      specifiers.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specifiers.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const from = relative(root, file).split(sep).join('/');
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => ({ from, to: relative(root, resolve(dirname(file), s.replace(/\.js$/, '.ts'))).split(sep).join('/') }));
}

/** `src/engine/plan.ts` → `engine`; files directly in src/ (index.ts, version.ts) → their own name. */
export function folderOf(path: string): string {
  const parts = path.split('/');
  return parts.length > 2 ? (parts[1] as string) : (parts[1] as string).replace(/\.ts$/, '');
}

export interface FolderRules {
  /** Folder → the folders it may import from. Every folder of src/ must be listed. */
  allowed: Record<string, readonly string[]>;
  /** Modules anyone may import (files directly in src/, e.g. version). */
  shared: readonly string[];
}

/** Every rule an edge breaks: a folder not in the map, a wrong-way import, or one that bypasses index.ts. */
export function violations(edges: readonly ImportEdge[], rules: FolderRules): string[] {
  const found: string[] = [];
  for (const edge of edges) {
    const from = folderOf(edge.from);
    const to = folderOf(edge.to);
    if (from === to || rules.shared.includes(to)) continue;
    const allowed = rules.allowed[from];
    if (allowed === undefined) {
      found.push(`${edge.from}: folder ${from} is not in the folder map (add it to the rules and to docs/architecture.md)`);
      continue;
    }
    if (!allowed.includes(to)) {
      found.push(`${edge.from} imports ${edge.to}: ${from} may not depend on ${to} (allowed: ${allowed.join(', ') || 'nothing'})`);
      continue;
    }
    if (!edge.to.endsWith('/index.ts')) found.push(`${edge.from} imports ${edge.to}: import another folder through its index.ts`);
  }
  return found;
}
