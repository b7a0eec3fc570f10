import type { DatasetVersionView, DatasetView } from '../../views/behaviour-views.js';
import { table } from './table.js';

export function datasetVersionText(view: DatasetVersionView, created?: boolean): string {
  const lines = [
    `${view.name}@${view.version}${created === false ? '  (already registered: same content and definition)' : ''}`,
    `  rows:   ${view.rows} (${view.format}), digest ${view.digest.slice(0, 16)}`,
    `  label:  ${view.label ?? '-'}   id: ${view.id ?? '-'}`,
  ];
  if (view.slices.length > 0)
    lines.push(`  slices: ${view.slices.map((s) => `${s.name} = ${s.predicate}`).join('; ')}`);
  lines.push(
    '',
    table(
      ['column', 'type'],
      view.columns.map((c) => [c.name, c.type]),
    ),
  );
  return lines.join('\n');
}

export function datasetText(view: DatasetView): string {
  return [
    view.name,
    '',
    table(
      ['version', 'rows', 'label', 'slices', 'digest'],
      view.versions.map((v) => [
        v.version,
        v.rows,
        v.label,
        v.slices.map((s) => s.name).join(', ') || null,
        v.digest.slice(0, 12),
      ]),
    ),
  ].join('\n');
}

export function datasetListText(views: readonly DatasetView[]): string {
  if (views.length === 0) return 'No datasets.';
  return table(
    ['dataset', 'versions', 'latest rows'],
    views.map((view) => [view.name, view.versions.length, view.versions.at(-1)?.rows ?? null]),
  );
}
