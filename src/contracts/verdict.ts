import type { CheckResult, Verdict, VersionLabel } from './check-result.js';

export interface SameAsBaseline {
  /** Rows whose decision (label) differs from the baseline's. */
  readonly decisionChanges: number;
  /** Largest absolute difference of any output value from the baseline's. */
  readonly maxAbsOutputDelta: number;
}

/**
 * `incompatible` when any check failed; otherwise `identical` when decisions are the baseline's and
 * outputs equal within the tolerance; otherwise `compatible`.
 */
export function decideVerdict(
  results: readonly CheckResult[],
  sameAsBaseline: SameAsBaseline | null,
  tolerance: number,
): Verdict {
  if (results.some((result) => result.outcome === 'failed')) return 'incompatible';
  if (
    sameAsBaseline &&
    sameAsBaseline.decisionChanges === 0 &&
    sameAsBaseline.maxAbsOutputDelta <= tolerance
  ) {
    return 'identical';
  }
  return 'compatible';
}

/**
 * Semver for behaviour: a changed signature or a broken contract is a major change; new behaviour
 * within the contract is minor; the same behaviour is a patch.
 */
export function suggestVersionLabel(verdict: Verdict, signatureChanged: boolean): VersionLabel {
  if (verdict === 'incompatible' || signatureChanged) return 'major';
  return verdict === 'identical' ? 'patch' : 'minor';
}
