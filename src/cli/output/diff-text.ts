import type { DiffView } from '../../views/behaviour-views.js';
import { num, percent, table } from './table.js';

type Numbers = Record<string, unknown>;

/** The diff report: a headline, the numbers overall and per slice, what regressed, the rows that moved most. */
export function diffText(view: DiffView): string {
  const a = `${view.a.name}@${view.a.version}`;
  const b = `${view.b.name}@${view.b.version}`;
  const overall = view.overall as Numbers;
  const where = view.where ? ` where ${view.where}` : '';
  const lines: string[] = [];
  const deltas = (overall.metric_deltas ?? {}) as Record<string, number | null>;
  const deltaText = Object.entries(deltas)
    .filter(([, delta]) => typeof delta === 'number' && delta !== 0)
    .slice(0, 4)
    .map(([name, delta]) => `${name} ${(delta as number) > 0 ? '+' : ''}${num(delta)}`)
    .join(', ');

  if (view.task === 'classification') {
    const changed =
      Number(overall.n ?? 0) - Math.round(Number(overall.agreement ?? 0) * Number(overall.n ?? 0));
    lines.push(
      `${a} -> ${b} on ${view.dataset.name}@${view.dataset.version}${where}: ${changed} of ${overall.n} decisions changed (${percent(overall.flip_rate as number)}): ${overall.negative_flips} now wrong, ${overall.positive_flips} now right${deltaText ? `; ${deltaText}` : ''}`,
    );
    lines.push('');
    const keys = ['n', 'agreement', 'flip_rate', 'negative_flip_rate', 'positive_flip_rate', 'btc', 'bec'];
    const slices = Object.entries(view.slices);
    lines.push(
      table(
        ['', 'overall', ...slices.map(([name]) => name)],
        keys.map((key) => [
          key,
          num(overall[key]),
          ...slices.map(([, slice]) => num((slice as Numbers)[key])),
        ]),
      ),
    );
    const crossings = overall.crossings as
      Record<string, { rate: number; up: number; down: number }> | undefined;
    if (crossings && Object.keys(crossings).length > 0) {
      lines.push(
        '',
        table(
          ['threshold', 'crossing rate', 'up', 'down'],
          Object.entries(crossings).map(([t, c]) => [t, percent(c.rate), c.up, c.down]),
        ),
      );
    }
    const transitions = overall.transitions as number[][] | undefined;
    if (transitions) {
      lines.push('', 'transitions (rows: old label, columns: new label)');
      lines.push(
        table(
          ['', ...transitions.map((_, i) => String(i))],
          transitions.map((row, i) => [String(i), ...row]),
        ),
      );
    }
  } else {
    lines.push(
      `${a} -> ${b} on ${view.dataset.name}@${view.dataset.version}${where}: mean |delta| ${num(overall.mean_abs_delta)}, max |delta| ${num(overall.max_abs_delta)}, mean delta ${num(overall.mean_delta)} over ${overall.n} rows${deltaText ? `; ${deltaText}` : ''}`,
    );
  }
  const metricRows = Object.entries(deltas).filter(([, delta]) => typeof delta === 'number');
  if (metricRows.length > 0)
    lines.push(
      '',
      table(
        ['metric', 'change (b - a)'],
        metricRows.map(([name, delta]) => [name, num(delta)]),
      ),
    );
  if (view.regressed_slices.length > 0) {
    lines.push('', 'slices that regressed:');
    for (const slice of view.regressed_slices) lines.push(`  ${slice.slice}: ${slice.reason}`);
  }
  if (view.top.length > 0) {
    lines.push('', `rows that moved most (${view.top.length}):`);
    lines.push(
      table(
        ['row', 'id', 'label', 'a', 'b'],
        view.top.map((row) => [
          row.row,
          row.id === null ? null : String(row.id),
          row.label,
          outputText(row.a),
          outputText(row.b),
        ]),
      ),
    );
  }
  return lines.join('\n');
}

function outputText(output: Readonly<Record<string, number | number[] | null>>): string {
  if ('value' in output) return String(num(output.value));
  const probabilities = output.probabilities;
  const shown = Array.isArray(probabilities) ? ` [${probabilities.map((p) => num(p)).join(', ')}]` : '';
  return `${output.label}${shown}`;
}
