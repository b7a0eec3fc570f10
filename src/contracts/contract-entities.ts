import type { ContractDefinition } from './contract-definition.js';
import type { CheckResult, Verdict, VersionLabel } from './check-result.js';

/** One version of a registered model's contract. */
export interface Contract {
  readonly name: string;
  readonly version: number;
  readonly createdAt: number;
  readonly actor: string;
  /** The file as it was given. */
  readonly source: string;
  readonly definition: ContractDefinition;
}

/** A model version checked against its model's contract. */
export interface ContractCheckOutcome {
  readonly model: { readonly name: string; readonly version: number };
  readonly contractVersion: number;
  readonly createdAt: number;
  readonly verdict: Verdict;
  readonly suggestedLabel: VersionLabel;
  /** The baseline alias and the version it pointed at, when there was one. */
  readonly baseline: { readonly alias: string; readonly version: number } | null;
  readonly signatureChanged: boolean;
  /** The candidate's evaluation (and the baseline's) the checks were judged on. */
  readonly evaluation: string;
  readonly baselineEvaluation: string | null;
  readonly results: readonly CheckResult[];
}

/** What contract_checks.result holds (the promotion gate reads `baselineVersion` and `results`). */
export interface StoredCheckResult {
  readonly baselineVersion: number | null;
  readonly baselineAlias: string | null;
  readonly signatureChanged: boolean;
  readonly evaluation: string;
  readonly baselineEvaluation: string | null;
  readonly results: readonly CheckResult[];
}
