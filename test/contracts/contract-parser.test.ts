import { describe, expect, it } from 'vitest';
import { parseContract } from '../../src/contracts/contract-parser.js';

const ISSUE_EXAMPLE = `dataset: holdout            # NAME[@VERSION]
where: "split = 'eval'"     # optional row filter
baseline: production        # alias whose version the candidate is compared with
protect: [production]       # aliases that move only to versions that pass
checks:
  - {metric: accuracy, min: 0.90}
  - {metric: recall, slice: seniors, min: 0.80}
  - {metric: accuracy, max_drop: 0.01}          # absolute, against the baseline
  - {metric: log_loss, max_rise_relative: 0.05}
  - {negative_flip_rate: {max: 0.01}}
  - {btc: {min: 0.98}}
  - {threshold: {output: probabilities, class: 1, at: 0.7, max_crossing_rate: 0.01, max_down: 5}}
  - {invariance: {column: fnlwgt, add: 1000, max_flip_rate: 0.0}}
  - {direction: {column: capital_gain, output: probabilities, class: 1, increasing: true, tolerance: 0.0}}
  - {range: {output: probabilities, min: 0, max: 1}}
`;

describe('contract files', () => {
  it('reads the issue example, every key', () => {
    const contract = parseContract(ISSUE_EXAMPLE);
    expect(contract).toMatchObject({
      dataset: { name: 'holdout', version: null },
      where: "split = 'eval'",
      baseline: 'production',
      protect: ['production'],
      identicalTolerance: 1e-6,
    });
    expect(contract.checks).toEqual([
      { kind: 'metric', line: 6, metric: 'accuracy', slice: null, min: 0.9 },
      { kind: 'metric', line: 7, metric: 'recall', slice: 'seniors', min: 0.8 },
      { kind: 'metric', line: 8, metric: 'accuracy', slice: null, maxDrop: 0.01 },
      { kind: 'metric', line: 9, metric: 'log_loss', slice: null, maxRiseRelative: 0.05 },
      { kind: 'diff', line: 10, measure: 'negative_flip_rate', slice: null, max: 0.01 },
      { kind: 'diff', line: 11, measure: 'btc', slice: null, min: 0.98 },
      {
        kind: 'threshold',
        line: 12,
        output: 'probabilities',
        classIndex: 1,
        at: 0.7,
        slice: null,
        maxCrossingRate: 0.01,
        maxDown: 5,
      },
      { kind: 'invariance', line: 13, column: 'fnlwgt', perturbation: { add: 1000 }, maxFlipRate: 0 },
      {
        kind: 'direction',
        line: 14,
        column: 'capital_gain',
        output: 'probabilities',
        classIndex: 1,
        increasing: true,
        tolerance: 0,
        by: null,
        maxViolationRate: 0,
      },
      { kind: 'range', line: 15, output: 'probabilities', min: 0, max: 1 },
    ]);
  });

  it('takes defaults: latest dataset version, no filter, production protected', () => {
    const contract = parseContract('dataset: iris@2\nchecks:\n  - {metric: accuracy, min: 0.5}\n');
    expect(contract).toMatchObject({
      dataset: { name: 'iris', version: 2 },
      where: null,
      baseline: null,
      protect: ['production'],
    });
  });

  it.each([
    [
      ISSUE_EXAMPLE.replace('accuracy, min: 0.90', 'acuracy, min: 0.90'),
      "contract: line 6, checks[0].metric: unknown metric 'acuracy'",
    ],
    [
      ISSUE_EXAMPLE.replace('{max: 0.01}}', '{max: high}}'),
      'contract: line 10, checks[4].negative_flip_rate.max: ',
    ],
    [ISSUE_EXAMPLE.replace('at: 0.7', 'at: 1.7'), 'contract: line 12, checks[6].threshold.at: '],
    [
      ISSUE_EXAMPLE.replace('add: 1000, ', ''),
      'contract: line 13, checks[7].invariance: give exactly one perturbation',
    ],
    [ISSUE_EXAMPLE.replace('baseline:', 'basline:'), "contract: line 1, top level: unknown key(s) 'basline'"],
    [
      `${ISSUE_EXAMPLE}  - {frobnicate: {x: 1}}\n`,
      "contract: line 16, checks[10].frobnicate: unknown check 'frobnicate'",
    ],
    [
      ISSUE_EXAMPLE.replace('{metric: accuracy, min: 0.90}', '{metric: accuracy}'),
      'contract: line 6, checks[0]: a metric check needs one of',
    ],
    ['dataset: [\n', 'contract: line 2: malformed YAML'],
    ['dataset: x\nchecks: []\n', 'contract: line 2, checks: a contract needs at least one check'],
    ['checks:\n  - {metric: accuracy, min: 1}\n', 'contract: '],
    [
      'dataset: x@v2\nchecks:\n  - {metric: accuracy, min: 1}\n',
      "contract: line 1, dataset: expected NAME or NAME@VERSION, got 'x@v2'",
    ],
  ])('says which line and key is wrong (%#)', (source, message) => {
    expect(() => parseContract(source)).toThrow(message);
  });
});
