/**
 * The parser of the row expression language (grammar below). Hand-written recursive descent on
 * purpose: the grammar is a dozen rules, and errors must say exactly where the text went wrong and
 * what was expected there ("expected a value after '>=' at position 8"), which generated parsers
 * word poorly; it also keeps the language free of a parser-generator dependency.
 *
 *   expression := or-expr END
 *   or-expr    := and-expr ('or' and-expr)*
 *   and-expr   := not-expr ('and' not-expr)*
 *   not-expr   := 'not' not-expr | '(' or-expr ')' | predicate
 *   predicate  := operand [ comparison-op operand
 *                         | ['not'] 'in' '(' literal (',' literal)* ')'
 *                         | 'is' ['not'] 'null' ]
 *   operand    := number | 'string' | "string" | true | false | name | `quoted name`
 *
 * Keywords are case-insensitive; column names are case-sensitive.
 */
import type { ComparisonOperator, Expression, Literal, Operand } from './expression-ast.js';
import { syntaxError, tokenize, type Token } from './expression-tokens.js';

/** Parses `text`; throws InvalidParameterError naming the position and what was expected there. */
export function parseExpression(text: string): Expression {
  if (text.trim() === '') {
    throw syntaxError(text, 1, 'expected a condition such as age >= 60, found nothing');
  }
  const parser = new Parser(text, tokenize(text));
  const expression = parser.orExpression();
  parser.expectEnd();
  return expression;
}

const OPERAND_EXPECTED = "a value (a number, a 'string', true, false or a column name)";

class Parser {
  private index = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  orExpression(): Expression {
    let left = this.andExpression();
    while (this.acceptKeyword('or')) left = { kind: 'or', left, right: this.andExpression() };
    return left;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') {
      const expected = token.kind === 'rparen' ? "no ')' without a matching '('" : "'and', 'or' or the end";
      throw this.unexpected(token, expected);
    }
  }

  private andExpression(): Expression {
    let left = this.notExpression();
    while (this.acceptKeyword('and')) left = { kind: 'and', left, right: this.notExpression() };
    return left;
  }

  private notExpression(): Expression {
    if (this.acceptKeyword('not')) return { kind: 'not', operand: this.notExpression() };
    const token = this.peek();
    if (token.kind === 'lparen') {
      this.index += 1;
      const inner = this.orExpression();
      const close = this.peek();
      if (close.kind !== 'rparen') {
        throw this.unexpected(close, `')' to close the '(' at position ${token.position}`);
      }
      this.index += 1;
      return inner;
    }
    return this.predicate();
  }

  private predicate(): Expression {
    const operand = this.operand('a condition');
    const token = this.peek();
    if (token.kind === 'operator') {
      this.index += 1;
      const right = this.operand(`'${token.text}'`);
      return { kind: 'comparison', operator: token.value as ComparisonOperator, left: operand, right };
    }
    if (this.isKeyword(token, 'is')) {
      this.index += 1;
      const negated = this.acceptKeyword('not');
      const next = this.peek();
      if (!this.isKeyword(next, 'null')) {
        throw this.unexpected(next, negated ? "'null' after 'is not'" : "'null' or 'not null' after 'is'");
      }
      this.index += 1;
      return { kind: 'null-check', operand, negated };
    }
    if (this.isKeyword(token, 'in') || (this.isKeyword(token, 'not') && this.isKeyword(this.peek(1), 'in'))) {
      const negated = this.isKeyword(token, 'not');
      this.index += negated ? 2 : 1;
      return { kind: 'in', operand, values: this.literalList(negated ? 'not in' : 'in'), negated };
    }
    if (this.isKeyword(token, 'not')) {
      throw this.unexpected(this.peek(1), "'in' after 'not' (as in x not in (1, 2))");
    }
    return { kind: 'value', operand };
  }

  private literalList(keyword: string): Literal[] {
    const open = this.peek();
    if (open.kind !== 'lparen') throw this.unexpected(open, `'(' after '${keyword}'`);
    this.index += 1;
    const values: Literal[] = [];
    for (;;) {
      const token = this.peek();
      const literal = this.literal(token);
      if (!literal) {
        const what =
          values.length === 0
            ? `a number, 'string', true or false in the '${keyword}' list`
            : "a number, 'string', true or false after ','";
        throw this.unexpected(token, what);
      }
      this.index += 1;
      values.push(literal);
      const next = this.peek();
      if (next.kind === 'comma') {
        this.index += 1;
        continue;
      }
      if (next.kind === 'rparen') {
        this.index += 1;
        return values;
      }
      throw this.unexpected(next, `',' or ')' in the '${keyword}' list`);
    }
  }

  /** `after` describes what precedes the operand, for the message when it is missing. */
  private operand(after: string): Operand {
    const token = this.peek();
    const literal = this.literal(token);
    if (literal) {
      this.index += 1;
      return literal;
    }
    if (token.kind === 'name' || token.kind === 'quoted-name') {
      this.index += 1;
      return { kind: 'column', name: String(token.value), position: token.position };
    }
    const where = after === 'a condition' ? 'to start a condition' : `after ${after}`;
    let hint = '';
    if (token.kind === 'keyword' && token.value === 'null')
      hint = "; to test for a missing value, write 'x is null'";
    else if (token.kind === 'keyword')
      hint = `; a column named '${token.text}' must be written in backticks: \`${token.text}\``;
    throw this.unexpected(token, `${OPERAND_EXPECTED} ${where}`, hint);
  }

  private literal(token: Token): Literal | undefined {
    if (token.kind === 'number')
      return { kind: 'literal', value: Number(token.value), position: token.position };
    if (token.kind === 'string')
      return { kind: 'literal', value: String(token.value), position: token.position };
    if (token.kind === 'keyword' && (token.value === 'true' || token.value === 'false')) {
      return { kind: 'literal', value: token.value === 'true', position: token.position };
    }
    return undefined;
  }

  private peek(ahead = 0): Token {
    const last = this.tokens[this.tokens.length - 1];
    if (!last) throw new Error('the tokenizer always ends with an end token');
    return this.tokens[this.index + ahead] ?? last;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'keyword' && token.value === keyword;
  }

  private acceptKeyword(keyword: string): boolean {
    if (!this.isKeyword(this.peek(), keyword)) return false;
    this.index += 1;
    return true;
  }

  private unexpected(token: Token, expected: string, hint = ''): Error {
    return syntaxError(this.text, token.position, `expected ${expected}, found ${describe(token)}`, hint);
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return `the string ${token.text}`;
    case 'number':
      return `the number ${token.text}`;
    case 'name':
    case 'quoted-name':
      return `the column name ${token.text}`;
    default:
      return `'${token.text}'`;
  }
}
