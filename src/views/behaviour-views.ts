/**
 * The JSON shapes of Assay's own API (/api/assay/v1) and of the CLI's `--json` output. The same
 * views come out of the embedded store and out of a server, so the CLI prints the same thing either
 * way. snake_case, like the MLflow API beside it.
 */

export type JsonNumberMap = Record<string, number | number[][] | null>;

export interface ModelRefView {
  readonly name: string;
  readonly version: number;
  /** The alias the version was named by, if any (e.g. `production`). */
  readonly alias?: string;
}

export interface TensorView {
  readonly name: string;
  readonly type: string;
  readonly shape: readonly (number | string)[];
}

export interface ModelVersionView {
  readonly name: string;
  readonly version: number;
  readonly status: string;
  readonly status_message?: string;
  readonly source: string;
  readonly aliases: readonly string[];
  readonly stage: string;
  readonly created_at: number;
  /** Present when Assay can run the version. */
  readonly runtime?: {
    readonly format: string;
    readonly task: string;
    readonly input_mode: string;
    readonly features: readonly string[] | null;
    readonly outputs: {
      readonly label: string | null;
      readonly probabilities: string | null;
      readonly value: string | null;
    };
    readonly classes: number | null;
    readonly inputs: readonly TensorView[];
    readonly signature_outputs: readonly TensorView[];
    readonly opsets: readonly { readonly domain: string; readonly version: number }[];
    readonly size_bytes: number;
    readonly sha256: string;
  };
  readonly check?: CheckSummaryView;
  /** Its stored evaluations, newest first (on `show NAME@VERSION`). */
  readonly evaluations?: readonly EvaluationSummaryView[];
}

export interface EvaluationSummaryView {
  readonly id: string;
  readonly dataset: { readonly name: string; readonly version: number };
  readonly where: string | null;
  readonly rows: number;
  /** The scalar metrics, overall. */
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly created_at: number;
}

export interface ModelView {
  readonly name: string;
  readonly description: string;
  readonly created_at: number;
  readonly aliases: Readonly<Record<string, number>>;
  readonly versions: readonly ModelVersionView[];
  readonly contract_version: number | null;
}

export interface DatasetVersionView {
  readonly name: string;
  readonly version: number;
  readonly digest: string;
  readonly rows: number;
  readonly format: string;
  readonly label: string | null;
  readonly id: string | null;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly slices: readonly { readonly name: string; readonly predicate: string }[];
  readonly created_at: number;
}

export interface DatasetView {
  readonly name: string;
  readonly versions: readonly DatasetVersionView[];
}

export interface EvaluationView {
  readonly id: string;
  readonly model: ModelRefView;
  readonly dataset: { readonly name: string; readonly version: number };
  readonly where: string | null;
  readonly rows: number;
  readonly task: string;
  readonly classes: number | null;
  readonly metrics: JsonNumberMap;
  readonly slices: Readonly<Record<string, { readonly rows: number; readonly metrics: JsonNumberMap }>>;
  readonly created_at: number;
  /** False when an identical stored evaluation was returned. */
  readonly computed: boolean;
}

export interface DiffRowView {
  readonly row: number;
  readonly id: string | number | null;
  readonly inputs: Readonly<Record<string, string | number | boolean | null>>;
  readonly label: number | null;
  readonly a: Readonly<Record<string, number | number[] | null>>;
  readonly b: Readonly<Record<string, number | number[] | null>>;
}

export interface DiffView {
  readonly a: ModelRefView;
  readonly b: ModelRefView;
  readonly dataset: { readonly name: string; readonly version: number };
  readonly where: string | null;
  readonly task: string;
  readonly thresholds: readonly number[];
  /** Keys as in reference.json (n, agreement, flip_rate, ..., crossings) plus metric_deltas. */
  readonly overall: Readonly<Record<string, unknown>>;
  readonly slices: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Slices where a metric got worse or decisions regressed, worst first. */
  readonly regressed_slices: readonly { readonly slice: string; readonly reason: string }[];
  readonly top: readonly DiffRowView[];
  readonly evaluations: { readonly a: string; readonly b: string };
}

export interface ContractView {
  readonly name: string;
  readonly version: number;
  readonly created_at: number;
  readonly actor: string;
  readonly source: string;
  readonly dataset: string;
  readonly baseline: string | null;
  readonly protect: readonly string[];
  readonly checks: readonly string[];
}

export interface CheckResultView {
  readonly check: string;
  readonly line: number;
  readonly outcome: 'passed' | 'failed' | 'skipped';
  readonly detail: string;
  readonly observed: Readonly<Record<string, number | null>>;
}

export interface CheckSummaryView {
  readonly verdict: 'identical' | 'compatible' | 'incompatible';
  readonly suggested_label: 'patch' | 'minor' | 'major';
  readonly contract_version: number;
  readonly baseline: ModelRefView | null;
  readonly created_at: number;
}

export interface CheckView extends CheckSummaryView {
  readonly model: ModelRefView;
  readonly signature_changed: boolean;
  readonly evaluation: string;
  readonly results: readonly CheckResultView[];
}

export interface AliasView {
  readonly name: string;
  readonly alias: string;
  readonly version: number;
  readonly previous_version: number | null;
  readonly forced: boolean;
}
