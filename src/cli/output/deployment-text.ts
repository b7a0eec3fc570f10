import type { CanaryView, DeploymentView } from '../../views/deployment-views.js';
import { num, percent, table } from './table.js';

export function deploymentListText(views: readonly DeploymentView[]): string {
  if (views.length === 0)
    return 'No deployments. Create one with `assay deployments create NAME --model NAME@ALIAS`.';
  return table(
    ['name', 'model', 'serving', 'canary', 'shadow', 'state', 'generation'],
    views.map((view) => [
      view.name,
      view.model,
      view.status?.served_version ?? null,
      view.canary
        ? `${view.canary.model} ${num(view.canary.percent)}%${view.status?.canary_halt ? ' (halted)' : ''}`
        : '-',
      view.shadow?.model ?? '-',
      view.status?.state ?? '-',
      view.generation,
    ]),
  );
}

export function deploymentText(view: DeploymentView): string {
  const status = view.status;
  const lines = [`${view.name}  generation ${view.generation}${status ? `, ${status.state}` : ''}`];
  const served = (version: number | null | undefined): string =>
    version === null || version === undefined ? '' : ` -> version ${version}`;
  lines.push(`  model:     ${view.model}${served(status?.served_version)}`);
  if (view.canary) {
    lines.push(
      `  canary:    ${view.canary.model}, ${num(view.canary.percent)}% of requests${served(status?.canary_version)}`,
      `             ${haltRulesText(view.canary)}`,
    );
    if (status?.canary_halt) {
      lines.push(
        `             HALTED at ${new Date(status.canary_halt.time).toISOString()}: ${status.canary_halt.reason}`,
        '             (all traffic went back to the model; `assay deployments update` resumes the canary)',
      );
    }
  }
  if (view.shadow) lines.push(`  shadow:    ${view.shadow.model}${served(status?.shadow_version)}`);
  const b = view.batching;
  lines.push(
    `  batching:  at most ${b.max_batch_size} rows per call, queue delay ${num(b.max_queue_delay_ms)} ms, ` +
      `queue ${b.max_queue_size} requests, queue timeout ${b.queue_timeout_ms === null ? 'none' : `${num(b.queue_timeout_ms)} ms`}, ` +
      `${b.instances} instance${b.instances === 1 ? '' : 's'} x ${b.intra_op_threads} thread${b.intra_op_threads === 1 ? '' : 's'}`,
  );
  if (b.preferred_batch_sizes.length > 0) {
    lines.push(`  preferred: batch sizes ${b.preferred_batch_sizes.join(', ')}`);
  }
  lines.push(`  logging:   ${percent(view.log_sample_rate)} of requests`);
  lines.push(
    `  created:   ${new Date(view.creation_time).toISOString()}, updated ${new Date(view.last_updated_time).toISOString()}`,
  );
  if (!status) {
    lines.push('  status:    not reported yet (deployments are served by `assay server`)');
    return lines.join('\n');
  }
  const reportedFor =
    status.generation !== null && status.generation !== view.generation
      ? ` (about generation ${status.generation})`
      : '';
  lines.push(
    `  status:    ${status.state}, reported ${new Date(status.updated_at).toISOString()}${reportedFor}`,
  );
  if (status.error) lines.push(`  error:     ${status.error}`);
  if (status.shadow_diff) {
    lines.push('', `  shadow diff (${view.shadow?.model ?? 'shadow'} against the served version):`);
    const entries = flatten(status.shadow_diff, '');
    const width = Math.max(...entries.map(([key]) => key.length));
    for (const [key, value] of entries) lines.push(`    ${`${key}:`.padEnd(width + 2)}${value}`);
  }
  return lines.join('\n');
}

function haltRulesText(canary: CanaryView): string {
  const limits = [
    canary.max_error_rate === null ? null : `error rate above ${percent(canary.max_error_rate)}`,
    canary.max_p99_ms === null ? null : `p99 above ${num(canary.max_p99_ms)} ms`,
  ].filter((limit) => limit !== null);
  if (limits.length === 0) return 'never halted (no halt rule)';
  return `halts on ${limits.join(' or ')}, once ${canary.min_requests} requests in ${num(canary.window_seconds)} s`;
}

/** A JSON object as `key: value` lines, nested keys joined with '.'. */
function flatten(value: unknown, prefix: string): [string, string][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return prefix ? [[prefix, '{}']] : [];
    return entries.flatMap(([key, inner]) => flatten(inner, prefix ? `${prefix}.${key}` : key));
  }
  if (typeof value === 'number') return [[prefix, String(num(value))]];
  return [[prefix, typeof value === 'string' ? value : JSON.stringify(value)]];
}
