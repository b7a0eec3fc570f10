import { describe, expect, it } from 'vitest';
import type { FilterNode } from '../../src/search/filter-ast.js';
import { parseExperimentsFilter } from '../../src/search/experiments-filter.js';
import { parseModelVersionsFilter } from '../../src/search/model-versions-filter.js';
import { parseRegisteredModelsFilter } from '../../src/search/registered-models-filter.js';
import { parseRunsFilter } from '../../src/search/runs-filter.js';
import { and, cmp, or, refusal } from './search-test-helpers.js';

// Assay's extension: OR (any case) and parentheses, AND binding tighter than OR.
const a = cmp('metric', 'a', '>', 1);
const b = cmp('metric', 'b', '>', 2);
const c = cmp('metric', 'c', '>', 3);
const d = cmp('metric', 'd', '>', 4);

describe('OR and parentheses in run filters', () => {
  const cases: Array<[string, FilterNode]> = [
    ['metrics.a > 1 OR metrics.b > 2', or(a, b)],
    ['metrics.a > 1 or metrics.b > 2', or(a, b)],
    ['metrics.a > 1 Or metrics.b > 2', or(a, b)],
    ['metrics.a > 1 OR metrics.b > 2 AND metrics.c > 3', or(a, and(b, c))],
    ['metrics.a > 1 AND metrics.b > 2 OR metrics.c > 3', or(and(a, b), c)],
    ['metrics.a > 1 AND metrics.b > 2 OR metrics.c > 3 AND metrics.d > 4', or(and(a, b), and(c, d))],
    ['(metrics.a > 1 OR metrics.b > 2) AND metrics.c > 3', and(or(a, b), c)],
    ['metrics.a > 1 AND (metrics.b > 2 OR metrics.c > 3)', and(a, or(b, c))],
    ['(metrics.a > 1)', a],
    ['((metrics.a > 1))', a],
    ['( metrics.a > 1 AND metrics.b > 2 ) AND metrics.c > 3', and(a, b, c)],
    ['metrics.a > 1 OR (metrics.b > 2 OR metrics.c > 3)', or(a, b, c)],
    ['(metrics.a > 1) (metrics.b > 2)', and(a, b)],
    ['metrics.a > 1 metrics.b > 2 OR metrics.c > 3', or(and(a, b), c)],
    ['(metrics.a > 1 AND) OR metrics.b > 2', or(a, b)],
    ['(metrics.a>1)OR(metrics.b>2)', or(a, b)],
    // AND stays as forgiving as in MLflow, also next to OR
    ['metrics.a > 1 OR AND metrics.b > 2 AND', or(a, b)],
    [
      "(params.p = 'x' OR tags.t LIKE 'y%') AND run_id IN ('r1', 'r2')",
      and(
        or(cmp('parameter', 'p', '=', 'x'), cmp('tag', 't', 'LIKE', 'y%')),
        cmp('attribute', 'run_id', 'IN', ['r1', 'r2']),
      ),
    ],
  ];
  it.each(cases)('%s', (filter, expected) => {
    expect(parseRunsFilter(filter)).toEqual(expected);
  });

  const refused: Array<[string, string]> = [
    ['metrics.a > 1 OR', "Invalid clause(s) in filter string: 'OR'"],
    ['OR metrics.a > 1', "Invalid clause(s) in filter string: 'OR'"],
    ['metrics.a > 1 OR OR metrics.b > 2', "Invalid clause(s) in filter string: 'OR'"],
    ['metrics.a > 1 OR metrics.b IS NULL', "Invalid clause(s) in filter string: 'metrics.b', 'IS', 'NULL'"],
    ['OR', "Invalid clause(s) in filter string: 'OR'"],
    ['()', "Invalid clause(s) in filter string: '()'"],
    ['metrics.a > 1 AND ( and )', "Invalid clause(s) in filter string: '( and )'"],
    ['(metrics.a > 1', "Invalid clause(s) in filter string: '('"],
    ['metrics.a > 1)', "Invalid clause(s) in filter string: ')'"],
    ['(metrics.a > 1 OR)', "Invalid clause(s) in filter string: 'OR'"],
    ['NOT (metrics.a > 1)', "Invalid clause(s) in filter string: 'NOT'"],
    ['(metrics.a IS NULL) OR metrics.b > 2', "Invalid clause(s) in filter string: 'metrics.a', 'IS', 'NULL'"],
    ["(metrics.a > 'x') OR metrics.b > 2", "Expected numeric value type for metric. Found 'x'"],
    [
      'metrics.b > 2 OR (metrics.a LIKE 1)',
      "Invalid comparator 'LIKE' not one of '{'>', '>=', '!=', '=', '<', '<='}",
    ],
  ];
  it.each(refused)('%s', (filter, message) => {
    expect(refusal(() => parseRunsFilter(filter))).toBe(message);
  });
});

describe('OR and parentheses in the other search kinds', () => {
  const name = (value: string): FilterNode => cmp('attribute', 'name', '=', value);
  it('experiments', () => {
    expect(parseExperimentsFilter("name = 'a' OR (name = 'b' AND tags.t = 'v')")).toEqual(
      or(name('a'), and(name('b'), cmp('tag', 't', '=', 'v'))),
    );
    expect(refusal(() => parseExperimentsFilter("name = 'a' OR"))).toBe(
      'Invalid clause(s) in filter string: OR',
    );
  });
  it('registered models', () => {
    expect(parseRegisteredModelsFilter("name = 'x' OR name = 'y'")).toEqual(or(name('x'), name('y')));
    expect(refusal(() => parseRegisteredModelsFilter("(name = 'x'"))).toBe(
      'Invalid clause(s) in filter string: (',
    );
  });
  it('model versions', () => {
    expect(parseModelVersionsFilter("(name = 'x' OR name = 'y') AND version_number > 1")).toEqual(
      and(or(name('x'), name('y')), cmp('attribute', 'version_number', '>', 1)),
    );
    expect(refusal(() => parseModelVersionsFilter("or name = 'x'"))).toBe(
      'Invalid clause(s) in filter string: or',
    );
  });
});
