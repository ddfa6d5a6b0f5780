/**
 * A tiny structural JSON Schema checker for the tests (no dependency): type, const, enum, required, properties,
 * additionalProperties, items, oneOf, anyOf, allOf, if/then/else, $ref into $defs, pattern, min/max length, items and properties counts,
 * minimum/maximum. Enough to prove the example suites conform to schema/suite.schema.json.
 */
export type Schema = Record<string, unknown>;

export function checkSchema(root: Schema, value: unknown, schema: Schema = root, path = '$'): string[] {
  if (typeof schema['$ref'] === 'string') {
    const name = (schema['$ref'] as string).replace('#/$defs/', '');
    const target = (root['$defs'] as Record<string, Schema>)[name];
    if (!target) return [`${path}: unresolved $ref ${String(schema['$ref'])}`];
    return checkSchema(root, value, target, path);
  }
  const errors: string[] = [];
  if (Array.isArray(schema['oneOf'])) {
    const matching = (schema['oneOf'] as Schema[]).filter((option) => checkSchema(root, value, option, path).length === 0);
    if (matching.length !== 1) errors.push(`${path}: matches ${matching.length} of the oneOf alternatives (expected exactly 1)`);
  }
  if (Array.isArray(schema['allOf'])) {
    for (const part of schema['allOf'] as Schema[]) errors.push(...checkSchema(root, value, part, path));
  }
  if (Array.isArray(schema['anyOf'])) {
    const matching = (schema['anyOf'] as Schema[]).filter((option) => checkSchema(root, value, option, path).length === 0);
    if (matching.length === 0) errors.push(`${path}: matches none of the anyOf alternatives`);
  }
  if (typeof schema['if'] === 'object' && schema['if'] !== null) {
    const branch = checkSchema(root, value, schema['if'] as Schema, path).length === 0 ? schema['then'] : schema['else'];
    if (typeof branch === 'object' && branch !== null) errors.push(...checkSchema(root, value, branch as Schema, path));
  }
  if ('const' in schema && value !== schema['const']) errors.push(`${path}: expected ${JSON.stringify(schema['const'])}`);
  if (Array.isArray(schema['enum']) && !(schema['enum'] as unknown[]).includes(value)) errors.push(`${path}: not one of ${JSON.stringify(schema['enum'])}`);
  const type = schema['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? (type as string[]) : [type as string];
    if (!types.some((t) => hasType(value, t))) return [...errors, `${path}: expected ${types.join(' or ')}, found ${JSON.stringify(value)}`];
  }
  if (typeof value === 'string') {
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern']).test(value)) errors.push(`${path}: does not match ${String(schema['pattern'])}`);
    if (typeof schema['maxLength'] === 'number' && value.length > schema['maxLength']) errors.push(`${path}: longer than ${schema['maxLength']}`);
    if (typeof schema['minLength'] === 'number' && value.length < schema['minLength']) errors.push(`${path}: shorter than ${schema['minLength']}`);
  }
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) errors.push(`${path}: below ${schema['minimum']}`);
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) errors.push(`${path}: above ${schema['maximum']}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems']) errors.push(`${path}: fewer than ${schema['minItems']} items`);
    if (typeof schema['maxItems'] === 'number' && value.length > schema['maxItems']) errors.push(`${path}: more than ${schema['maxItems']} items`);
    if (schema['items']) value.forEach((item, i) => errors.push(...checkSchema(root, item, schema['items'] as Schema, `${path}[${i}]`)));
  }
  if (isObject(value)) {
    const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
    for (const key of (schema['required'] ?? []) as string[]) if (!(key in value)) errors.push(`${path}: missing ${key}`);
    const count = Object.keys(value).length;
    if (typeof schema['minProperties'] === 'number' && count < schema['minProperties']) errors.push(`${path}: fewer than ${schema['minProperties']} properties`);
    if (typeof schema['maxProperties'] === 'number' && count > schema['maxProperties']) errors.push(`${path}: more than ${schema['maxProperties']} properties`);
    for (const [key, item] of Object.entries(value)) {
      const property = properties[key];
      if (property) errors.push(...checkSchema(root, item, property, `${path}.${key}`));
      else if (schema['additionalProperties'] === false) errors.push(`${path}: unknown property ${key}`);
      else if (isObject(schema['additionalProperties'])) errors.push(...checkSchema(root, item, schema['additionalProperties'] as Schema, `${path}.${key}`));
    }
  }
  return errors;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}
