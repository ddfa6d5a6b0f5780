/** The tool's name and version, read once from package.json (dist/ and src/ both sit one level below it). */
import { readFileSync } from 'node:fs';

interface PackageJson {
  name: string;
  version: string;
}

function readPackageJson(): PackageJson {
  const raw = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return JSON.parse(raw) as PackageJson;
}

const pkg = readPackageJson();

export const TOOL = { name: pkg.name, version: pkg.version } as const;
