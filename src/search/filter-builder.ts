/**
 * The steps every filter parser shares, in MLflow's order: (1) the shape, with all invalid clauses
 * reported together; (2) each comparison's key and value, first error wins; (3) each comparator,
 * which MLflow only checks later, in its stores. The search kinds differ only in the rules of
 * steps 2 and 3, given as a FilterDialect.
 */
import { InvalidParameterError } from '../errors/assay-error.js';
import type { Comparator, Comparison, EntityType, FilterNode } from './filter-ast.js';
import type { ClauseQuoting, Operand, RawComparison, SyntaxNode } from './filter-syntax.js';
import { parseFilterSyntax } from './filter-syntax.js';
import type { FilterValue } from './filter-values.js';

export interface ParsedComparison {
  readonly entity: EntityType;
  /** Canonical key (aliases resolved). */
  readonly key: string;
  /** Upper-cased, not yet known to be valid (`>>>`, `NOT LIKE` reach the comparator check). */
  readonly comparator: string;
  readonly value: FilterValue;
}

export interface FilterDialect {
  readonly quoting: ClauseQuoting;
  /** Step 2: key and value of `identifier <comparator> value`; throws MLflow's message. */
  parseComparison(identifier: string, comparator: string, value: Operand): ParsedComparison;
  /** Step 3: the comparator allowed for this entity and key; throws MLflow's message. */
  checkComparator(comparison: ParsedComparison): Comparator;
}

export function parseFilter(filter: string | null | undefined, dialect: FilterDialect): FilterNode | null {
  if (!filter) return null;
  const syntax = parseFilterSyntax(filter, dialect.quoting);
  if (!syntax) return null;
  const raws = comparisonsOf(syntax);
  const parsed = raws.map((raw) => {
    // sqlparse also groups `'a' = 1` or `metrics.a-b > 1` as comparisons; MLflow refuses them here.
    if (raw.left.kind !== 'name') {
      throw new InvalidParameterError(
        `Invalid comparison clause. Expected 'Identifier' found '${raw.left.text}'`,
      );
    }
    return dialect.parseComparison(raw.left.text, raw.comparator.toUpperCase(), raw.right);
  });
  const checked = new Map<RawComparison, Comparison>();
  raws.forEach((raw, index) => {
    const comparison = parsed[index];
    if (comparison) checked.set(raw, finish(comparison, dialect.checkComparator(comparison)));
  });
  return toAst(syntax, checked);
}

/**
 * A list value pairs only with IN / NOT IN. MLflow lets `run_id = ('a')` through its parser and
 * then fails in SQL (500); Assay refuses it here.
 */
function finish(comparison: ParsedComparison, comparator: Comparator): Comparison {
  const takesList = comparator === 'IN' || comparator === 'NOT IN';
  if (Array.isArray(comparison.value) !== takesList) {
    throw new InvalidParameterError(
      `Invalid comparator '${comparator}' for a list of quoted string values. Only 'IN' and 'NOT IN' take a list.`,
    );
  }
  return {
    kind: 'comparison',
    entity: comparison.entity,
    key: comparison.key,
    comparator,
    value: comparison.value,
  };
}

/** The comparisons in source order. */
function comparisonsOf(node: SyntaxNode): RawComparison[] {
  return node.kind === 'comparison' ? [node] : node.children.flatMap(comparisonsOf);
}

function toAst(node: SyntaxNode, checked: ReadonlyMap<RawComparison, Comparison>): FilterNode {
  if (node.kind !== 'comparison') {
    return { kind: node.kind, clauses: node.children.map((child) => toAst(child, checked)) };
  }
  const comparison = checked.get(node);
  if (!comparison) throw new Error('filter comparison was not checked');
  return comparison;
}
