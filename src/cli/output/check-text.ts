import type { AliasView, CheckView, ContractView } from '../../views/behaviour-views.js';

export function checkText(view: CheckView): string {
  const baseline = view.baseline
    ? `${view.baseline.alias ?? 'baseline'} = ${view.baseline.name}@${view.baseline.version}`
    : 'no baseline';
  const lines = [
    `${view.model.name}@${view.model.version}: ${view.verdict.toUpperCase()} against contract v${view.contract_version} (${baseline}); suggests a ${view.suggested_label} version${view.signature_changed ? ' (signature changed)' : ''}`,
    '',
  ];
  for (const result of view.results) {
    const mark = result.outcome === 'passed' ? 'pass' : result.outcome === 'failed' ? 'FAIL' : 'skip';
    lines.push(
      `  ${mark}  ${result.check}  (line ${result.line})${result.detail ? `: ${result.detail}` : ''}`,
    );
  }
  return lines.join('\n');
}

export function contractText(view: ContractView): string {
  return [
    `${view.name} contract v${view.version} (by ${view.actor}): dataset ${view.dataset}, baseline ${view.baseline ?? 'none'}, protects ${view.protect.join(', ') || 'nothing'}`,
    '',
    ...view.checks.map((check) => `  - ${check}`),
    '',
    view.source.trimEnd(),
  ].join('\n');
}

export function aliasText(view: AliasView): string {
  const from = view.previous_version === null ? '' : ` (was ${view.previous_version})`;
  return `${view.name}@${view.alias} -> version ${view.version}${from}${view.forced ? ', forced past the contract' : ''}`;
}
