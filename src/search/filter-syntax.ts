/**
 * The structure of a search filter: comparisons joined by AND, plus Assay's extension of OR and
 * parentheses (AND binds tighter than OR). This layer only finds the comparisons and the shape;
 * what a key or a value may be is decided per search kind (runs-filter.ts and friends).
 *
 * Like MLflow, every piece of text that is not part of a comparison is collected first and
 * reported in one "Invalid clause(s) in filter string: ..." message, and AND is forgiving:
 * leading, trailing, doubled or missing ANDs are accepted. A dangling OR, an empty `()` and
 * MLflow's other refusals (NOT, IS NULL, BETWEEN, comments, a comparator without value) stay
 * invalid clauses.
 */
import { InvalidParameterError } from '../errors/assay-error.js';
import type { Token } from './filter-tokenizer.js';
import { tokenize } from './filter-tokenizer.js';

export type OperandKind =
  | 'name'
  | 'string'
  | 'number'
  /** The NULL keyword: a valid operand for sqlparse, never a valid value for MLflow. */
  | 'null'
  /** A parenthesised list, only in value position (`IN ('a', 'b')`, but also `= ('a')`). */
  | 'list'
  /** Arithmetic such as `metrics.a-b` or `1+2`. */
  | 'expression';

export interface Operand {
  readonly kind: OperandKind;
  /** The text as written; MLflow's messages quote it. */
  readonly text: string;
  readonly numberType?: 'integer' | 'float';
  /** For lists: every token between the parentheses, whitespace included. */
  readonly inner?: readonly Token[];
}

export interface RawComparison {
  readonly kind: 'comparison';
  readonly left: Operand;
  /** As written (`like`, `>=`, `not  like`, `in`), except that NOT IN is always `NOT IN`. */
  readonly comparator: string;
  readonly right: Operand;
}

export interface RawConjunction {
  readonly kind: 'and' | 'or';
  readonly children: readonly SyntaxNode[];
}

export type SyntaxNode = RawComparison | RawConjunction;

/** Runs quote each invalid clause (`'OR'`); experiments and the registry do not (`OR`). */
export type ClauseQuoting = 'quoted' | 'plain';

/** Parses the shape of a filter; null when it holds no comparison (empty, blank, only ANDs). */
export function parseFilterSyntax(filter: string, quoting: ClauseQuoting): SyntaxNode | null {
  const tokens = tokenize(filter);
  if (hasSecondStatement(tokens)) {
    throw new InvalidParameterError(
      `Search filter contained multiple expression '${filter}'. Provide AND-ed expression list.`,
    );
  }
  const parser = new SyntaxParser(filter, tokens);
  const node = parser.parse();
  const invalid = parser.invalidClauses();
  if (invalid.length > 0) {
    const clauses = quoting === 'quoted' ? invalid.map((text) => `'${text}'`) : invalid;
    throw new InvalidParameterError(`Invalid clause(s) in filter string: ${clauses.join(', ')}`);
  }
  return node;
}

/** sqlparse splits statements at a `;` outside parentheses; text after it makes a second one. */
function hasSecondStatement(tokens: readonly Token[]): boolean {
  let depth = 0;
  let seenSemicolon = false;
  for (const token of tokens) {
    if (seenSemicolon && token.kind !== 'whitespace') return true;
    if (token.kind === 'lparen') depth += 1;
    else if (token.kind === 'rparen') depth -= 1;
    else if (token.kind === 'semicolon' && depth <= 0) seenSemicolon = true;
  }
  return false;
}

/** The terms between two ORs; `blamed` when some of its text was reported as invalid. */
interface Segment {
  readonly nodes: SyntaxNode[];
  blamed: boolean;
}

interface Parsed<T> {
  readonly value: T;
  /** Index of the first significant token after the parsed part. */
  readonly next: number;
}

class SyntaxParser {
  /** Tokens other than whitespace; indexes below refer to this list. */
  private readonly sig: readonly Token[];
  private readonly rejected = new Map<number, string>();

  constructor(
    private readonly source: string,
    private readonly all: readonly Token[],
  ) {
    this.sig = all.filter((token) => token.kind !== 'whitespace');
  }

  parse(): SyntaxNode | null {
    return this.sequence(0, this.sig.length);
  }

  /** The rejected texts in source order. */
  invalidClauses(): string[] {
    return [...this.rejected.entries()].sort(([a], [b]) => a - b).map(([, text]) => text);
  }

  /** Parses sig[from, to): primaries separated by AND (optional) and OR. */
  private sequence(from: number, to: number): SyntaxNode | null {
    const segments: Segment[] = [{ nodes: [], blamed: false }];
    const ors: Token[] = [];
    let i = from;
    while (i < to) {
      const token = this.token(i);
      const current = segments[segments.length - 1] ?? { nodes: [], blamed: false };
      const rejectedBefore = this.rejected.size;
      if (token.keyword === 'AND') {
        i += 1;
      } else if (token.keyword === 'OR') {
        ors.push(token);
        segments.push({ nodes: [], blamed: false });
        i += 1;
      } else if (token.kind === 'lparen') {
        i = this.group(i, to, current.nodes);
      } else {
        const comparison = this.comparison(i, to);
        if (comparison) {
          current.nodes.push(comparison.value);
          i = comparison.next;
        } else {
          this.reject(token.start, token.text);
          i = this.skipListAfterIn(i, to);
        }
      }
      if (this.rejected.size > rejectedBefore) current.blamed = true;
    }
    // An OR needs a side on both hands; blame the OR that follows (or ends) an empty side. A side
    // holding only invalid clauses is not empty: those clauses are the ones to report.
    segments.forEach((segment, index) => {
      const or = ors[Math.min(index, ors.length - 1)];
      if (segment.nodes.length === 0 && !segment.blamed && or) this.reject(or.start, or.text);
    });
    const terms = segments
      .filter((segment) => segment.nodes.length > 0)
      .map((segment) => combine('and', segment.nodes));
    return terms.length === 0 ? null : combine('or', terms);
  }

