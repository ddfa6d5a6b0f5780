/**
 * Reading YAML the way kubectl does. kubectl turns YAML into JSON with sigs.k8s.io/yaml, which decodes with its
 * fork of go-yaml v2 (YAML 1.1 rules) into interface{} values and marshals those to JSON. Plain scalars are
 * resolved by go-yaml v2's `resolve()` (resolve.go), which differs both from YAML 1.2 (what suites use) and from
 * the `yaml` package's own 'yaml-1.1' schema:
 *
 * | plain scalar                         | go-yaml v2 -> JSON (kubectl)     | YAML 1.2 core | `yaml` 'yaml-1.1' |
 * |--------------------------------------|----------------------------------|---------------|-------------------|
 * | `010`, `0_10`                        | 8 (strconv.ParseInt base 0)       | 10            | 8                 |
 * | `0o10`, `0O10`                       | 8 (Go >= 1.13 ParseInt)           | 8 / string    | string            |
 * | `0X1F`, `0B11`                       | 31, 3 (ParseInt accepts capitals) | string        | string            |
 * | `1_000`, `0b101`                     | 1000, 5                           | string        | 1000, 5           |
 * | `089`                                | 89 (float regex, then ParseFloat) | 89            | 89                |
 * | `y n yes no on off` (and Y, Yes, …)  | booleans                          | strings       | booleans          |
 * | `1:30` (base 60)                     | string ("purposefully unsupported")| string       | 90                |
 * | `2001-12-14`                         | string (timestamps decoded into interface{} stay strings) | string | Date |
 * | `!!set {a, b}`                       | map {a: null, b: null} (the tag is not special) | map + warning | Set |
 * | `!!binary aGk=`                      | the decoded bytes as a string     | string        | Uint8Array        |
 * | map key `yes`, `010`, `1.5`          | "true", "8", "1.5" (keys become strings) | …      | …                 |
 * | map key `~` / `null`                 | error: unsupported map key        | "" / "null"   | ""                |
 *
 * So this module gives the `yaml` package a tag list that resolves plain scalars exactly as go-yaml v2 does; the
 * collection, string, null, bool, NaN/Inf and merge-key tags are taken from its 1.1 schema unchanged (they agree).
 */
import { stringify, type ScalarTag, type Tags } from 'yaml';

const INT_TAG = 'tag:yaml.org,2002:int';
const FLOAT_TAG = 'tag:yaml.org,2002:float';
const BINARY_TAG = 'tag:yaml.org,2002:binary';

/** go-yaml v2's yamlStyleFloat, applied (like there) after removing underscores. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** What strconv.ParseInt(s, 0, 64) accepts (sign, 0x/0o/0b prefixes in either case, leading-0 octal, decimal). */
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;

/** A RegExp whose `test` is a predicate: the `yaml` package picks a tag by calling `tag.test.test(source)`. */
class Predicate extends RegExp {
  constructor(private readonly predicate: (source: string) => boolean) {
    super('(?:)');
  }

  override test(source: string): boolean {
    return this.predicate(source);
  }
}

/** Plain scalars go-yaml v2 hands to its number path: the first character is a digit or a sign (resolve_table). */
function numberHint(source: string): boolean {
  return /^[-+0-9]/.test(source);
}

function goInt(source: string): number | undefined {
  if (!numberHint(source)) return undefined;
  const plain = source.replace(/_/g, '');
  if (!GO_INT.test(plain)) return undefined;
  const negative = plain.startsWith('-');
  const digits = plain.replace(/^[-+]/, '');
  let magnitude: number;
  if (/^0[xX]/.test(digits)) magnitude = parseInt(digits.slice(2), 16);
  else if (/^0[oO]/.test(digits)) magnitude = parseInt(digits.slice(2), 8);
  else if (/^0[bB]/.test(digits)) magnitude = parseInt(digits.slice(2), 2);
  else if (/^0[0-7]+$/.test(digits)) magnitude = parseInt(digits.slice(1), 8);
  else magnitude = parseInt(digits, 10);
  return negative ? -magnitude : magnitude;
}

function goFloat(source: string): number | undefined {
  if (source.startsWith('.')) {
    // resolve_table '.': strconv.ParseFloat on the text as written (no underscores removed). `.inf`/`.nan` are the
    // 1.1 schema's floatNaN tag, which agrees with go-yaml's map.
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(source) ? Number(source) : undefined;
  }
  if (!numberHint(source) || goInt(source) !== undefined) return undefined;
  const plain = source.replace(/_/g, '');
  return YAML_STYLE_FLOAT.test(plain) ? Number(plain) : undefined;
}

const goIntTag: ScalarTag = {
  identify: (value) => typeof value === 'number' && Number.isInteger(value),
  default: true,
  tag: INT_TAG,
  test: new Predicate((source) => goInt(source) !== undefined),
  resolve: (source) => goInt(source) ?? source,
};

const goFloatTag: ScalarTag = {
  identify: (value) => typeof value === 'number',
  default: true,
  tag: FLOAT_TAG,
  test: new Predicate((source) => goFloat(source) !== undefined),
  resolve: (source) => goFloat(source) ?? source,
};

/** `!!binary`: go-yaml v2 base64-decodes it into a string. */
const goBinaryTag: ScalarTag = {
  identify: () => false,
  default: false,
  tag: BINARY_TAG,
  resolve: (source) => Buffer.from(source.replace(/\s+/g, ''), 'base64').toString('utf8'),
};

/** Tags of the 1.1 schema kept as they are; go-yaml v2 reads these the same way. */
const KEPT = new Set(['tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq', 'tag:yaml.org,2002:str', 'tag:yaml.org,2002:null', 'tag:yaml.org,2002:bool', 'tag:yaml.org,2002:merge']);

/** `customTags` for the `yaml` package (with schema 'yaml-1.1'): go-yaml v2's resolution of plain scalars. */
export function kubectlTags(schemaTags: Tags): Tags {
  const kept = schemaTags.filter((tag) => {
    if (typeof tag === 'string') return false;
    if (KEPT.has(tag.tag)) return true;
    // `.inf`, `-.Inf`, `.nan`: the same spellings as go-yaml v2's resolve map.
    return tag.tag === FLOAT_TAG && 'test' in tag && tag.test instanceof RegExp && tag.test.test('.nan');
  });
  return [...kept, goIntTag, goFloatTag, goBinaryTag];
}

/** Parse options that read YAML as kubectl does (see the table above). */
export const KUBECTL_YAML_OPTIONS = { version: '1.1', schema: 'yaml-1.1', customTags: kubectlTags } as const;

/**
 * YAML text that kubectl reads back as `value`: a string that go-yaml v2 would resolve to something else (`y`, `on`,
 * `010`, `0o10`) is quoted. Use it for every policy the tool writes (generate, cluster snapshots).
 */
export function stringifyAsKubectl(value: unknown, options: { indent?: number } = {}): string {
  return stringify(value, { ...KUBECTL_YAML_OPTIONS, ...options });
}
