/**
 * The value of `IN (...)` / `NOT IN (...)`: a non-empty list of single-quoted strings. MLflow
 * first checks the list's sqlparse shape (_check_valid_identifier_list) and then reads it with
 * Python's ast.literal_eval, so list items, unlike other values, have Python escapes applied
 * (`('a\'b')` is `a'b`; adjacent literals join: `('it''s')` is `its`).
 *
 * MLflow 2.10.2 then silently drops every item that is not all lower case (`('A', 'b')` becomes
 * `['b']`), a work-around for MySQL's case-insensitive IN. Assay keeps every item.
 */
import { InvalidParameterError } from '../errors/assay-error.js';
import type { Operand } from './filter-syntax.js';
import type { Token } from './filter-tokenizer.js';

const EMPTY =
  'While parsing a list in the query, expected a non-empty list of string values, but got empty list';
const ILL_FORMED =
  'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.';

export function parseInList(list: Operand): string[] {
  const inner = list.inner ?? [];
  if (inner.length === 0) throw new InvalidParameterError(EMPTY);
  const single = inner.length === 1 && inner[0]?.kind === 'string';
  if (!single) checkIdentifierList(inner, list.text);
  const items = literalEvalStrings(list.text.slice(1, -1));
  if (items === null) throw new InvalidParameterError(ILL_FORMED);
  return items;
}

/**
 * Several items must open with what sqlparse groups as an IdentifierList (`x, y, ...` starting at
 * the very first token, so `( 'a', 'b')` is ill-formed), and that list may hold only
 * single-quoted strings, commas and spaces (a line break is another token type to sqlparse).
 */
function checkIdentifierList(inner: readonly Token[], text: string): void {
  if (!isListMember(inner[0])) throw new InvalidParameterError(ILL_FORMED);
  let end = 1;
  for (;;) {
    const comma = skipWhitespace(inner, end);
    if (inner[comma]?.kind !== 'comma') break;
    const member = skipWhitespace(inner, comma + 1);
    if (!isListMember(inner[member])) break;
    end = member + 1;
  }
  if (end === 1) throw new InvalidParameterError(ILL_FORMED);
  const allowed = inner.slice(0, end).every((token) => {
    if (token.kind === 'whitespace') return !token.hasNewline;
    return token.kind === 'string' || token.kind === 'comma';
  });
  if (!allowed) {
    throw new InvalidParameterError(
      `While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ${text}`,
    );
  }
}

function isListMember(token: Token | undefined): boolean {
  if (!token) return false;
  return ['name', 'string', 'number', 'hex', 'keyword'].includes(token.kind);
}

function skipWhitespace(tokens: readonly Token[], from: number): number {
  let i = from;
  while (tokens[i]?.kind === 'whitespace') i += 1;
  return i;
}

/**
 * ast.literal_eval of `(<text>)` where only string literals are expected: one item (`('a')`) or a
 * tuple (`('a', 'b')`, trailing comma allowed). Null where Python raises a SyntaxError or would
 * return something other than strings.
 */
function literalEvalStrings(text: string): string[] | null {
  const items: string[] = [];
  let pos = skipPythonSpace(text, 0);
  while (pos < text.length) {
    let item = '';
    let literals = 0;
    while (text[pos] === "'") {
      const literal = readPythonString(text, pos);
      if (!literal) return null;
      item += literal.value;
      literals += 1;
      pos = skipPythonSpace(text, literal.end);
    }
    if (literals === 0) return null;
    items.push(item);
    if (pos >= text.length) break;
    if (text[pos] !== ',') return null;
    pos = skipPythonSpace(text, pos + 1);
  }
  return items.length > 0 ? items : null;
}

/** Inside parentheses Python allows any whitespace, line breaks and `\` continuations. */
function skipPythonSpace(text: string, from: number): number {
  let pos = from;
  for (;;) {
    if (/[ \t\f\r\n]/.test(text[pos] ?? '')) pos += 1;
    else if (text.startsWith('\\\n', pos)) pos += 2;
    else if (text.startsWith('\\\r\n', pos)) pos += 3;
    else return pos;
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/**
 * One Python single-quoted str literal starting at `start`, escapes applied. Null for what Python
 * refuses (a raw line break, a bad \x/\u/\U escape) and for \N{...}, whose name table Assay lacks.
 */
function readPythonString(text: string, start: number): { value: string; end: number } | null {
  let value = '';
  let pos = start + 1;
  for (;;) {
    const char = text[pos];
    if (char === undefined || char === '\n' || char === '\r') return null;
    pos += 1;
    if (char === "'") return { value, end: pos };
    if (char !== '\\') {
      value += char;
      continue;
    }
    const escape = text[pos] ?? '';
    pos += 1;
    const simple = SIMPLE_ESCAPES[escape];
    if (simple !== undefined) {
      value += simple;
    } else if (escape === '\n') {
      // line continuation: nothing
    } else if (escape === '\r') {
      if (text[pos] === '\n') pos += 1;
    } else if (/[0-7]/.test(escape)) {
      const octal = /^[0-7]{1,3}/.exec(text.slice(pos - 1))?.[0] ?? escape;
      value += String.fromCodePoint(Number.parseInt(octal, 8));
      pos += octal.length - 1;
    } else if (escape === 'x' || escape === 'u' || escape === 'U') {
      const width = escape === 'x' ? 2 : escape === 'u' ? 4 : 8;
      const digits = text.slice(pos, pos + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(digits)) return null;
      const codePoint = Number.parseInt(digits, 16);
      if (codePoint > 0x10ffff) return null;
      value += String.fromCodePoint(codePoint);
      pos += width;
    } else if (escape === 'N') {
      return null;
    } else {
      // Python keeps an unknown escape as written, backslash included.
      value += `\\${escape}`;
    }
  }
}
