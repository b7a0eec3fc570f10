import { describe, expect, it } from 'vitest';
import { InvalidParameterError } from '../../src/errors/assay-error.js';
import type { Expression } from '../../src/expression/expression-ast.js';
import { formatExpression } from '../../src/expression/expression-format.js';
import { parseExpression } from '../../src/expression/expression-parser.js';

/** The expression with positions dropped, as compact S-expressions: easy to read and compare. */
function shape(expression: Expression): unknown {
  const operand = (o: { kind: string; value?: unknown; name?: string }): unknown =>
    o.kind === 'column' ? { col: o.name } : o.value;
  switch (expression.kind) {
    case 'comparison':
      return [expression.operator, operand(expression.left), operand(expression.right)];
    case 'in':
      return [
        expression.negated ? 'not in' : 'in',
        operand(expression.operand),
        expression.values.map((v) => v.value),
      ];
    case 'null-check':
      return [expression.negated ? 'is not null' : 'is null', operand(expression.operand)];
    case 'value':
      return ['value', operand(expression.operand)];
    case 'not':
      return ['not', shape(expression.operand)];
    case 'and':
    case 'or':
      return [expression.kind, shape(expression.left), shape(expression.right)];
  }
}

const parsed = (text: string): unknown => shape(parseExpression(text));

function parseError(text: string): string {
  try {
    parseExpression(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidParameterError);
    return (error as Error).message;
  }
  throw new Error(`expected "${text}" not to parse`);
}

describe('parseExpression: comparisons', () => {
  it.each([
    ['age = 60', '='],
    ['age == 60', '='],
    ['age != 60', '!='],
    ['age <> 60', '!='],
    ['age < 60', '<'],
    ['age <= 60', '<='],
    ['age > 60', '>'],
    ['age >= 60', '>='],
  ])('%s', (text, operator) => {
    expect(parsed(text)).toEqual([operator, { col: 'age' }, 60]);
  });

  it('needs no spaces around operators', () => {
    expect(parsed('age>=60')).toEqual(['>=', { col: 'age' }, 60]);
    expect(parsed("sex='Female'")).toEqual(['=', { col: 'sex' }, 'Female']);
    expect(parsed('a<-1')).toEqual(['<', { col: 'a' }, -1]);
  });

  it('takes a literal on the left and two columns', () => {
    expect(parsed('60 <= age')).toEqual(['<=', 60, { col: 'age' }]);
    expect(parsed('a < b')).toEqual(['<', { col: 'a' }, { col: 'b' }]);
    expect(parsed('1 = 1')).toEqual(['=', 1, 1]);
  });
});

describe('parseExpression: literals', () => {
  it.each([
    ['x = 42', 42],
    ['x = -42', -42],
    ['x = +42', 42],
    ['x = 4.5', 4.5],
    ['x = .5', 0.5],
    ['x = 5.', 5],
    ['x = -0.25', -0.25],
    ['x = 1e3', 1000],
    ['x = 1.5E-2', 0.015],
    ['x = 2e+2', 200],
    ["x = 'text'", 'text'],
    ['x = "text"', 'text'],
    ["x = ''", ''],
    ["x = 'O''Brien'", "O'Brien"],
    ['x = "say ""hi"""', 'say "hi"'],
    ['x = "it\'s"', "it's"],
    ['x = \'a "b"\'', 'a "b"'],
    ["x = 'and or not'", 'and or not'],
    ["x = '  spaced  '", '  spaced  '],
    ["x = 'Zoë 李'", 'Zoë 李'],
    ['x = true', true],
    ['x = false', false],
    ['x = TRUE', true],
    ['x = False', false],
  ])('%s', (text, value) => {
    expect(parsed(text)).toEqual(['=', { col: 'x' }, value]);
  });
});

describe('parseExpression: column names', () => {
  it.each([
    ['mean_radius > 1', 'mean_radius'],
    ['_private > 1', '_private'],
    ['col2 > 1', 'col2'],
    ['a.b.c > 1', 'a.b.c'],
    ['Age > 1', 'Age'],
    ['âge > 1', 'âge'],
    ['`hours per week` > 1', 'hours per week'],
    ['`and` > 1', 'and'],
    ['`Unnamed: 0` > 1', 'Unnamed: 0'],
    ['`a``b` > 1', 'a`b'],
    ['`2020` > 1', '2020'],
    ['`x-y` > 1', 'x-y'],
  ])('%s', (text, name) => {
    expect(parsed(text)).toEqual(['>', { col: name }, 1]);
  });

  it('keeps column names case-sensitive', () => {
    expect(parsed('AGE > 1')).toEqual(['>', { col: 'AGE' }, 1]);
  });
});

