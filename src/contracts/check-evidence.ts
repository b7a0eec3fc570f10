/**
 * What each contract check is judged on, gathered by the check service from the candidate's
 * evaluation, the baseline's, their diff and perturbed runs of the candidate.
 */
export type CheckEvidence =
  | { readonly kind: 'metric'; readonly candidate: number | null; readonly baseline: number | null }
  | { readonly kind: 'diff'; readonly value: number | null }
  | {
      readonly kind: 'threshold';
      readonly rate: number;
      readonly up: number;
      readonly down: number;
      readonly n: number;
    }
  | { readonly kind: 'invariance'; readonly flips: number; readonly n: number }
  | {
      readonly kind: 'direction';
      readonly violations: number;
      readonly n: number;
      readonly worst: number;
      readonly by: number;
    }
  | {
      readonly kind: 'range';
      readonly min: number | null;
      readonly max: number | null;
      readonly nonFinite: number;
      readonly n: number;
    }
  /** A comparison with the baseline when there is none (no baseline alias, or it is unset). */
  | { readonly kind: 'no-baseline' };
