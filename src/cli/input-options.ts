/**
 * The options that bound what suites may read (src/suite/input-access.ts): `--root <dir>` (repeatable) widens
 * the directories the files a suite names may lie in; `--max-file-size <size>` sets the largest input file.
 */
import type { SuiteInputOptions } from '../suite/index.js';
import { DEFAULT_MAX_FILE_SIZE, formatByteSize, InputError } from '../util/index.js';
import type { OptionSpec, Parsed } from './args.js';

export const INPUT_OPTIONS: OptionSpec = {
  root: { type: 'string', multiple: true },
  'max-file-size': { type: 'string' },
};

export const INPUT_HELP = `Input (suites come from pull requests: what they may read is bounded):
  --root <dir>              files a suite names (policies, globs) may also lie here; repeatable. By default
                            they must lie in the suite's git repository (or its directory outside one)
  --max-file-size <size>    largest suite or policy file read: bytes, or with KiB/MiB/GiB (default ${formatByteSize(DEFAULT_MAX_FILE_SIZE)})`;

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1000, kib: 1024, m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3 };
const MAX_LIMIT = 1024 ** 3;

/** `16MiB`, `500 KiB`, `1048576`: bytes; InputError naming the option otherwise. */
export function parseByteSize(raw: string, command: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(raw);
  const unit = UNITS[(match?.[2] ?? '').toLowerCase()];
  const bytes = match && unit !== undefined ? Math.floor(Number(match[1]) * unit) : NaN;
  if (!Number.isFinite(bytes) || bytes < 1 || bytes > MAX_LIMIT) {
    throw new InputError([
      { message: `netpol-e2e ${command}: --max-file-size must be a size from 1 byte to 1 GiB (e.g. 16MiB, 500KiB or a number of bytes), got '${raw}'` },
    ]);
  }
  return bytes;
}

export function suiteInputOptionsOf(parsed: Parsed, command: string): SuiteInputOptions {
  const options: SuiteInputOptions = {};
  const roots = parsed.values.root;
  if (Array.isArray(roots) && roots.length > 0) {
    const empty = roots.find((root) => root.trim() === '');
    if (empty !== undefined) throw new InputError([{ message: `netpol-e2e ${command}: --root needs a directory, got an empty string` }]);
    options.roots = roots;
  }
  const size = parsed.values['max-file-size'];
  if (typeof size === 'string') options.maxFileSize = parseByteSize(size, command);
  return options;
}
