import type { EvaluationView, JsonNumberMap } from '../../views/behaviour-views.js';
import { num, table } from './table.js';

export function evaluationText(view: EvaluationView): string {
  const where = view.where ? ` where ${view.where}` : '';
  const lines = [
    `${view.model.name}@${view.model.version}${view.model.alias ? ` (${view.model.alias})` : ''} on ${view.dataset.name}@${view.dataset.version}${where}: ${view.rows} rows, ${view.task}${view.computed ? '' : ' (stored evaluation)'}`,
    '',
  ];
  const names = scalarNames(view.metrics);
  const slices = Object.entries(view.slices);
  lines.push(
    table(
      ['metric', 'overall', ...slices.map(([name, slice]) => `${name} (${slice.rows})`)],
      names.map((name) => [
        name,
        num(view.metrics[name]),
        ...slices.map(([, slice]) => num(slice.metrics[name])),
      ]),
    ),
  );
  const confusion = view.metrics.confusion_matrix;
  if (Array.isArray(confusion)) {
    lines.push('', 'confusion matrix (rows: true class, columns: predicted)');
    lines.push(
      table(
        ['', ...confusion.map((_, i) => String(i))],
        confusion.map((row, i) => [String(i), ...row]),
      ),
    );
  }
  return lines.join('\n');
}

function scalarNames(metrics: JsonNumberMap): string[] {
  return Object.keys(metrics).filter((name) => typeof metrics[name] === 'number' || metrics[name] === null);
}
