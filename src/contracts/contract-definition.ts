/** A registered model's contract: the behaviour its consumers rely on, checked before promotion. */

export interface DatasetRef {
  readonly name: string;
  /** null: the latest version at check time. */
  readonly version: number | null;
}

export type Perturbation =
  | { readonly add: number }
  | { readonly scale: number }
  | { readonly set: number | string | boolean }
  | {
      readonly replace: { readonly from: number | string | boolean; readonly to: number | string | boolean };
    };

interface CheckBase {
  /** 1-based line of the check in the contract file, for messages. */
  readonly line: number;
}

export interface MetricCheck extends CheckBase {
  readonly kind: 'metric';
  readonly metric: string;
  readonly slice: string | null;
  readonly min?: number;
  readonly max?: number;
  /** Against the baseline: candidate >= baseline - max_drop (absolute) / * (1 - max_drop_relative). */
  readonly maxDrop?: number;
  readonly maxDropRelative?: number;
  /** Against the baseline: candidate <= baseline + max_rise (absolute) / * (1 + max_rise_relative). */
  readonly maxRise?: number;
  readonly maxRiseRelative?: number;
}

export interface DiffCheck extends CheckBase {
  readonly kind: 'diff';
  readonly measure: string;
  readonly slice: string | null;
  readonly min?: number;
  readonly max?: number;
}

export interface ThresholdCheck extends CheckBase {
  readonly kind: 'threshold';
  readonly output: string;
  readonly classIndex: number;
  readonly at: number;
  readonly slice: string | null;
  readonly maxCrossingRate?: number;
  readonly maxUp?: number;
  readonly maxDown?: number;
}

export interface InvarianceCheck extends CheckBase {
  readonly kind: 'invariance';
  readonly column: string;
  readonly perturbation: Perturbation;
  /** Share of rows whose decision may change under the perturbation. */
  readonly maxFlipRate: number;
}

export interface DirectionCheck extends CheckBase {
  readonly kind: 'direction';
  readonly column: string;
  readonly output: string;
  /** Which class's probability (classification); null for a regressor's value. */
  readonly classIndex: number | null;
  readonly increasing: boolean;
  /** How much the score may move the wrong way before a row counts as a violation. */
  readonly tolerance: number;
  /** How much the column is raised; null: one standard deviation of the column on the checked rows. */
  readonly by: number | null;
  /** Share of rows allowed to violate the direction (default 0). */
  readonly maxViolationRate: number;
}

export interface RangeCheck extends CheckBase {
  readonly kind: 'range';
  readonly output: string;
  readonly min?: number;
  readonly max?: number;
}

export type ContractCheck =
  MetricCheck | DiffCheck | ThresholdCheck | InvarianceCheck | DirectionCheck | RangeCheck;

export interface ContractDefinition {
  readonly dataset: DatasetRef;
  readonly where: string | null;
  /** Alias whose version a candidate is compared with; null: no comparison checks. */
  readonly baseline: string | null;
  /** Aliases that move only to versions whose check passed. */
  readonly protect: readonly string[];
  /** Outputs within this absolute distance of the baseline's count as equal (verdict `identical`). */
  readonly identicalTolerance: number;
  readonly checks: readonly ContractCheck[];
}
