import { createHash } from 'node:crypto';
import { InvalidParameterError } from '../errors/assay-error.js';
import type { Expression } from '../expression/expression-ast.js';
import { checkExpression, listColumns } from '../expression/expression-check.js';
import { expressionColumns } from '../expression/expression-columns.js';
import { formatExpression } from '../expression/expression-format.js';
import { parseExpression } from '../expression/expression-parser.js';
import type { CreateDatasetOptions, SliceDefinition } from './dataset-entities.js';
import type { DatasetSchema } from './dataset-table.js';

/** What a version says about its rows, beside the rows themselves: part of its identity. */
export interface DatasetDefinition {
  readonly labelColumn: string | null;
  readonly idColumn: string | null;
  /** Sorted by name. */
  readonly slices: readonly SliceDefinition[];
}

export interface ParsedDefinition {
  readonly definition: DatasetDefinition;
  /** Parallel to definition.slices. */
  readonly expressions: readonly Expression[];
}

/**
 * Checks the options' shape and parses the slice predicates: everything that can be refused before
 * the source is read.
 */
export function parseDefinition(options: CreateDatasetOptions): ParsedDefinition {
  const labelColumn = optionalColumn('label', options.labelColumn);
  const idColumn = optionalColumn('id', options.idColumn);
  const given = options.slices ?? [];
  if (!Array.isArray(given)) throw new InvalidParameterError('Slices must be a list of {name, predicate}');
  const names = new Set<string>();
  const slices = given.map((slice: unknown, i): SliceDefinition => {
    const { name, predicate } = (slice ?? {}) as { name?: unknown; predicate?: unknown };
    if (typeof name !== 'string' || name.trim() === '')
      throw new InvalidParameterError(`Slice ${i + 1} has no name`);
    if (name.trim() !== name)
      throw new InvalidParameterError(`Slice name '${name}' has leading or trailing spaces`);
    if (names.has(name))
      throw new InvalidParameterError(`Slice '${name}' is defined twice; slice names must be unique`);
    names.add(name);
    if (typeof predicate !== 'string' || predicate.trim() === '') {
      throw new InvalidParameterError(`Slice '${name}' has no predicate (e.g. age >= 60)`);
    }
    return { name, predicate };
  });
  slices.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const expressions = slices.map((slice) => {
    try {
      return parseExpression(slice.predicate);
    } catch (error) {
      throw new InvalidParameterError(`Slice '${slice.name}': ${(error as Error).message}`);
    }
  });
  return { definition: { labelColumn, idColumn, slices }, expressions };
}

function optionalColumn(role: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '')
    throw new InvalidParameterError(`The ${role} column name cannot be empty`);
  return value;
}

/** Refuses label, id and slice columns that are not among `columns` (checked as soon as they are known). */
export function checkDefinitionColumns(parsed: ParsedDefinition, columns: readonly string[]): void {
  const known = new Set(columns);
  const { labelColumn, idColumn, slices } = parsed.definition;
  for (const [role, column] of [
    ['label', labelColumn],
    ['id', idColumn],
  ] as const) {
    if (column !== null && !known.has(column)) {
      throw new InvalidParameterError(
        `The ${role} column '${column}' is not in the dataset; its columns are: ${listColumns(columns)}`,
      );
    }
  }
  slices.forEach((slice, i) => {
    for (const column of expressionColumns(parsed.expressions[i] as Expression)) {
      if (!known.has(column)) {
        throw new InvalidParameterError(
          `Slice '${slice.name}' uses column '${column}', which is not in the dataset; its columns are: ${listColumns(columns)}`,
        );
      }
    }
  });
}

/** The full check, once the column types are known: columns exist and slice predicates type-check. */
export function checkDefinition(parsed: ParsedDefinition, schema: DatasetSchema): void {
  checkDefinitionColumns(
    parsed,
    schema.columns.map((column) => column.name),
  );
  parsed.definition.slices.forEach((slice, i) => {
    try {
      checkExpression(parsed.expressions[i] as Expression, schema);
    } catch (error) {
      throw new InvalidParameterError(`Slice '${slice.name}': ${(error as Error).message}`);
    }
  });
}

/**
 * A version's identity: sha256 of the content digest and a canonical JSON of the definition
 * (keys in a fixed order, slices sorted by name, predicates in their canonical text), so that
 * `age>=60` and `age >= 60` make the same version.
 */
export function versionDigest(contentDigest: string, parsed: ParsedDefinition): string {
  const { labelColumn, idColumn, slices } = parsed.definition;
  const canonical = JSON.stringify({
    id: idColumn,
    label: labelColumn,
    slices: slices.map((slice, i) => ({
      name: slice.name,
      predicate: formatExpression(parsed.expressions[i] as Expression),
    })),
  });
  return createHash('sha256').update(contentDigest).update('\n').update(canonical).digest('hex');
}
