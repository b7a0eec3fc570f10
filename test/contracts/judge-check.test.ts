import { describe, expect, it } from 'vitest';
import type { ContractCheck } from '../../src/contracts/contract-definition.js';
import { judgeCheck } from '../../src/contracts/judge-check.js';
import { decideVerdict, suggestVersionLabel } from '../../src/contracts/verdict.js';

const metric = (extra: Partial<ContractCheck & { kind: 'metric' }>): ContractCheck => ({
  kind: 'metric',
  line: 1,
  metric: 'accuracy',
  slice: null,
  ...extra,
});

describe('judging checks', () => {
  it.each([
    [metric({ min: 0.9 }), { kind: 'metric', candidate: 0.95, baseline: null }, 'passed', 'value 0.95'],
    [
      metric({ min: 0.9 }),
      { kind: 'metric', candidate: 0.85, baseline: null },
      'failed',
      'accuracy 0.85 < 0.9',
    ],
    [
      metric({ slice: 'seniors', metric: 'recall', min: 0.8 }),
      { kind: 'metric', candidate: 0.7612, baseline: null },
      'failed',
      'recall on slice seniors 0.7612 < 0.8',
    ],
    [
      metric({ maxDrop: 0.01 }),
      { kind: 'metric', candidate: 0.95, baseline: 0.96 },
      'passed',
      'change -0.01',
    ],
    [
      metric({ maxDrop: 0.01 }),
      { kind: 'metric', candidate: 0.94, baseline: 0.96 },
      'failed',
      'accuracy dropped 0.02 (0.96 -> 0.94), more than 0.01',
    ],
    [
      metric({ metric: 'log_loss', maxRiseRelative: 0.05 }),
      { kind: 'metric', candidate: 0.21, baseline: 0.2 },
      'passed',
      'value 0.21',
    ],
    [
      metric({ metric: 'log_loss', maxRiseRelative: 0.05 }),
      { kind: 'metric', candidate: 0.22, baseline: 0.2 },
      'failed',
      'log_loss rose 10% (0.2 -> 0.22), more than 5%',
    ],
    [metric({ maxDrop: 0.01 }), { kind: 'no-baseline' }, 'skipped', 'no baseline to compare with'],
    [
      { kind: 'diff', line: 1, measure: 'negative_flip_rate', slice: null, max: 0.01 },
      { kind: 'diff', value: 0.0219 },
      'failed',
      'negative_flip_rate 0.0219 > 0.01',
    ],
    [
      { kind: 'diff', line: 1, measure: 'btc', slice: null, min: 0.98 },
      { kind: 'diff', value: 0.99 },
      'passed',
      'value 0.99',
    ],
    [
      {
        kind: 'threshold',
        line: 1,
        output: 'probabilities',
        classIndex: 1,
        at: 0.7,
        slice: null,
        maxCrossingRate: 0.01,
        maxDown: 5,
      },
      { kind: 'threshold', rate: 0.0307, up: 4, down: 3, n: 228 },
      'failed',
      '0.0307 of rows cross 0.7 (4 up, 3 down), more than 0.01',
    ],
    [
      { kind: 'invariance', line: 1, column: 'x', perturbation: { add: 1000 }, maxFlipRate: 0 },
      { kind: 'invariance', flips: 2, n: 200 },
      'failed',
      '2 of 200 decisions changed (1%), more than 0%',
    ],
    [
      {
        kind: 'direction',
        line: 1,
        column: 'x',
        output: 'probabilities',
        classIndex: 1,
        increasing: true,
        tolerance: 0,
        by: null,
        maxViolationRate: 0,
      },
      { kind: 'direction', violations: 0, n: 100, worst: 0, by: 2.5 },
      'passed',
      'violations 0, n 100',
    ],
    [
      { kind: 'range', line: 1, output: 'probabilities', min: 0, max: 1 },
      { kind: 'range', min: 0, max: 1.2, nonFinite: 1, n: 10 },
      'failed',
      '1 values are NaN or infinite; maximum 1.2 > 1',
    ],
  ] as const)('%#: %s', (check, evidence, outcome, detail) => {
    const result = judgeCheck(check as ContractCheck, evidence);
    expect(result.outcome).toBe(outcome);
    expect(result.detail).toContain(detail);
  });

  it('decides the verdict and the version label', () => {
    const passed = { check: 'c', line: 1, outcome: 'passed', detail: '', observed: {} } as const;
    const failed = { ...passed, outcome: 'failed' } as const;
    expect(decideVerdict([passed], { decisionChanges: 0, maxAbsOutputDelta: 0 }, 1e-6)).toBe('identical');
    expect(decideVerdict([passed], { decisionChanges: 0, maxAbsOutputDelta: 0.01 }, 1e-6)).toBe('compatible');
    expect(decideVerdict([passed], null, 1e-6)).toBe('compatible');
    expect(decideVerdict([passed, failed], { decisionChanges: 0, maxAbsOutputDelta: 0 }, 1e-6)).toBe(
      'incompatible',
    );
    expect(suggestVersionLabel('identical', false)).toBe('patch');
    expect(suggestVersionLabel('compatible', false)).toBe('minor');
    expect(suggestVersionLabel('compatible', true)).toBe('major');
    expect(suggestVersionLabel('incompatible', false)).toBe('major');
  });
});