  /** A parenthesised group (Assay's extension); returns the index after it. */
  private group(open: number, to: number, into: SyntaxNode[]): number {
    const token = this.token(open);
    const close = this.matching(open, to);
    if (close < 0) {
      this.reject(token.start, token.text);
      return open + 1;
    }
    const rejectedBefore = this.rejected.size;
    const inner = this.sequence(open + 1, close);
    if (inner) into.push(inner);
    else if (this.rejected.size === rejectedBefore) {
      // `()` or `(AND)`: nothing to evaluate, and nothing inside was blamed yet.
      this.reject(token.start, this.source.slice(token.start, this.token(close).end));
    }
    return close + 1;
  }

  /** `operand comparator operand`, `name IN (list)` or `name NOT IN (list)`, as sqlparse groups them. */
  private comparison(i: number, to: number): Parsed<RawComparison> | null {
    const left = this.operand(i, to, false);
    if (!left) return null;
    const j = left.next;
    const next = j < to ? this.token(j) : undefined;
    if (left.value.kind === 'name' && next?.keyword === 'IN') {
      const list = this.list(j + 1, to);
      if (list) return comparisonOf(left.value, next.text, list);
    }
    if (
      left.value.kind === 'name' &&
      next?.keyword === 'NOT' &&
      j + 1 < to &&
      this.token(j + 1).keyword === 'IN'
    ) {
      const list = this.list(j + 2, to);
      if (list) return comparisonOf(left.value, 'NOT IN', list);
    }
    if (next?.kind === 'comparator') {
      const right = this.operand(j + 1, to, true);
      if (right) return comparisonOf(left.value, next.text, right);
    }
    return null;
  }

  private operand(i: number, to: number, allowList: boolean): Parsed<Operand> | null {
    if (i >= to) return null;
    const token = this.token(i);
    if (token.kind === 'lparen') return allowList ? this.list(i, to) : null;
    if (token.keyword === 'NULL') return { value: { kind: 'null', text: token.text }, next: i + 1 };
    if (token.kind !== 'name' && token.kind !== 'string' && token.kind !== 'number') return null;
    let end = i + 1;
    while (end + 1 < to && this.token(end).kind === 'operator' && isArithmeticOperand(this.token(end + 1))) {
      end += 2;
    }
    if (end > i + 1) {
      const text = this.source.slice(token.start, this.token(end - 1).end);
      return { value: { kind: 'expression', text }, next: end };
    }
    const value: Operand =
      token.kind === 'number'
        ? { kind: 'number', text: token.text, numberType: token.numberType ?? 'integer' }
        : { kind: token.kind, text: token.text };
    return { value, next: end };
  }

  private list(open: number, to: number): Parsed<Operand> | null {
    if (open >= to || this.token(open).kind !== 'lparen') return null;
    const close = this.matching(open, to);
    if (close < 0) return null;
    const start = this.token(open).start;
    const end = this.token(close).end;
    const inner = this.all.filter((token) => token.start > start && token.end < end);
    return { value: { kind: 'list', text: this.source.slice(start, end), inner }, next: close + 1 };
  }

  /** After an invalid `IN`, its `(...)` is one invalid clause (as sqlparse's Parenthesis), not a group. */
  private skipListAfterIn(i: number, to: number): number {
    if (this.token(i).keyword !== 'IN') return i + 1;
    const list = this.list(i + 1, to);
    if (!list) return i + 1;
    this.reject(this.token(i + 1).start, list.value.text);
    return list.next;
  }

  /** Index of the `)` closing sig[open], or -1 when it is not closed before `to`. */
  private matching(open: number, to: number): number {
    let depth = 0;
    for (let i = open; i < to; i += 1) {
      const kind = this.token(i).kind;
      if (kind === 'lparen') depth += 1;
      else if (kind === 'rparen') {
        depth -= 1;
        if (depth === 0) return i;
      }
    }
    return -1;
  }

  private token(i: number): Token {
    const token = this.sig[i];
    if (!token) throw new Error(`filter token ${i} out of range`);
    return token;
  }

  private reject(start: number, text: string): void {
    this.rejected.set(start, text);
  }
}

function comparisonOf(left: Operand, comparator: string, right: Parsed<Operand>): Parsed<RawComparison> {
  return { value: { kind: 'comparison', left, comparator, right: right.value }, next: right.next };
}

function isArithmeticOperand(token: Token): boolean {
  return token.kind === 'name' || token.kind === 'string' || token.kind === 'number';
}

/** One node for a list of terms, flattening nested nodes of the same kind. */
function combine(kind: 'and' | 'or', nodes: readonly SyntaxNode[]): SyntaxNode {
  if (nodes.length === 1 && nodes[0]) return nodes[0];
  const children = nodes.flatMap((node) =>
    node.kind !== 'comparison' && node.kind === kind ? node.children : [node],
  );
  return { kind, children };
}
