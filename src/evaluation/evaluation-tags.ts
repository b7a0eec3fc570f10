import { createHash } from 'node:crypto';
import { REGISTRY_LIMITS } from '../registry/limits.js';
import type { KeyValue } from '../tracking/entities.js';
import type { Evaluation } from './evaluation-entities.js';

/** MLflow tag keys allow letters, digits, `_ - . / space`: anything else in a dataset name becomes `_`. */
function keySafe(text: string): string {
  return text.replace(/[^\w.\- /]/g, '_');
}

/**
 * How an evaluation shows to MLflow clients: one model version tag per scalar metric, e.g.
 * `assay.eval.holdout.v3.accuracy = 0.9561`. An evaluation over a row filter gets its own key
 * segment (a short hash of the filter) and a `.where` tag holding the filter itself.
 */
export function evaluationTags(evaluation: Evaluation): KeyValue[] {
  const dataset = `${keySafe(evaluation.dataset.name)}.v${evaluation.dataset.version}`;
  const filter = evaluation.where
    ? `.where-${createHash('sha256').update(evaluation.where).digest('hex').slice(0, 8)}`
    : '';
  const prefix = `assay.eval.${dataset}${filter}`;
  const tags: KeyValue[] = [{ key: `${prefix}.rows`, value: String(evaluation.rowCount) }];
  // MLflow's limit on tag values.
  if (evaluation.where)
    tags.push({ key: `${prefix}.where`, value: evaluation.where.slice(0, REGISTRY_LIMITS.tagValueLength) });
  for (const [name, value] of Object.entries(evaluation.metrics)) {
    if (typeof value === 'number') tags.push({ key: `${prefix}.${name}`, value: String(value) });
  }
  return tags;
}
