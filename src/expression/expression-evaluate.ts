import type { Column, TableBatch } from '../datasets/dataset-table.js';
import { InvalidParameterError } from '../errors/assay-error.js';
import type { ComparisonOperator, Expression, Literal, LiteralValue, Operand } from './expression-ast.js';
import { unknownColumnProblem } from './expression-check.js';
import { formatExpression } from './expression-format.js';
import { columnKind, literalKind } from './expression-types.js';

/*
 * Column-wise evaluation with SQL's three-valued logic: a comparison with a missing value is
 * UNKNOWN, `not UNKNOWN` is UNKNOWN, and only TRUE rows match. Truth values are bytes ordered
 * FALSE < UNKNOWN < TRUE, so `and` is the minimum, `or` the maximum and `not` is 2 - x: each node
 * is one tight loop over typed arrays, with no per-row objects.
 */
const FALSE = 0;
const UNKNOWN = 1;
const TRUE = 2;

/**
 * The rows of `batch` that `expression` selects: 1 where the row matches, 0 otherwise (including
 * rows where a compared value is missing). The expression should have passed `checkExpression`;
 * a column missing from the batch or of the wrong kind is an InvalidParameterError all the same.
 */
export function evaluateExpression(expression: Expression, batch: TableBatch): Uint8Array {
  const truth = new Evaluator(expression, batch).evaluate(expression);
  const matches = new Uint8Array(batch.length);
  for (let i = 0; i < matches.length; i++) matches[i] = truth[i] === TRUE ? 1 : 0;
  return matches;
}

type Operator = ComparisonOperator;