describe('parseExpression: in lists, null checks, bare booleans', () => {
  it('parses in and not in lists of literals', () => {
    expect(parsed("season in ('winter', 'fall')")).toEqual(['in', { col: 'season' }, ['winter', 'fall']]);
    expect(parsed('hr not in (1, 2, 3)')).toEqual(['not in', { col: 'hr' }, [1, 2, 3]]);
    expect(parsed('flag IN (true)')).toEqual(['in', { col: 'flag' }, [true]]);
    expect(parsed('x NOT IN(-1)')).toEqual(['not in', { col: 'x' }, [-1]]);
    expect(parsed("x in ('a')")).toEqual(['in', { col: 'x' }, ['a']]);
  });

  it('parses is null and is not null', () => {
    expect(parsed('age is null')).toEqual(['is null', { col: 'age' }]);
    expect(parsed('age IS NOT NULL')).toEqual(['is not null', { col: 'age' }]);
    expect(parsed('`a b` Is Null')).toEqual(['is null', { col: 'a b' }]);
  });

  it('takes a bare column or literal as a condition', () => {
    expect(parsed('is_member')).toEqual(['value', { col: 'is_member' }]);
    expect(parsed('not is_member')).toEqual(['not', ['value', { col: 'is_member' }]]);
    expect(parsed('true')).toEqual(['value', true]);
  });
});

describe('parseExpression: precedence and grouping', () => {
  it('binds and tighter than or', () => {
    expect(parsed('a = 1 or b = 2 and c = 3')).toEqual([
      'or',
      ['=', { col: 'a' }, 1],
      ['and', ['=', { col: 'b' }, 2], ['=', { col: 'c' }, 3]],
    ]);
    expect(parsed('a = 1 and b = 2 or c = 3')).toEqual([
      'or',
      ['and', ['=', { col: 'a' }, 1], ['=', { col: 'b' }, 2]],
      ['=', { col: 'c' }, 3],
    ]);
  });

  it('binds not tighter than and', () => {
    expect(parsed('not a = 1 and b = 2')).toEqual([
      'and',
      ['not', ['=', { col: 'a' }, 1]],
      ['=', { col: 'b' }, 2],
    ]);
    expect(parsed('not not a = 1')).toEqual(['not', ['not', ['=', { col: 'a' }, 1]]]);
  });

  it('groups and and or to the left', () => {
    expect(parsed('a = 1 or b = 2 or c = 3')).toEqual([
      'or',
      ['or', ['=', { col: 'a' }, 1], ['=', { col: 'b' }, 2]],
      ['=', { col: 'c' }, 3],
    ]);
  });

  it('follows parentheses', () => {
    expect(parsed('(a = 1 or b = 2) and c = 3')).toEqual([
      'and',
      ['or', ['=', { col: 'a' }, 1], ['=', { col: 'b' }, 2]],
      ['=', { col: 'c' }, 3],
    ]);
    expect(parsed('not (a = 1 and b = 2)')).toEqual([
      'not',
      ['and', ['=', { col: 'a' }, 1], ['=', { col: 'b' }, 2]],
    ]);
    expect(parsed('((a = 1))')).toEqual(['=', { col: 'a' }, 1]);
  });

  it('reads keywords in any case and any whitespace', () => {
    expect(parsed("season = 'winter' AND hr >= 7")).toEqual(parsed("season = 'winter' and hr >= 7"));
    expect(parsed('a = 1\n\tOr\n b = 2')).toEqual(parsed('a = 1 or b = 2'));
    expect(parsed('NoT a = 1')).toEqual(parsed('not a = 1'));
  });

  it('records 1-based positions', () => {
    const expression = parseExpression("age >= 60 and sex = 'F'");
    if (expression.kind !== 'and' || expression.right.kind !== 'comparison')
      throw new Error('unexpected shape');
    expect(expression.right.left).toEqual({ kind: 'column', name: 'sex', position: 15 });
    expect(expression.right.right).toEqual({ kind: 'literal', value: 'F', position: 21 });
  });
});

