/**
 * The tokenizer of MLflow's search-filter language.
 *
 * Hand-written on purpose: MLflow's grammar is tiny (`entity.key <op> value [AND ...]`), but
 * MLflow delegates it to the SQL lexer sqlparse, and its error messages quote the tokens sqlparse
 * produced ("Invalid clause(s) in filter string: 'metrics.acc', 'IS', 'NULL'"). A generic
 * parser generator would not cut the text where sqlparse does, so this lexer reproduces the
 * sqlparse rules that matter for MLflow's answers (dotted names with whitespace around the dots,
 * `'...'` strings with `''`/`\'` inside, `-1` only where a value is expected, `[<>=~!]+` as one
 * comparator, keywords that are not names) and nothing more.
 */

export type TokenKind =
  /** An identifier: words, `backticked` or "double-quoted" parts joined by dots, e.g. tags."a b". */
  | 'name'
  /** A single-quoted string, quotes included. */
  | 'string'
  | 'number'
  /** `0x1F`: a number sqlparse does not accept as a comparison operand. */
  | 'hex'
  /** A SQL keyword; `keyword` holds it upper-cased with single spaces (AND, OR, NOT, IN, NOT NULL...). */
  | 'keyword'
  /** Any run of `<>=~!`, or LIKE / ILIKE / RLIKE / REGEXP with an optional NOT. */
  | 'comparator'
  /** Arithmetic operators, which turn `metrics.a-b` into an expression rather than a name. */
  | 'operator'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'semicolon'
  | 'comment'
  | 'whitespace'
  /** A character sqlparse cannot lex (e.g. `$`, an unterminated quote). */
  | 'error';

export interface Token {
  readonly kind: TokenKind;
  /** The source text, exactly as written. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** For keywords: the normalised keyword. */
  readonly keyword?: string;
  /** For numbers: sqlparse's Integer vs Float. */
  readonly numberType?: 'integer' | 'float';
  /** For whitespace: whether it holds a line break (sqlparse makes those a separate token type). */
  readonly hasNewline?: boolean;
}

/**
 * Words sqlparse lexes as keywords (or builtins) rather than names, so they cannot be a key or a
 * value. sqlparse knows hundreds; this is the subset a filter or order_by is likely to contain.
 * Only message wording depends on it: a bare word is never a valid key or value either way.
 * Words after a dot are always names (`params.select` works), except FROM and IN (see below).
 */
// prettier-ignore
const KEYWORDS = new Set([
  'ALL', 'ALTER', 'AND', 'ANY', 'AS', 'ASC', 'BETWEEN', 'BY', 'CASE', 'CREATE', 'CROSS', 'DEFAULT', 'DELETE',
  'DESC', 'DISTINCT', 'DROP', 'ELSE', 'END', 'ESCAPE', 'EXISTS', 'FALSE', 'FIRST', 'FROM', 'FULL', 'GROUP',
  'HAVING', 'IN', 'INNER', 'INSERT', 'INTO', 'IS', 'JOIN', 'LAST', 'LEFT', 'LIMIT', 'NOT', 'NULL', 'NULLS',
  'OFFSET', 'ON', 'OR', 'ORDER', 'OUTER', 'RIGHT', 'SELECT', 'SET', 'SOME', 'TABLE', 'THEN', 'TIMESTAMP',
  'TRUE', 'UNION', 'UPDATE', 'VALUES', 'VERSION', 'WHEN', 'WHERE', 'WITH',
]);

const COMPARATOR_WORDS = new Set(['LIKE', 'ILIKE', 'RLIKE', 'REGEXP']);

