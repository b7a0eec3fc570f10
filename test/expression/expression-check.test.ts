import { describe, expect, it } from 'vitest';
import type { DatasetSchema } from '../../src/datasets/dataset-table.js';
import { InvalidParameterError } from '../../src/errors/assay-error.js';
import { checkExpression } from '../../src/expression/expression-check.js';
import { expressionColumns } from '../../src/expression/expression-columns.js';
import { parseExpression } from '../../src/expression/expression-parser.js';

const schema: DatasetSchema = {
  columns: [
    { name: 'age', type: 'float64', integer: true },
    { name: 'income', type: 'float64', integer: false },
    { name: 'sex', type: 'string' },
    { name: 'city', type: 'string' },
    { name: 'member', type: 'bool' },
    { name: 'hours per week', type: 'float64', integer: true },
  ],
};

function checkError(text: string): string {
  try {
    checkExpression(parseExpression(text), schema);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidParameterError);
    return (error as Error).message;
  }
  throw new Error(`expected "${text}" to fail the check`);
}

describe('expressionColumns', () => {
  it('lists each column once, in order of first mention', () => {
    expect(
      expressionColumns(parseExpression("age > 1 and (sex = 'F' or age < income) and not member is null")),
    ).toEqual(['age', 'sex', 'income', 'member']);
    expect(expressionColumns(parseExpression('1 = 1'))).toEqual([]);
    expect(expressionColumns(parseExpression("`hours per week` in (40, 50) and city not in ('x')"))).toEqual([
      'hours per week',
      'city',
    ]);
  });
});

describe('checkExpression', () => {
  it.each([
    'age >= 60',
    "sex = 'Female' and `hours per week` > 40",
    'age < income',
    "city in ('Paris', 'Rome')",
    'age not in (1, 2.5)',
    'member',
    'not member',
    'member = true',
    'member in (true, false)',
    'sex is null or age is not null',
    '1 = 1',
    "'a' < 'b'",
    'true',
  ])('accepts %s', (text) => {
    expect(() => checkExpression(parseExpression(text), schema)).not.toThrow();
  });

  it('names an unknown column, suggests a near one and lists the columns', () => {
    const message = checkError('agee >= 60');
    expect(message).toBe(
      `Invalid expression "agee >= 60": unknown column 'agee' (did you mean 'age'?); the columns are: age, income, sex, city, member, hours per week`,
    );
    expect(checkError('AGE >= 60')).toContain("unknown column 'AGE' (did you mean 'age'?)");
    expect(checkError('zzzzzz >= 60')).toContain("unknown column 'zzzzzz'; the columns are:");
    expect(checkError("age > 1 and nope = 'x'")).toContain("unknown column 'nope'");
    expect(checkError('x is null')).toContain("unknown column 'x'");
  });

  it.each([
    [
      'season_like: string column with a number',
      'sex = 1',
      "cannot compare column 'sex' (strings) with the number 1; write the value in quotes: '1'",
    ],
    [
      'number column with a numeric string',
      "age = '60'",
      "cannot compare column 'age' (numbers) with the string '60'; write the number without quotes: 60",
    ],
    ['number column with text', "age > 'old'", "cannot compare column 'age' (numbers) with the string 'old'"],
    [
      'bool column with a number',
      'member = 1',
      "cannot compare column 'member' (true/false values) with the number 1; use true or false",
    ],
    [
      'literal on the left',
      '1 < sex',
      "cannot compare the number 1 with column 'sex' (strings); write the value in quotes: '1'",
    ],
    ['two columns', 'age = sex', "cannot compare column 'age' (numbers) with column 'sex' (strings)"],
    ['two literals', "1 = 'a'", "cannot compare the number 1 with the string 'a'"],
    [
      'in list with a number for strings',
      "city in ('Paris', 3)",
      "column 'city' (strings) cannot be in a list holding the number 3; write the value in quotes: '3'",
    ],
    [
      'in list with strings for numbers',
      "age not in ('1')",
      "column 'age' (numbers) cannot be in a list holding the string '1'; write the number without quotes: 1",
    ],
    [
      'a number column as a condition',
      'age',
      "column 'age' (numbers) is not a condition by itself; compare it, e.g. age > 0",
    ],
    [
      'a string column as a condition',
      'sex and member',
      "column 'sex' (strings) is not a condition by itself; compare it, e.g. sex = 'x'",
    ],
    ['a number as a condition', 'not 1', 'the number 1 is not a condition; compare a column with it'],
  ])('refuses %s', (_case, text, problem) => {
    expect(checkError(text)).toContain(problem);
  });

  it('quotes the expression in its canonical form', () => {
    expect(checkError('sex=1 AND age>2')).toMatch(/^Invalid expression "sex = 1 and age > 2": /);
  });
});