/** The operator that gives the same answer with its operands swapped: `1 < x` is `x > 1`. */
const MIRRORED: Record<Operator, Operator> = {
  '=': '=',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

class Evaluator {
  private readonly length: number;

  constructor(
    private readonly root: Expression,
    private readonly batch: TableBatch,
  ) {
    this.length = batch.length;
  }

  evaluate(node: Expression): Uint8Array {
    switch (node.kind) {
      case 'comparison':
        return this.comparison(node.operator, node.left, node.right);
      case 'in':
        return this.inList(node.operand, node.values, node.negated);
      case 'null-check':
        return this.nullCheck(node.operand, node.negated);
      case 'value':
        return this.boolValue(node.operand);
      case 'not': {
        const truth = this.evaluate(node.operand);
        for (let i = 0; i < truth.length; i++) truth[i] = TRUE - (truth[i] ?? 0);
        return truth;
      }
      case 'and':
      case 'or': {
        const left = this.evaluate(node.left);
        const right = this.evaluate(node.right);
        if (node.kind === 'and') {
          for (let i = 0; i < left.length; i++) if ((right[i] ?? 0) < (left[i] ?? 0)) left[i] = right[i] ?? 0;
        } else {
          for (let i = 0; i < left.length; i++) if ((right[i] ?? 0) > (left[i] ?? 0)) left[i] = right[i] ?? 0;
        }
        return left;
      }
    }
  }

  private comparison(operator: Operator, left: Operand, right: Operand): Uint8Array {
    if (left.kind === 'literal' && right.kind === 'literal') {
      this.sameKind(literalKind(left.value), literalKind(right.value));
      return this.constant(compareValues(operator, left.value, right.value) ? TRUE : FALSE);
    }
    if (left.kind === 'literal') return this.comparison(MIRRORED[operator], right, left);
    const column = this.column(left.name);
    if (right.kind === 'literal') {
      this.sameKind(columnKind(column.type), literalKind(right.value));
      return compareWithValue(column, operator, right.value, this.length);
    }
    const other = this.column(right.name);
    this.sameKind(columnKind(column.type), columnKind(other.type));
    return compareColumns(column, operator, other, this.length);
  }

  private inList(operand: Operand, values: readonly Literal[], negated: boolean): Uint8Array {
    const [hit, miss] = negated ? [FALSE, TRUE] : [TRUE, FALSE];
    if (operand.kind === 'literal') {
      const found = values.some((value) => value.value === operand.value);
      return this.constant(found ? hit : miss);
    }
    const column = this.column(operand.name);
    for (const value of values) this.sameKind(columnKind(column.type), literalKind(value.value));
    const truth = new Uint8Array(this.length);
    if (column.type === 'float64') {
      const set = new Set(values.map((value) => value.value as number));
      const numbers = column.values as Float64Array;
      for (let i = 0; i < truth.length; i++) {
        const x = numbers[i] ?? NaN;
        truth[i] = x !== x ? UNKNOWN : set.has(x) ? hit : miss;
      }
    } else if (column.type === 'string') {
      const set = new Set(values.map((value) => value.value as string));
      const strings = column.values as (string | null)[];
      for (let i = 0; i < truth.length; i++) {
        const x = strings[i] ?? null;
        truth[i] = x === null ? UNKNOWN : set.has(x) ? hit : miss;
      }
    } else {
      const wanted = [values.some((v) => v.value === false), values.some((v) => v.value === true)];
      const bools = column.values as Uint8Array;
      const valid = column.valid ?? null;
      for (let i = 0; i < truth.length; i++) {
        if (valid !== null && valid[i] === 0) truth[i] = UNKNOWN;
        else truth[i] = wanted[bools[i] ? 1 : 0] ? hit : miss;
      }
    }
    return truth;
  }

  private nullCheck(operand: Operand, negated: boolean): Uint8Array {
    const [isNull, notNull] = negated ? [FALSE, TRUE] : [TRUE, FALSE];
    if (operand.kind === 'literal') return this.constant(notNull);
    const column = this.column(operand.name);
    const truth = new Uint8Array(this.length);
    for (let i = 0; i < truth.length; i++) truth[i] = isMissing(column, i) ? isNull : notNull;
    return truth;
  }

  private boolValue(operand: Operand): Uint8Array {
    if (operand.kind === 'literal') {
      this.sameKind(literalKind(operand.value), 'bool');
      return this.constant(operand.value === true ? TRUE : FALSE);
    }
    const column = this.column(operand.name);
    this.sameKind(columnKind(column.type), 'bool');
    const bools = column.values as Uint8Array;
    const valid = column.valid ?? null;
    const truth = new Uint8Array(this.length);
    for (let i = 0; i < truth.length; i++) {
      truth[i] = valid !== null && valid[i] === 0 ? UNKNOWN : bools[i] ? TRUE : FALSE;
    }
    return truth;
  }

  private constant(value: number): Uint8Array {
    return new Uint8Array(this.length).fill(value);
  }

  private column(name: string): Column {
    const column = this.batch.columns.get(name);
    if (!column) this.fail(unknownColumnProblem(name, [...this.batch.columns.keys()]));
    return column as Column;
  }

  private sameKind(a: string, b: string): void {
    if (a !== b) this.fail(`cannot compare ${a} values with ${b} values`);
  }

  private fail(problem: string): never {
    throw new InvalidParameterError(`Invalid expression "${formatExpression(this.root)}": ${problem}`);
  }
}

function isMissing(column: Column, row: number): boolean {
  if (column.type === 'float64') {
    const x = (column.values as Float64Array)[row] ?? NaN;
    return x !== x;
  }
  if (column.type === 'string') return ((column.values as (string | null)[])[row] ?? null) === null;
  return column.valid !== undefined && column.valid !== null && column.valid[row] === 0;
}

function compareValues(operator: Operator, a: LiteralValue, b: LiteralValue): boolean {
  switch (operator) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/** One loop per operator and column type: the comparison is decided outside the loop. */
function compareWithValue(
  column: Column,
  operator: Operator,
  value: LiteralValue,
  length: number,
): Uint8Array {
  const truth = new Uint8Array(length);
  if (column.type === 'float64') {
    compareNumbers(column.values as Float64Array, operator, value as number, truth);
    return truth;
  }
  if (column.type === 'string') {
    const strings = column.values as (string | null)[];
    const v = value as string;
    for (let i = 0; i < length; i++) {
      const x = strings[i] ?? null;
      truth[i] = x === null ? UNKNOWN : compareValues(operator, x, v) ? TRUE : FALSE;
    }
    return truth;
  }
  const bools = column.values as Uint8Array;
  const valid = column.valid ?? null;
  const v = value === true ? 1 : 0;
  for (let i = 0; i < length; i++) {
    truth[i] =
      valid !== null && valid[i] === 0
        ? UNKNOWN
        : compareValues(operator, bools[i] ? 1 : 0, v)
          ? TRUE
          : FALSE;
  }
  return truth;
}

function compareNumbers(xs: Float64Array, operator: Operator, v: number, truth: Uint8Array): void {
  const n = truth.length;
  // NaN (missing) fails every comparison, `!=` included: each loop checks x === x first.
  switch (operator) {
    case '=':
      for (let i = 0; i < n; i++) {
        const x = xs[i] as number;
        truth[i] = x !== x ? UNKNOWN : x === v ? TRUE : FALSE;
      }
      return;
    case '!=':
      for (let i = 0; i < n; i++) {
        const x = xs[i] as number;
        truth[i] = x !== x ? UNKNOWN : x !== v ? TRUE : FALSE;
      }
      return;
    case '<':
      for (let i = 0; i < n; i++) {
        const x = xs[i] as number;
        truth[i] = x !== x ? UNKNOWN : x < v ? TRUE : FALSE;
      }
      return;
    case '<=':
      for (let i = 0; i < n; i++) {
        const x = xs[i] as number;
        truth[i] = x !== x ? UNKNOWN : x <= v ? TRUE : FALSE;
      }
      return;
    case '>':
      for (let i = 0; i < n; i++) {
        const x = xs[i] as number;
        truth[i] = x !== x ? UNKNOWN : x > v ? TRUE : FALSE;
      }
      return;
    case '>=':
      for (let i = 0; i < n; i++) {
        const x = xs[i] as number;
        truth[i] = x !== x ? UNKNOWN : x >= v ? TRUE : FALSE;
      }
      return;
  }
}

function compareColumns(left: Column, operator: Operator, right: Column, length: number): Uint8Array {
  const truth = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    if (isMissing(left, i) || isMissing(right, i)) {
      truth[i] = UNKNOWN;
      continue;
    }
    truth[i] = compareValues(operator, cell(left, i), cell(right, i)) ? TRUE : FALSE;
  }
  return truth;
}

function cell(column: Column, row: number): LiteralValue {
  if (column.type === 'float64') return (column.values as Float64Array)[row] ?? NaN;
  if (column.type === 'string') return (column.values as (string | null)[])[row] ?? '';
  return (column.values as Uint8Array)[row] === 1;
}
