import type { DatasetSchema } from '../datasets/dataset-table.js';
import { InvalidParameterError } from '../errors/assay-error.js';
import type { Expression, Literal, Operand } from './expression-ast.js';
import { formatExpression } from './expression-format.js';
import {
  columnKind,
  describeLiteral,
  describeOperand,
  literalKind,
  spellingHint,
  type ValueKind,
} from './expression-types.js';

/**
 * Checks `expression` against a table's columns: every column exists, and every comparison and
 * `in` list compares values of one kind (numbers with number columns, strings with string columns,
 * true/false with bool columns). Throws InvalidParameterError naming the column or values.
 */
export function checkExpression(expression: Expression, schema: DatasetSchema): void {
  const kinds = new Map(schema.columns.map((column) => [column.name, columnKind(column.type)]));
  const fail = (problem: string): never => {
    throw new InvalidParameterError(`Invalid expression "${formatExpression(expression)}": ${problem}`);
  };
  const kindOf = (operand: Operand): ValueKind => {
    if (operand.kind === 'literal') return literalKind(operand.value);
    const kind = kinds.get(operand.name);
    if (kind === undefined) fail(unknownColumnProblem(operand.name, [...kinds.keys()]));
    return kind as ValueKind;
  };
  const visit = (node: Expression): void => {
    switch (node.kind) {
      case 'comparison': {
        const left = kindOf(node.left);
        const right = kindOf(node.right);
        if (left !== right) fail(mismatchProblem(node.left, left, node.right, right));
        return;
      }
      case 'in': {
        const kind = kindOf(node.operand);
        for (const value of node.values) {
          if (literalKind(value.value) !== kind) fail(inListProblem(node.operand, kind, value));
        }
        return;
      }
      case 'null-check':
        kindOf(node.operand);
        return;
      case 'value': {
        const kind = kindOf(node.operand);
        if (kind !== 'bool') fail(notAConditionProblem(node.operand, kind));
        return;
      }
      case 'and':
      case 'or':
        visit(node.left);
        visit(node.right);
        return;
      case 'not':
        visit(node.operand);
        return;
    }
  };
  visit(expression);
}

/** "unknown column 'agee' (did you mean 'age'?); the columns are: age, sex, ..." */
export function unknownColumnProblem(name: string, columns: readonly string[]): string {
  const closest = closestName(name, columns);
  const hint = closest === undefined ? '' : ` (did you mean '${closest}'?)`;
  return `unknown column '${name}'${hint}; the columns are: ${listColumns(columns)}`;
}

const LISTED_COLUMNS = 60;

export function listColumns(columns: readonly string[]): string {
  if (columns.length === 0) return '(none)';
  const shown = columns.slice(0, LISTED_COLUMNS).join(', ');
  return columns.length > LISTED_COLUMNS ? `${shown}, ... (${columns.length} in all)` : shown;
}

function mismatchProblem(left: Operand, leftKind: ValueKind, right: Operand, rightKind: ValueKind): string {
  const base = `cannot compare ${describeOperand(left, leftKind)} with ${describeOperand(right, rightKind)}`;
  if (left.kind === 'column' && right.kind === 'literal') return base + spellingHint(right.value, leftKind);
  if (right.kind === 'column' && left.kind === 'literal') return base + spellingHint(left.value, rightKind);
  return base;
}

function inListProblem(operand: Operand, kind: ValueKind, value: Literal): string {
  const base = `${describeOperand(operand, kind)} cannot be in a list holding ${describeLiteral(value.value)}`;
  return operand.kind === 'column' ? base + spellingHint(value.value, kind) : base;
}

function notAConditionProblem(operand: Operand, kind: ValueKind): string {
  const what = describeOperand(operand, kind);
  if (operand.kind === 'column' && kind === 'number') {
    return `${what} is not a condition by itself; compare it, e.g. ${operand.name} > 0`;
  }
  if (operand.kind === 'column')
    return `${what} is not a condition by itself; compare it, e.g. ${operand.name} = 'x'`;
  return `${what} is not a condition; compare a column with it`;
}

/** The column whose name is nearest `name` by edit distance, if any is near enough to be a typo. */
function closestName(name: string, columns: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const column of columns) {
    const distance =
      column.toLowerCase() === name.toLowerCase()
        ? 0
        : editDistance(name.toLowerCase(), column.toLowerCase());
    if (distance < bestDistance) {
      best = column;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
