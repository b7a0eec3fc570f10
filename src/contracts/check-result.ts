export interface CheckResult {
  /** The check as a person reads it, e.g. `slice seniors: recall >= 0.8`. */
  readonly check: string;
  /** Line of the check in the contract file. */
  readonly line: number;
  /** 'skipped' when it compares with a baseline that does not exist. */
  readonly outcome: 'passed' | 'failed' | 'skipped';
  /** What was observed against what was required, e.g. `recall 0.7612 < 0.8`. */
  readonly detail: string;
  readonly observed: Readonly<Record<string, number | null>>;
}

export type Verdict = 'identical' | 'compatible' | 'incompatible';
export type VersionLabel = 'patch' | 'minor' | 'major';
