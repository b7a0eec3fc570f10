import type { ModelVersionView, ModelView } from '../../views/behaviour-views.js';
import { num, table } from './table.js';

export function modelVersionText(view: ModelVersionView): string {
  const lines = [
    `${view.name}@${view.version}  ${view.status}${view.status_message ? `: ${view.status_message}` : ''}`,
  ];
  lines.push(`  source:   ${view.source}`);
  if (view.aliases.length > 0) lines.push(`  aliases:  ${view.aliases.join(', ')}`);
  if (view.stage !== 'None') lines.push(`  stage:    ${view.stage}`);
  const runtime = view.runtime;
  if (runtime) {
    const classes = runtime.classes === null ? '' : ` (${runtime.classes} classes)`;
    lines.push(
      `  task:     ${runtime.task}${classes}, ${runtime.format}, opset ${runtime.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')}`,
    );
    lines.push(`  size:     ${runtime.size_bytes} bytes, sha256 ${runtime.sha256}`);
    if (runtime.features) lines.push(`  features: ${runtime.features.join(', ')}`);
    lines.push(
      '',
      table(
        ['input', 'type', 'shape'],
        runtime.inputs.map((t) => [t.name, t.type, `[${t.shape.join(', ')}]`]),
      ),
    );
    const role = (name: string): string =>
      name === runtime.outputs.label
        ? 'label'
        : name === runtime.outputs.probabilities
          ? 'probabilities'
          : name === runtime.outputs.value
            ? 'value'
            : '';
    lines.push(
      '',
      table(
        ['output', 'type', 'shape', 'role'],
        runtime.signature_outputs.map((t) => [t.name, t.type, `[${t.shape.join(', ')}]`, role(t.name)]),
      ),
    );
  } else if (view.status === 'READY') {
    lines.push('  (not an ONNX model: registered, but Assay cannot run it)');
  }
  if (view.check) {
    lines.push(
      '',
      `  check:    ${view.check.verdict} (suggests a ${view.check.suggested_label} version) against contract v${view.check.contract_version}`,
    );
  }
  const evaluations = view.evaluations ?? [];
  if (evaluations.length > 0) {
    const headline = ['accuracy', 'f1_macro', 'roc_auc', 'log_loss', 'mae', 'rmse', 'r2'].filter((name) =>
      evaluations.some((evaluation) => name in evaluation.metrics),
    );
    lines.push(
      '',
      table(
        ['evaluation', 'dataset', 'where', 'rows', ...headline],
        evaluations.map((evaluation) => [
          evaluation.id.slice(0, 12),
          `${evaluation.dataset.name}@${evaluation.dataset.version}`,
          evaluation.where,
          evaluation.rows,
          ...headline.map((name) => num(evaluation.metrics[name])),
        ]),
      ),
    );
  }
  return lines.join('\n');
}

export function modelText(view: ModelView): string {
  const aliases = Object.entries(view.aliases).map(([alias, version]) => `${alias} -> ${version}`);
  const lines = [`${view.name}${view.description ? `  ${view.description}` : ''}`];
  if (aliases.length > 0) lines.push(`  aliases: ${aliases.join(', ')}`);
  lines.push(`  contract: ${view.contract_version === null ? 'none' : `v${view.contract_version}`}`);
  lines.push(
    '',
    table(
      ['version', 'status', 'task', 'aliases', 'check'],
      view.versions.map((v) => [
        v.version,
        v.status,
        v.runtime?.task ?? null,
        v.aliases.join(', ') || null,
        v.check ? `${v.check.verdict}` : null,
      ]),
    ),
  );
  return lines.join('\n');
}

export function modelListText(views: readonly ModelView[]): string {
  if (views.length === 0) return 'No registered models.';
  return table(
    ['model', 'versions', 'latest', 'aliases'],
    views.map((view) => [
      view.name,
      view.versions.length,
      view.versions.length > 0 ? Math.max(...view.versions.map((v) => v.version)) : null,
      Object.entries(view.aliases)
        .map(([alias, version]) => `${alias}=${version}`)
        .join(', ') || null,
    ]),
  );
}
