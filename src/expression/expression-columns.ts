import type { Expression, Operand } from './expression-ast.js';

/** The columns an expression reads, each once, in order of first mention. */
export function expressionColumns(expression: Expression): string[] {
  const seen = new Set<string>();
  const visitOperand = (operand: Operand): void => {
    if (operand.kind === 'column') seen.add(operand.name);
  };
  const visit = (node: Expression): void => {
    switch (node.kind) {
      case 'comparison':
        visitOperand(node.left);
        visitOperand(node.right);
        return;
      case 'in':
      case 'null-check':
      case 'value':
        visitOperand(node.operand);
        return;
      case 'and':
      case 'or':
        visit(node.left);
        visit(node.right);
        return;
      case 'not':
        visit(node.operand);
        return;
    }
  };
  visit(expression);
  return [...seen];
}
