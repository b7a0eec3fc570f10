import { expect } from 'vitest';
import { InvalidParameterError } from '../../src/errors/assay-error.js';
import type { Comparator, Comparison, EntityType, FilterNode } from '../../src/search/filter-ast.js';

/** Runs `parse` and returns the message of the InvalidParameterError (HTTP 400) it must throw. */
export function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).httpStatus).toBe(400);
    expect((error as InvalidParameterError).code).toBe('INVALID_PARAMETER_VALUE');
    return (error as Error).message;
  }
  throw new Error('expected the parser to refuse the input');
}

export function cmp(
  entity: EntityType,
  key: string,
  comparator: Comparator,
  value: number | string | readonly string[],
): Comparison {
  return { kind: 'comparison', entity, key, comparator, value };
}

export const and = (...clauses: FilterNode[]): FilterNode => ({ kind: 'and', clauses });
export const or = (...clauses: FilterNode[]): FilterNode => ({ kind: 'or', clauses });

/** Python prints sets in hash order; compare set literals of quoted strings with sorted items. */
export function normaliseSets(message: string): string {
  return message.replace(
    /\{('[^']*'(?:, '[^']*')*)\}/g,
    (_, items: string) => `{${items.split(', ').sort().join(', ')}}`,
  );
}
