import { InvalidParameterError } from '../errors/assay-error.js';

export type TokenKind =
  | 'number'
  | 'string'
  /** A bare column name: letters, digits, `_` and `.`, not starting with a digit. */
  | 'name'
  /** A column name in backticks: any text, `` `` `` for a backtick. */
  | 'quoted-name'
  /** and, or, not, in, is, null, true, false (any case): never a bare column name. */
  | 'keyword'
  | 'operator'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Source text as written (for `end`: empty). */
  readonly text: string;
  /** Numbers: the value; strings and names: the unquoted text; keywords: lower-cased; operators: canonical. */
  readonly value: string | number;
  /** 1-based offset of the token's first character. */
  readonly position: number;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'and',
  'or',
  'not',
  'in',
  'is',
  'null',
  'true',
  'false',
]);

const OPERATORS: Readonly<Record<string, string>> = {
  '=': '=',
  '==': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

const NUMBER = /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const NAME = /[\p{L}_][\p{L}\p{N}_.]*/uy;
const NAME_CHAR = /[\p{L}\p{N}_.]/u;

/** Splits `text` into tokens; the last is always `end`. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at] ?? '';
    if (/\s/.test(char)) {
      at += 1;
      continue;
    }
    const position = at + 1;
    if (char === '(' || char === ')' || char === ',') {
      tokens.push({
        kind: char === '(' ? 'lparen' : char === ')' ? 'rparen' : 'comma',
        text: char,
        value: char,
        position,
      });
      at += 1;
      continue;
    }
    const two = text.slice(at, at + 2);
    const operator = OPERATORS[two] !== undefined ? two : OPERATORS[char] !== undefined ? char : undefined;
    if (operator !== undefined) {
      tokens.push({ kind: 'operator', text: operator, value: OPERATORS[operator] ?? operator, position });
      at += operator.length;
      continue;
    }
    if (char === "'" || char === '"' || char === '`') {
      const [value, end] = readQuoted(text, at, char);
      tokens.push({
        kind: char === '`' ? 'quoted-name' : 'string',
        text: text.slice(at, end),
        value,
        position,
      });
      at = end;
      continue;
    }
    NUMBER.lastIndex = at;
    const number = NUMBER.exec(text);
    if (number) {
      const end = at + number[0].length;
      // `12abc` is neither a number nor a name: say so rather than read two tokens.
      if (end < text.length && NAME_CHAR.test(text[end] ?? '')) {
        throw syntaxError(text, end + 1, `unexpected character '${text[end]}' after the number ${number[0]}`);
      }
      tokens.push({ kind: 'number', text: number[0], value: Number(number[0]), position });
      at = end;
      continue;
    }
    NAME.lastIndex = at;
    const name = NAME.exec(text);
    if (name) {
      const word = name[0];
      const lower = word.toLowerCase();
      if (KEYWORDS.has(lower)) tokens.push({ kind: 'keyword', text: word, value: lower, position });
      else tokens.push({ kind: 'name', text: word, value: word, position });
      at += word.length;
      continue;
    }
    throw syntaxError(text, position, `unexpected character '${char}'`);
  }
  tokens.push({ kind: 'end', text: '', value: '', position: text.length + 1 });
  return tokens;
}

/** Reads a quoted string or name starting at `start`; the quote character is escaped by doubling it. */
function readQuoted(text: string, start: number, quote: string): [string, number] {
  let value = '';
  let at = start + 1;
  for (;;) {
    const next = text.indexOf(quote, at);
    if (next < 0) {
      const what = quote === '`' ? 'column name' : 'string';
      throw syntaxError(text, start + 1, `unterminated ${what}: no closing ${quote}`);
    }
    value += text.slice(at, next);
    if (text[next + 1] === quote) {
      value += quote;
      at = next + 2;
      continue;
    }
    return [value, next + 1];
  }
}

/** An error at a 1-based position of the expression, quoting the expression; `hint` follows the position. */
export function syntaxError(
  text: string,
  position: number,
  problem: string,
  hint = '',
): InvalidParameterError {
  return new InvalidParameterError(`Invalid expression "${text}": ${problem} at position ${position}${hint}`);
}
