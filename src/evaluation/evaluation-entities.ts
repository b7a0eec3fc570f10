/** A stored evaluation: one model version scored on one dataset version (and row filter). */
export interface Evaluation {
  readonly id: string;
  readonly model: { readonly name: string; readonly version: number };
  readonly dataset: { readonly name: string; readonly version: number };
  readonly where: string | null;
  readonly createdAt: number;
  readonly rowCount: number;
  readonly task: 'classification' | 'regression';
  readonly classCount: number | null;
  /** Metrics over every scored row with a label (keys as in reference.json). */
  readonly metrics: Readonly<Record<string, unknown>>;
  /** Per slice of the dataset: how many scored rows are in it, and their metrics. */
  readonly slices: Readonly<
    Record<string, { readonly rows: number; readonly metrics: Readonly<Record<string, unknown>> }>
  >;
  readonly outputsPath: string;
}