const WHITESPACE = /\s+/y;
const LINE_COMMENT = /--[^\r\n]*(?:\r\n|\r|\n)?/y;
const BLOCK_COMMENT = /\/\*[\s\S]*?\*\//y;
const SINGLE_QUOTED = /'(?:''|\\\\|\\'|[^'])*'/y;
const DOUBLE_QUOTED = /"(?:""|\\\\|\\"|[^"])*"/y;
const BACKTICKED = /`(?:``|[^`])*`/y;
const HEX = /-?0x[0-9a-f]+/iy;
/** sqlparse's three number patterns, in its order: exponent float, plain float, integer. */
const EXPONENT_FLOAT = /-?\d+(?:\.\d+)?e-?\d+/iy;
const PLAIN_FLOAT = /-?(?:\d+\.\d*|\.\d+)(?![_\p{L}])/uy;
const INTEGER = /-?\d+(?![_\p{L}])/uy;
/** A word at the start of an identifier; sqlparse lets `$` and `#` continue it. */
const FIRST_WORD = /[\p{L}\p{N}_][\p{L}\p{N}_$#]*/uy;
/** A word right after a dot (sqlparse's name-after-period rule: word characters only). */
const DOTTED_WORD = /[\p{L}\p{N}_]+/uy;
const DOT = /\s*\.\s*/y;
/** `NOT LIKE`, `NOT NULL`: sqlparse reads these as one token. */
const NOT_PHRASE = /NOT\s+(LIKE|ILIKE|RLIKE|REGEXP|NULL)(?![\p{L}\p{N}_$#])/iuy;
const COMPARATOR = /[<>=~!]+/y;
const OPERATOR = /[+\-*/%^&|@#]+/y;

/** Token kinds after which a `-` is subtraction rather than the sign of a number. */
const OPERAND_KINDS: ReadonlySet<TokenKind> = new Set(['name', 'string', 'number', 'hex', 'rparen']);

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let previous: Token | undefined;
  while (pos < source.length) {
    const token = nextToken(source, pos, previous);
    tokens.push(token);
    if (token.kind !== 'whitespace' && token.kind !== 'comment') previous = token;
    pos = token.end;
  }
  return tokens;
}

function nextToken(source: string, pos: number, previous: Token | undefined): Token {
  const at = (regex: RegExp): string | undefined => {
    regex.lastIndex = pos;
    return regex.exec(source)?.[0];
  };
  const make = (kind: TokenKind, text: string, extra: Partial<Token> = {}): Token => ({
    kind,
    text,
    start: pos,
    end: pos + text.length,
    ...extra,
  });

  const space = at(WHITESPACE);
  if (space) return make('whitespace', space, { hasNewline: /[\r\n]/.test(space) });
  const comment = at(LINE_COMMENT) ?? at(BLOCK_COMMENT);
  if (comment) return make('comment', comment);

  const char = source[pos] ?? '';
  if (char === "'") {
    const text = at(SINGLE_QUOTED);
    // An unterminated quote is a lone error character and lexing goes on after it, as in sqlparse.
    return text ? make('string', text) : make('error', char);
  }
  if (char === '(') return make('lparen', char);
  if (char === ')') return make('rparen', char);
  if (char === ',') return make('comma', char);
  if (char === ';') return make('semicolon', char);

  // A leading `-` belongs to a number only where a value may start (`> -1`), not in `a-1`.
  const signAllowed = previous === undefined || !isOperand(previous);
  if (signAllowed || char !== '-') {
    const hex = at(HEX);
    if (hex) return make('hex', hex);
    const float = at(EXPONENT_FLOAT) ?? at(PLAIN_FLOAT);
    if (float) return make('number', float, { numberType: 'float' });
    const integer = at(INTEGER);
    if (integer) return make('number', integer, { numberType: 'integer' });
  }

  const phrase = at(NOT_PHRASE);
  if (phrase) {
    const isNull = /NULL$/i.test(phrase);
    return isNull ? make('keyword', phrase, { keyword: 'NOT NULL' }) : make('comparator', phrase);
  }

  const word = at(FIRST_WORD);
  if (word) {
    const upper = word.toUpperCase();
    if (COMPARATOR_WORDS.has(upper)) return make('comparator', word);
    if (KEYWORDS.has(upper)) return make('keyword', word, { keyword: upper });
    return make('name', source.slice(pos, nameEnd(source, pos + word.length)));
  }
  if (char === '"' || char === '`') {
    const part = at(char === '"' ? DOUBLE_QUOTED : BACKTICKED);
    if (!part) return make('error', char);
    return make('name', source.slice(pos, nameEnd(source, pos + part.length)));
  }

  const comparator = at(COMPARATOR);
  if (comparator) return make('comparator', comparator);
  const operator = at(OPERATOR);
  if (operator) return make('operator', operator);
  return make('error', String.fromCodePoint(source.codePointAt(pos) ?? 0));
}

function isOperand(token: Token): boolean {
  return OPERAND_KINDS.has(token.kind) || token.keyword === 'NULL';
}

/**
 * Extends an identifier over `.part` repetitions. sqlparse keeps whitespace around the dots in the
 * identifier (`metrics .a` has entity `metrics `), ends it after a dot that no name follows
 * (`tags.'x'` gives `tags.`), and does not take FROM / IN after a dot (`params.from` fails).
 */
function nameEnd(source: string, pos: number): number {
  let end = pos;
  for (;;) {
    DOT.lastIndex = end;
    const dot = DOT.exec(source);
    if (!dot) return end;
    const afterDot = end + dot[0].length;
    const part = namePartAt(source, afterDot);
    if (part === undefined || /^(from|in)$/i.test(part)) return end + dot[0].indexOf('.') + 1;
    end = afterDot + part.length;
  }
}

function namePartAt(source: string, pos: number): string | undefined {
  const regex = source[pos] === '"' ? DOUBLE_QUOTED : source[pos] === '`' ? BACKTICKED : DOTTED_WORD;
  regex.lastIndex = pos;
  return regex.exec(source)?.[0];
}
