import { describe, expect, it } from 'vitest';
import type { Column, TableBatch } from '../../src/datasets/dataset-table.js';
import { InvalidParameterError } from '../../src/errors/assay-error.js';
import type { Expression, LiteralValue, Operand } from '../../src/expression/expression-ast.js';
import { evaluateExpression } from '../../src/expression/expression-evaluate.js';
import { parseExpression } from '../../src/expression/expression-parser.js';

/** Rows as objects (null = missing), turned into a column batch the way datasets store them. */
function batch(
  rows: Record<string, number | string | boolean | null>[],
  types: Record<string, Column['type']>,
): TableBatch {
  const columns = new Map<string, Column>();
  for (const [name, type] of Object.entries(types)) {
    const values = rows.map((row) => row[name] ?? null);
    if (type === 'float64') {
      columns.set(name, {
        name,
        type,
        values: Float64Array.from(values, (v) => (v === null ? NaN : (v as number))),
      });
    } else if (type === 'string') {
      columns.set(name, { name, type, values: values as (string | null)[] });
    } else {
      const missing = values.some((v) => v === null);
      columns.set(name, {
        name,
        type,
        values: Uint8Array.from(values, (v) => (v === true ? 1 : 0)),
        valid: missing ? Uint8Array.from(values, (v) => (v === null ? 0 : 1)) : null,
      });
    }
  }
  return { length: rows.length, offset: 0, columns };
}

const TYPES = { age: 'float64', sex: 'string', member: 'bool', score: 'float64' } as const;
const ROWS = [
  { age: 70, sex: 'F', member: true, score: 10 },
  { age: 30, sex: 'M', member: false, score: 30 },
  { age: null, sex: 'F', member: true, score: 5 },
  { age: 60, sex: null, member: null, score: null },
  { age: 45.5, sex: "O'B", member: false, score: 45.5 },
  { age: -1, sex: '', member: null, score: 2 },
];
const PEOPLE = batch(ROWS, TYPES);

/** The row numbers (0-based) an expression selects from PEOPLE. */
function rows(text: string, data: TableBatch = PEOPLE): number[] {
  const matches = evaluateExpression(parseExpression(text), data);
  expect(matches).toBeInstanceOf(Uint8Array);
  expect(matches.length).toBe(data.length);
  return [...matches].flatMap((m, i) => (m === 1 ? [i] : []));
}

describe('evaluateExpression: comparisons (missing values never match)', () => {
  it.each([
    ['age >= 60', [0, 3]],
    ['age > 60', [0]],
    ['age < 45.5', [1, 5]],
    ['age <= 45.5', [1, 4, 5]],
    ['age = 30', [1]],
    ['age == 30', [1]],
    ['age != 30', [0, 3, 4, 5]],
    ['age <> 30', [0, 3, 4, 5]],
    ['age > -2', [0, 1, 3, 4, 5]],
    ['60 <= age', [0, 3]],
    ['30 = age', [1]],
    ['-1 >= age', [5]],
    ["sex = 'F'", [0, 2]],
    ["sex != 'F'", [1, 4, 5]],
    ["sex = ''", [5]],
    ["sex < 'G'", [0, 2, 5]],
    ["sex >= 'M'", [1, 4]],
    ["sex = 'O''B'", [4]],
    ['member = true', [0, 2]],
    ['member = false', [1, 4]],
    ['member != true', [1, 4]],
    ['member > false', [0, 2]],
    ['age = score', [1, 4]],
    ['age > score', [0]],
    ['age < score', [5]],
    ['age != score', [0, 5]],
  ])('%s', (text, expected) => {
    expect(rows(text)).toEqual(expected);
  });
});

describe('evaluateExpression: in lists and null checks', () => {
  it.each([
    ['age in (30, 60)', [1, 3]],
    ['age not in (30, 60)', [0, 4, 5]],
    ["sex in ('F', '')", [0, 2, 5]],
    ["sex not in ('F')", [1, 4, 5]],
    ['member in (true)', [0, 2]],
    ['member not in (true)', [1, 4]],
    ['member in (true, false)', [0, 1, 2, 4]],
    ['age is null', [2]],
    ['age is not null', [0, 1, 3, 4, 5]],
    ['sex is null', [3]],
    ['member is null', [3, 5]],
    ['member is not null', [0, 1, 2, 4]],
    ['score is null', [3]],
  ])('%s', (text, expected) => {
    expect(rows(text)).toEqual(expected);
  });
});

describe('evaluateExpression: SQL three-valued logic', () => {
  it.each([
    // not UNKNOWN is UNKNOWN: a missing age matches neither `age > 50` nor `not age > 50`.
    ['not age > 50', [1, 4, 5]],
    ['not not age > 50', [0, 3]],
    ['member', [0, 2]],
    ['not member', [1, 4]],
    // UNKNOWN or TRUE is TRUE; UNKNOWN and FALSE is FALSE.
    ["age > 50 or sex = 'F'", [0, 2, 3]],
    ["not (age > 50 or sex = 'F')", [1, 4, 5]],
    ["age > 50 and sex = 'F'", [0]],
    ["not (age > 50 and sex = 'F')", [1, 4, 5]],
    ['age > 50 and sex is null', [3]],
    ['(age > 50 or age is null) and member', [0, 2]],
    ['age > 50 or age <= 50', [0, 1, 3, 4, 5]],
    ['age > 50 or age <= 50 or age is null', [0, 1, 2, 3, 4, 5]],
    ["age >= 60 or sex = 'F' and member", [0, 2, 3]],
    ["(age >= 60 or sex = 'F') and member", [0, 2]],
    ['true', [0, 1, 2, 3, 4, 5]],
    ['false', []],
    ['not true', []],
    ['1 = 1', [0, 1, 2, 3, 4, 5]],
    ["'a' > 'b'", []],
    ['3 in (1, 2)', []],
    ['3 not in (1, 2)', [0, 1, 2, 3, 4, 5]],
    ['1 is null', []],
    ['1 is not null', [0, 1, 2, 3, 4, 5]],
  ])('%s', (text, expected) => {
    expect(rows(text)).toEqual(expected);
  });
});

