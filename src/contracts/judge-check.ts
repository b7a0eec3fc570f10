import type { ContractCheck } from './contract-definition.js';
import type { CheckEvidence } from './check-evidence.js';
import type { CheckResult } from './check-result.js';
import { describeCheck } from './describe-check.js';

/** Judges one check on its evidence. Pure: the numbers in, a result with a readable detail out. */
export function judgeCheck(check: ContractCheck, evidence: CheckEvidence): CheckResult {
  const base = { check: describeCheck(check), line: check.line };
  if (evidence.kind === 'no-baseline') {
    return { ...base, outcome: 'skipped', detail: 'no baseline to compare with', observed: {} };
  }
  const failures: string[] = [];
  let observed: Record<string, number | null> = {};

  switch (check.kind) {
    case 'metric': {
      if (evidence.kind !== 'metric') break;
      const { candidate, baseline } = evidence;
      observed = { value: candidate, baseline };
      const name = check.slice ? `${check.metric} on slice ${check.slice}` : check.metric;
      if (candidate === null || Number.isNaN(candidate)) {
        failures.push(`${name} is not defined for this evaluation`);
        break;
      }
      if (check.min !== undefined && !(candidate >= check.min))
        failures.push(`${name} ${fmt(candidate)} < ${check.min}`);
      if (check.max !== undefined && !(candidate <= check.max))
        failures.push(`${name} ${fmt(candidate)} > ${check.max}`);
      const relative = [check.maxDrop, check.maxDropRelative, check.maxRise, check.maxRiseRelative];
      if (relative.some((bound) => bound !== undefined)) {
        if (baseline === null || Number.isNaN(baseline)) {
          failures.push(`the baseline has no ${name}`);
          break;
        }
        const change = candidate - baseline;
        observed.change = change;
        if (check.maxDrop !== undefined && -change > check.maxDrop + EPSILON) {
          failures.push(
            `${name} dropped ${fmt(-change)} (${fmt(baseline)} -> ${fmt(candidate)}), more than ${check.maxDrop}`,
          );
        }
        if (
          check.maxDropRelative !== undefined &&
          candidate < baseline * (1 - check.maxDropRelative) - EPSILON
        ) {
          failures.push(
            `${name} dropped ${pct(-change / Math.abs(baseline))} (${fmt(baseline)} -> ${fmt(candidate)}), more than ${pct(check.maxDropRelative)}`,
          );
        }
        if (check.maxRise !== undefined && change > check.maxRise + EPSILON) {
          failures.push(
            `${name} rose ${fmt(change)} (${fmt(baseline)} -> ${fmt(candidate)}), more than ${check.maxRise}`,
          );
        }
        if (
          check.maxRiseRelative !== undefined &&
          candidate > baseline * (1 + check.maxRiseRelative) + EPSILON
        ) {
          failures.push(
            `${name} rose ${pct(change / Math.abs(baseline))} (${fmt(baseline)} -> ${fmt(candidate)}), more than ${pct(check.maxRiseRelative)}`,
          );
        }
      }
      break;
    }
    case 'diff': {
      if (evidence.kind !== 'diff') break;
      observed = { value: evidence.value };
      const name = check.slice ? `${check.measure} on slice ${check.slice}` : check.measure;
      if (evidence.value === null || Number.isNaN(evidence.value)) {
        failures.push(`${name} is not defined (no rows)`);
        break;
      }
      if (check.min !== undefined && evidence.value < check.min)
        failures.push(`${name} ${fmt(evidence.value)} < ${check.min}`);
      if (check.max !== undefined && evidence.value > check.max)
        failures.push(`${name} ${fmt(evidence.value)} > ${check.max}`);
      break;
    }
    case 'threshold': {
      if (evidence.kind !== 'threshold') break;
      observed = { rate: evidence.rate, up: evidence.up, down: evidence.down, n: evidence.n };
      if (check.maxCrossingRate !== undefined && evidence.rate > check.maxCrossingRate) {
        failures.push(
          `${fmt(evidence.rate)} of rows cross ${check.at} (${evidence.up} up, ${evidence.down} down), more than ${check.maxCrossingRate}`,
        );
      }
      if (check.maxUp !== undefined && evidence.up > check.maxUp)
        failures.push(`${evidence.up} rows cross ${check.at} upwards, more than ${check.maxUp}`);
      if (check.maxDown !== undefined && evidence.down > check.maxDown)
        failures.push(`${evidence.down} rows cross ${check.at} downwards, more than ${check.maxDown}`);
      break;
    }
    case 'invariance': {
      if (evidence.kind !== 'invariance') break;
      const rate = evidence.n === 0 ? 0 : evidence.flips / evidence.n;
      observed = { flip_rate: rate, flips: evidence.flips, n: evidence.n };
      if (rate > check.maxFlipRate) {
        failures.push(
          `${evidence.flips} of ${evidence.n} decisions changed (${pct(rate)}), more than ${pct(check.maxFlipRate)}`,
        );
      }
      break;
    }
    case 'direction': {
      if (evidence.kind !== 'direction') break;
      const rate = evidence.n === 0 ? 0 : evidence.violations / evidence.n;
      observed = {
        violations: evidence.violations,
        n: evidence.n,
        violation_rate: rate,
        worst: evidence.worst,
        by: evidence.by,
      };
      if (rate > check.maxViolationRate) {
        failures.push(
          `${evidence.violations} of ${evidence.n} rows moved the wrong way (worst by ${fmt(evidence.worst)}), more than ${pct(check.maxViolationRate)}`,
        );
      }
      break;
    }
    case 'range': {
      if (evidence.kind !== 'range') break;
      observed = { min: evidence.min, max: evidence.max, non_finite: evidence.nonFinite, n: evidence.n };
      if (evidence.nonFinite > 0) failures.push(`${evidence.nonFinite} values are NaN or infinite`);
      if (check.min !== undefined && evidence.min !== null && evidence.min < check.min)
        failures.push(`minimum ${fmt(evidence.min)} < ${check.min}`);
      if (check.max !== undefined && evidence.max !== null && evidence.max > check.max)
        failures.push(`maximum ${fmt(evidence.max)} > ${check.max}`);
      break;
    }
  }
  if (Object.keys(observed).length === 0 && failures.length === 0) {
    throw new Error(`evidence of kind '${evidence.kind}' does not fit a ${check.kind} check`);
  }
  return failures.length === 0
    ? { ...base, outcome: 'passed', detail: passedDetail(observed), observed }
    : { ...base, outcome: 'failed', detail: failures.join('; '), observed };
}

/**
 * Comparisons of floating-point metrics with a bound: a drop of exactly the allowed amount must
 * pass even when the subtraction lands a few ulps over.
 */
const EPSILON = 1e-12;

function passedDetail(observed: Record<string, number | null>): string {
  return Object.entries(observed)
    .filter(([, value]) => value !== null)
    .map(([key, value]) => `${key} ${fmt(value as number)}`)
    .join(', ');
}

function fmt(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

function pct(rate: number): string {
  return `${Number((rate * 100).toPrecision(4))}%`;
}
