import type { Expression, Literal, Operand } from './expression-ast.js';
import { KEYWORDS } from './expression-tokens.js';

const BARE_NAME = /^[\p{L}_][\p{L}\p{N}_.]*$/u;

/**
 * The canonical text of an expression: lower-case keywords, single spaces, `=` and `!=`,
 * single-quoted strings, parentheses only where precedence needs them. Parsing it gives the same
 * expression, so two spellings of one condition
 * format alike (`age>=60 AND x IS NULL`, `age >= 60.0 and x is null`): usable as an identity,
 * e.g. of an evaluation's row filter.
 */
export function formatExpression(expression: Expression): string {
  return format(expression, 0);
}

/** Binding strength: or < and < not < predicates. */
const STRENGTH = { or: 1, and: 2, not: 3 } as const;

function format(node: Expression, context: number): string {
  switch (node.kind) {
    case 'comparison':
      return `${operand(node.left)} ${node.operator} ${operand(node.right)}`;
    case 'in':
      return `${operand(node.operand)} ${node.negated ? 'not in' : 'in'} (${node.values.map(literal).join(', ')})`;
    case 'null-check':
      return `${operand(node.operand)} is ${node.negated ? 'not null' : 'null'}`;
    case 'value':
      return operand(node.operand);
    case 'not':
      return wrap(`not ${format(node.operand, STRENGTH.not)}`, STRENGTH.not, context);
    case 'and':
    case 'or': {
      const strength = STRENGTH[node.kind];
      // Left-associative: a right operand of the same kind keeps its parentheses.
      const text = `${format(node.left, strength)} ${node.kind} ${format(node.right, strength + 0.5)}`;
      return wrap(text, strength, context);
    }
  }
}

function wrap(text: string, strength: number, context: number): string {
  return strength < context ? `(${text})` : text;
}

function operand(value: Operand): string {
  if (value.kind === 'literal') return literal(value);
  if (BARE_NAME.test(value.name) && !KEYWORDS.has(value.name.toLowerCase())) return value.name;
  return `\`${value.name.replaceAll('`', '``')}\``;
}

function literal(value: Literal): string {
  if (typeof value.value === 'string') return `'${value.value.replaceAll("'", "''")}'`;
  return String(value.value);
}
