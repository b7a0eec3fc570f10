import { InvalidParameterError } from '../errors/assay-error.js';
import type { Stage } from './entities.js';

export const ALL_STAGES: readonly Stage[] = ['None', 'Staging', 'Production', 'Archived'];

/** Stages that `archive_existing_versions` may clear out (MLflow's DEFAULT_STAGES_FOR_GET_LATEST_VERSIONS). */
export const ACTIVE_STAGES: readonly Stage[] = ['Staging', 'Production'];

/** MLflow accepts stage names in any case and stores the canonical spelling. */
export function canonicalStage(stage: string): Stage {
  const found = ALL_STAGES.find((candidate) => candidate.toLowerCase() === stage.toLowerCase());
  if (!found) {
    throw new InvalidParameterError(
      `Invalid Model Version stage: ${stage}. Value must be one of ${ALL_STAGES.join(', ')}.`,
    );
  }
  return found;
}
