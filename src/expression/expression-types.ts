import type { ColumnType } from '../datasets/dataset-table.js';
import type { LiteralValue, Operand } from './expression-ast.js';

/** What an operand holds, as the language sees it. */
export type ValueKind = 'number' | 'string' | 'bool';

export function columnKind(type: ColumnType): ValueKind {
  return type === 'float64' ? 'number' : type;
}

export function literalKind(value: LiteralValue): ValueKind {
  return typeof value === 'number' ? 'number' : typeof value === 'string' ? 'string' : 'bool';
}

const HOLDS: Record<ValueKind, string> = { number: 'numbers', string: 'strings', bool: 'true/false values' };

/** "column 'hr' (numbers)" or "the string '7'". */
export function describeOperand(operand: Operand, kind: ValueKind): string {
  if (operand.kind === 'column') return `column '${operand.name}' (${HOLDS[kind]})`;
  return describeLiteral(operand.value);
}

export function describeLiteral(value: LiteralValue): string {
  if (typeof value === 'string') return `the string '${value}'`;
  if (typeof value === 'number') return `the number ${value}`;
  return `the value ${value}`;
}

/** How to write `value` so that it fits a `kind` operand, when there is an obvious way. */
export function spellingHint(value: LiteralValue, kind: ValueKind): string {
  if (kind === 'string') return `; write the value in quotes: '${String(value)}'`;
  if (
    kind === 'number' &&
    typeof value === 'string' &&
    value.trim() !== '' &&
    Number.isFinite(Number(value))
  ) {
    return `; write the number without quotes: ${Number(value)}`;
  }
  if (kind === 'bool') return '; use true or false';
  return '';
}
