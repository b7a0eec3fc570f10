/** MLflow 2.10.2's registry limits. */
export const REGISTRY_LIMITS = {
  registeredModelsSearchDefaultMaxResults: 100,
  registeredModelsSearchMaxResults: 1000,
  /** The REST default (the proto's); MLflow's Python client sends 10000 explicitly. */
  modelVersionsSearchDefaultMaxResults: 200_000,
  modelVersionsSearchMaxResults: 200_000,
  tagKeyLength: 250,
  tagValueLength: 5000,
  aliasLength: 255,
} as const;
