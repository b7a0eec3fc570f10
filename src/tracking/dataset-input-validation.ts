import { InvalidParameterError } from '../errors/assay-error.js';
import type { DatasetInput } from './entities.js';
import { LIMITS } from './limits.js';

/** MLflow's size limits on a logged dataset input and its tags. */
export function validateDatasetInput(input: DatasetInput): void {
  const { dataset } = input;
  const check = (value: string | null, limit: number, message: string): void => {
    if (value !== null && [...value].length > limit) throw new InvalidParameterError(message);
  };
  check(
    dataset.name,
    LIMITS.maxDatasetNameLength,
    `Dataset name exceeds the maximum length of ${LIMITS.maxDatasetNameLength}`,
  );
  check(
    dataset.digest,
    LIMITS.maxDatasetDigestLength,
    `Dataset digest exceeds the maximum length of ${LIMITS.maxDatasetDigestLength}`,
  );
  check(
    dataset.source,
    LIMITS.maxDatasetSourceLength,
    `Dataset source exceeds the maximum length of ${LIMITS.maxDatasetSourceLength}`,
  );
  check(
    dataset.schema,
    LIMITS.maxDatasetSchemaLength,
    `Dataset schema exceeds the maximum length of ${LIMITS.maxDatasetSchemaLength}`,
  );
  check(
    dataset.profile,
    LIMITS.maxDatasetProfileLength,
    `Dataset profile exceeds the maximum length of ${LIMITS.maxDatasetProfileLength}`,
  );
  for (const tag of input.tags) {
    check(
      tag.key,
      LIMITS.maxInputTagKeyLength,
      `InputTag key exceeds the maximum length of ${LIMITS.maxInputTagKeyLength}`,
    );
    check(
      tag.value,
      LIMITS.maxInputTagValueLength,
      `InputTag value exceeds the maximum length of ${LIMITS.maxInputTagValueLength}`,
    );
  }
}