describe('parseExpression: errors name the position and what was expected', () => {
  it.each([
    ['', 'expected a condition such as age >= 60, found nothing at position 1'],
    ['   ', 'expected a condition such as age >= 60, found nothing at position 1'],
    [
      'age >=',
      "expected a value (a number, a 'string', true, false or a column name) after '>=', found the end of the expression at position 7",
    ],
    [
      'age >= and',
      "after '>=', found 'and' at position 8; a column named 'and' must be written in backticks: `and`",
    ],
    ['>= 60', "to start a condition, found '>=' at position 1"],
    ['age 60', "expected 'and', 'or' or the end, found the number 60 at position 5"],
    ['age >= 60 sex', "expected 'and', 'or' or the end, found the column name sex at position 11"],
    ['age >= 60 and', 'to start a condition, found the end of the expression at position 14'],
    ['age >= 60 or or b', "to start a condition, found 'or' at position 14"],
    [
      '(age >= 60',
      "expected ')' to close the '(' at position 1, found the end of the expression at position 11",
    ],
    ['age >= 60)', "expected no ')' without a matching '(', found ')' at position 10"],
    ['()', "to start a condition, found ')' at position 2"],
    ["name = 'abc", "unterminated string: no closing ' at position 8"],
    ['name = "abc', 'unterminated string: no closing " at position 8'],
    ['`abc = 1', 'unterminated column name: no closing ` at position 1'],
    ['age ! 60', "unexpected character '!' at position 5"],
    ['age >= 60 & b', "unexpected character '&' at position 11"],
    ['age >= 12abc', "unexpected character 'a' after the number 12 at position 10"],
    ['age >= 1.2.3', "unexpected character '.' after the number 1.2 at position 11"],
    ['x in 1, 2', "expected '(' after 'in', found the number 1 at position 6"],
    ['x in ()', "expected a number, 'string', true or false in the 'in' list, found ')' at position 7"],
    ['x in (1,)', "expected a number, 'string', true or false after ',', found ')' at position 9"],
    ['x in (1 2)', "expected ',' or ')' in the 'in' list, found the number 2 at position 9"],
    ['x in (a, b)', "in the 'in' list, found the column name a at position 7"],
    [
      'x not in (1',
      "expected ',' or ')' in the 'not in' list, found the end of the expression at position 12",
    ],
    ['x is 1', "expected 'null' or 'not null' after 'is', found the number 1 at position 6"],
    ['x is not', "expected 'null' after 'is not', found the end of the expression at position 9"],
    ['x not = 1', "expected 'in' after 'not' (as in x not in (1, 2)), found '=' at position 7"],
    ['null = x', "to start a condition, found 'null' at position 1"],
    ['x = null', "after '=', found 'null' at position 5; to test for a missing value, write 'x is null'"],
    ['x = 1 = 2', "expected 'and', 'or' or the end, found '=' at position 7"],
    ['-x > 1', "unexpected character '-' at position 1"],
  ])('%j', (text, expected) => {
    const message = parseError(text);
    expect(message).toContain(`Invalid expression "${text}"`);
    expect(message).toContain(expected);
  });
});

describe('formatExpression', () => {
  const strip = (text: string): unknown => shape(parseExpression(text));

  it.each([
    ["season = 'winter' AND hr >= 7", "season = 'winter' and hr >= 7"],
    ['age>=60', 'age >= 60'],
    ['age == 60.0', 'age = 60'],
    ['a <> 1', 'a != 1'],
    ['(a = 1 or b = 2) and c = 3', '(a = 1 or b = 2) and c = 3'],
    ['a = 1 or (b = 2 and c = 3)', 'a = 1 or b = 2 and c = 3'],
    ['a = 1 or (b = 2 or c = 3)', 'a = 1 or (b = 2 or c = 3)'],
    ['(a = 1 or b = 2) or c = 3', 'a = 1 or b = 2 or c = 3'],
    ['not (a = 1 and b = 2)', 'not (a = 1 and b = 2)'],
    ['(not a = 1) and b = 2', 'not a = 1 and b = 2'],
    ['`hours per week` > 40', '`hours per week` > 40'],
    ['`and` IS NOT NULL', '`and` is not null'],
    ['`simple` > 1', 'simple > 1'],
    ['name = "O\'Brien"', "name = 'O''Brien'"],
    ['x NOT IN (1,2)', 'x not in (1, 2)'],
    ['flag', 'flag'],
    ['NOT flag', 'not flag'],
    ['x = TRUE', 'x = true'],
    ['x = 1e21', 'x = 1e+21'],
  ])('%s -> %s', (text, canonical) => {
    expect(formatExpression(parseExpression(text))).toBe(canonical);
    expect(strip(canonical)).toEqual(strip(text));
  });
});
