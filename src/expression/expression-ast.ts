/**
 * The row expression language: predicates over a dataset's columns, used by slices
 * (`seniors=age >= 60`), `--where` on evaluations and diffs, and contract files.
 * Positions are 1-based character offsets into the source text, for error messages.
 */

export type LiteralValue = number | string | boolean;

export interface Literal {
  readonly kind: 'literal';
  readonly value: LiteralValue;
  readonly position: number;
}

export interface ColumnRef {
  readonly kind: 'column';
  readonly name: string;
  readonly position: number;
}

export type Operand = Literal | ColumnRef;

/** `==` is read as `=`, `<>` as `!=`. */
export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface Comparison {
  readonly kind: 'comparison';
  readonly operator: ComparisonOperator;
  readonly left: Operand;
  readonly right: Operand;
}

/** `x in (1, 2)`, `x not in ('a', 'b')`. */
export interface InList {
  readonly kind: 'in';
  readonly operand: Operand;
  readonly values: readonly Literal[];
  readonly negated: boolean;
}

/** `x is null`, `x is not null`. */
export interface NullCheck {
  readonly kind: 'null-check';
  readonly operand: Operand;
  readonly negated: boolean;
}

/** A bool column or literal used as a condition by itself: `is_member`, `not is_member`, `true`. */
export interface BoolValue {
  readonly kind: 'value';
  readonly operand: Operand;
}

export interface And {
  readonly kind: 'and';
  readonly left: Expression;
  readonly right: Expression;
}

export interface Or {
  readonly kind: 'or';
  readonly left: Expression;
  readonly right: Expression;
}

export interface Not {
  readonly kind: 'not';
  readonly operand: Expression;
}

export type Expression = Comparison | InList | NullCheck | BoolValue | And | Or | Not;
