/**
 * Compares two JSON documents by shape: the same keys at every level, the same JSON types, arrays
 * of the same length whose items compare pairwise. Values are ignored (ids and times differ).
 * A metric value "NaN" and a number are both "double" values.
 * Returns the differences as readable paths; empty when the shapes agree.
 */
export function shapeDifferences(actual: unknown, expected: unknown, path = '$'): string[] {
  const actualType = jsonType(actual, path);
  const expectedType = jsonType(expected, path);
  if (actualType !== expectedType) return [`${path}: expected ${expectedType}, got ${actualType}`];
  if (Array.isArray(actual) && Array.isArray(expected)) {
    const differences: string[] = [];
    if (actual.length !== expected.length)
      differences.push(`${path}: expected ${expected.length} items, got ${actual.length}`);
    const shared = Math.min(actual.length, expected.length);
    for (let i = 0; i < shared; i += 1)
      differences.push(...shapeDifferences(actual[i], expected[i], `${path}[${i}]`));
    return differences;
  }
  if (actualType === 'object') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const differences: string[] = [];
    for (const key of Object.keys(e)) {
      if (!(key in a)) differences.push(`${path}.${key}: missing`);
      else differences.push(...shapeDifferences(a[key], e[key], `${path}.${key}`));
    }
    for (const key of Object.keys(a)) if (!(key in e)) differences.push(`${path}.${key}: unexpected`);
    return differences;
  }
  return [];
}

function jsonType(value: unknown, path: string): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (
    /\.value$/.test(path) &&
    (typeof value === 'number' || value === 'NaN' || value === 'Infinity' || value === '-Infinity')
  ) {
    return 'double-or-string';
  }
  return typeof value;
}