describe('evaluateExpression: errors', () => {
  it('refuses a column the batch does not have, listing those it has', () => {
    expect(() => rows('height > 1')).toThrow(InvalidParameterError);
    expect(() => rows('height > 1')).toThrow(
      "unknown column 'height'; the columns are: age, sex, member, score",
    );
  });

  it('refuses values of another kind', () => {
    expect(() => rows("age = 'x'")).toThrow('cannot compare number values with string values');
    expect(() => rows('sex in (1)')).toThrow('cannot compare string values with number values');
    expect(() => rows('age')).toThrow('cannot compare number values with bool values');
  });

  it('handles an empty batch', () => {
    expect(rows('age > 1', batch([], TYPES))).toEqual([]);
  });
});

/*
 * A row-at-a-time reference evaluator (three-valued, as SQL), to check the column-wise one on many
 * random expressions and rows.
 */
type Truth = boolean | null;
type Row = Record<string, number | string | boolean | null>;

function operandValue(operand: Operand, row: Row): LiteralValue | null {
  return operand.kind === 'literal' ? operand.value : (row[operand.name] ?? null);
}

function reference(expression: Expression, row: Row): Truth {
  switch (expression.kind) {
    case 'comparison': {
      const a = operandValue(expression.left, row);
      const b = operandValue(expression.right, row);
      if (a === null || b === null) return null;
      const [x, y] = typeof a === 'boolean' ? [Number(a), Number(b)] : [a, b];
      switch (expression.operator) {
        case '=':
          return x === y;
        case '!=':
          return x !== y;
        case '<':
          return x < y;
        case '<=':
          return x <= y;
        case '>':
          return x > y;
        case '>=':
          return x >= y;
      }
      return null;
    }
    case 'in': {
      const value = operandValue(expression.operand, row);
      if (value === null) return null;
      const found = expression.values.some((v) => v.value === value);
      return expression.negated ? !found : found;
    }
    case 'null-check': {
      const missing = operandValue(expression.operand, row) === null;
      return expression.negated ? !missing : missing;
    }
    case 'value':
      return operandValue(expression.operand, row) as Truth;
    case 'not': {
      const inner = reference(expression.operand, row);
      return inner === null ? null : !inner;
    }
    case 'and': {
      const a = reference(expression.left, row);
      const b = reference(expression.right, row);
      if (a === false || b === false) return false;
      return a === null || b === null ? null : true;
    }
    case 'or': {
      const a = reference(expression.left, row);
      const b = reference(expression.right, row);
      if (a === true || b === true) return true;
      return a === null || b === null ? null : false;
    }
  }
}

function randomExpression(random: () => number, depth: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  if (depth > 0 && random() < 0.5) {
    const kind = pick(['and', 'or', 'not', 'paren']);
    if (kind === 'not') return `not ${randomExpression(random, depth - 1)}`;
    if (kind === 'paren') return `(${randomExpression(random, depth - 1)})`;
    return `${randomExpression(random, depth - 1)} ${kind} ${randomExpression(random, depth - 1)}`;
  }
  const op = pick(['=', '!=', '<', '<=', '>', '>=']);
  switch (pick(['num', 'num2', 'str', 'bool', 'in', 'null'])) {
    case 'num':
      return `age ${op} ${pick([-1, 0, 30, 45.5, 60, 70, 100])}`;
    case 'num2':
      return `age ${op} score`;
    case 'str':
      return `sex ${op} '${pick(['F', 'M', '', "O''B", 'Z'])}'`;
    case 'bool':
      return pick(['member', `member ${op} ${pick(['true', 'false'])}`]);
    case 'in':
      return `${pick(['age', 'score'])} ${pick(['in', 'not in'])} (${pick(['30', '30, 60', '45.5, -1, 2'])})`;
    default:
      return `${pick(['age', 'sex', 'member', 'score'])} ${pick(['is null', 'is not null'])}`;
  }
}

describe('evaluateExpression: agrees with a row-by-row reference', () => {
  it('on 2,000 random expressions over rows with missing values', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const many: Row[] = Array.from({ length: 300 }, () => ({
      age: random() < 0.15 ? null : ([-1, 0, 30, 45.5, 60, 70][Math.floor(random() * 6)] as number),
      sex: random() < 0.15 ? null : (['F', 'M', '', "O'B"][Math.floor(random() * 4)] as string),
      member: random() < 0.15 ? null : random() < 0.5,
      score: random() < 0.15 ? null : ([0, 30, 45.5, 60][Math.floor(random() * 4)] as number),
    }));
    const data = batch(many, TYPES);
    for (let i = 0; i < 2000; i++) {
      const text = randomExpression(random, 3);
      const expression = parseExpression(text);
      const expected = many.flatMap((row, r) => (reference(expression, row) === true ? [r] : []));
      expect(rows(text, data), text).toEqual(expected);
    }
  });
});
