import { describe, expect, it } from 'vitest';
import type { FilterNode } from '../../src/search/filter-ast.js';
import { parseRunsFilter } from '../../src/search/runs-filter.js';
import { and, cmp, refusal } from './search-test-helpers.js';

const RUN_KEYS =
  "'{'run_id', 'run_name', 'user_id', 'status', 'start_time', 'end_time', 'artifact_uri', 'created', 'Created', 'run name', 'Run name', 'Run Name'}'";
const ENTITIES = "Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']";
const NUMERIC_SET = "{'>', '>=', '!=', '=', '<', '<='}";
const STRING_SET = "{'!=', '=', 'LIKE', 'ILIKE'}";
const STRING_ATTRIBUTE_SET = "{'!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}";
const ILL_FORMED =
  'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.';
const DIFFERENT_TYPE =
  'While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ';
const notQuoted = (value: string): string =>
  `Parameter value is either not quoted or unidentified quote types used for string value ${value}. Use either single or double quotes.`;

describe('parseRunsFilter: no filter', () => {
  it.each([undefined, null, '', ' ', '\t \n', 'and', 'AND AND', ' and '])('%j -> null', (filter) => {
    expect(parseRunsFilter(filter)).toBeNull();
  });
});

describe('parseRunsFilter: accepted (spec §1, §2)', () => {
  const accepted: Array<[string, FilterNode]> = [
    // entities and prefixes
    ['metrics.acc > 0.5', cmp('metric', 'acc', '>', 0.5)],
    ['metric.acc >= 0.4', cmp('metric', 'acc', '>=', 0.4)],
    ["params.opt != 'adam'", cmp('parameter', 'opt', '!=', 'adam')],
    ["param.opt = 'adam'", cmp('parameter', 'opt', '=', 'adam')],
    ["parameter.opt = 'adam'", cmp('parameter', 'opt', '=', 'adam')],
    ["parameters.opt = 'adam'", cmp('parameter', 'opt', '=', 'adam')],
    ["tags.team = 'a'", cmp('tag', 'team', '=', 'a')],
    ["tag.team = 'a'", cmp('tag', 'team', '=', 'a')],
    ["attributes.status = 'RUNNING'", cmp('attribute', 'status', '=', 'RUNNING')],
    ["attribute.status = 'RUNNING'", cmp('attribute', 'status', '=', 'RUNNING')],
    ["attr.user_id = 'u'", cmp('attribute', 'user_id', '=', 'u')],
    ["run.status = 'FAILED'", cmp('attribute', 'status', '=', 'FAILED')],
    ["datasets.name = 'd'", cmp('dataset', 'name', '=', 'd')],
    ["dataset.digest = 'abc'", cmp('dataset', 'digest', '=', 'abc')],
    ["datasets.context LIKE 'train%'", cmp('dataset', 'context', 'LIKE', 'train%')],
    // attributes and aliases
    ["run_name LIKE 'run-%'", cmp('attribute', 'run_name', 'LIKE', 'run-%')],
    ["attributes.run_name = 'run-1'", cmp('attribute', 'run_name', '=', 'run-1')],
    ["`Run name` = 'x'", cmp('attribute', 'run_name', '=', 'x')],
    ['"Run Name" = \'x\'', cmp('attribute', 'run_name', '=', 'x')],
    ["attributes.`run name` = 'x'", cmp('attribute', 'run_name', '=', 'x')],
    ['attributes."Run name" = \'x\'', cmp('attribute', 'run_name', '=', 'x')],
    ['created > 5', cmp('attribute', 'start_time', '>', 5)],
    ['Created <= 5', cmp('attribute', 'start_time', '<=', 5)],
    ['attributes.start_time > 1002', cmp('attribute', 'start_time', '>', 1002)],
    ['end_time != 1.5', cmp('attribute', 'end_time', '!=', 1.5)],
    ["artifact_uri = 'x'", cmp('attribute', 'artifact_uri', '=', 'x')],
    ['status = "FINISHED"', cmp('attribute', 'status', '=', 'FINISHED')],
    ["run_id ILIKE 'AB%'", cmp('attribute', 'run_id', 'ILIKE', 'AB%')],
    // comparators are upper-cased
    ["params.a like 'x%'", cmp('parameter', 'a', 'LIKE', 'x%')],
    ["params.a iLike 'x%'", cmp('parameter', 'a', 'ILIKE', 'x%')],
    ["params.opt ILIKE 'AD%'", cmp('parameter', 'opt', 'ILIKE', 'AD%')],
    // IN / NOT IN: every item kept (MLflow drops items that are not lower case)
    ["attributes.run_id IN ('x', 'y')", cmp('attribute', 'run_id', 'IN', ['x', 'y'])],
    ["run_id in ('x')", cmp('attribute', 'run_id', 'IN', ['x'])],
    ["run_id NOT IN ('a','b')", cmp('attribute', 'run_id', 'NOT IN', ['a', 'b'])],
    ["run_id not  in ('a','b',)", cmp('attribute', 'run_id', 'NOT IN', ['a', 'b'])],
    ["run_id IN ('A','b')", cmp('attribute', 'run_id', 'IN', ['A', 'b'])],
    ["run_id IN ('123')", cmp('attribute', 'run_id', 'IN', ['123'])],
    ["run_id IN ('a' , 'b')", cmp('attribute', 'run_id', 'IN', ['a', 'b'])],
    ["datasets.name IN ('MyData')", cmp('dataset', 'name', 'IN', ['MyData'])],
    ["dataset.digest NOT IN ('a', 'b')", cmp('dataset', 'digest', 'NOT IN', ['a', 'b'])],
    // list items are Python literals (ast.literal_eval), unlike other values
    ["run_id IN ('it''s')", cmp('attribute', 'run_id', 'IN', ['its'])],
    ["run_id IN ('a\\'b', 'c\\nd')", cmp('attribute', 'run_id', 'IN', ["a'b", 'c\nd'])],
    // numbers
    ['metrics.a = 1', cmp('metric', 'a', '=', 1)],
    ['metrics.a = -1', cmp('metric', 'a', '=', -1)],
    ['metrics.a = 0.5', cmp('metric', 'a', '=', 0.5)],
    ['metrics.a = .5', cmp('metric', 'a', '=', 0.5)],
    ['metrics.a = 5.', cmp('metric', 'a', '=', 5)],
    ['metrics.a = 1e5', cmp('metric', 'a', '=', 100000)],
    ['metrics.a = 1.5e-3', cmp('metric', 'a', '=', 0.0015)],
    ['metrics.a = -1.5', cmp('metric', 'a', '=', -1.5)],
    ['metrics.a>-1', cmp('metric', 'a', '>', -1)],
    // keys
    ["tags.mlflow.runName = 'x'", cmp('tag', 'mlflow.runName', '=', 'x')],
    ["tags.`mlflow.note.content` = 'n'", cmp('tag', 'mlflow.note.content', '=', 'n')],
    ['params."my.param" = \'3\'', cmp('parameter', 'my.param', '=', '3')],
    ["tags.`my tag` = 'v'", cmp('tag', 'my tag', '=', 'v')],
    ['tags."my tag" = \'v\'', cmp('tag', 'my tag', '=', 'v')],
    ['metrics.`a``b` > 1', cmp('metric', 'a``b', '>', 1)],
    ['metrics."a""b" > 1', cmp('metric', 'a""b', '>', 1)],
    ['metrics."a.b" > 1', cmp('metric', 'a.b', '>', 1)],
    ['metrics.é > 1', cmp('metric', 'é', '>', 1)],
    ['metrics.1abc > 1', cmp('metric', '1abc', '>', 1)],
    ['metrics. a > 1', cmp('metric', ' a', '>', 1)],
    ["`tags`.t = 'v'", cmp('tag', 't', '=', 'v')],
    ["`params`.`a` = 'v'", cmp('parameter', 'a', '=', 'v')],
    ...[
      'select',
      'order',
      'group',
      'table',
      'key',
      'value',
      'version',
      'and',
      'or',
      'not',
      'null',
      'like',
    ].map((key): [string, FilterNode] => [`params.${key} = 'x'`, cmp('parameter', key, '=', 'x')]),
    // string values are taken as written: no unescaping
    ["params.a = 'it''s'", cmp('parameter', 'a', '=', "it''s")],
    ["params.a = 'x\\'y'", cmp('parameter', 'a', '=', "x\\'y")],
    ['params.a = "x\'y"', cmp('parameter', 'a', '=', "x'y")],
    ['params.a LIKE "x%"', cmp('parameter', 'a', 'LIKE', 'x%')],
    ["tags.t = ''", cmp('tag', 't', '=', '')],
    // whitespace is free
    ["params.a='x'", cmp('parameter', 'a', '=', 'x')],
    ['metrics.acc>1', cmp('metric', 'acc', '>', 1)],
    ['  metrics.acc \t >\t\t1  ', cmp('metric', 'acc', '>', 1)],
  ];
  it.each(accepted)('%s', (filter, expected) => {
    expect(parseRunsFilter(filter)).toEqual(expected);
  });
});

describe('parseRunsFilter: AND as MLflow tolerates it', () => {
  const two = and(cmp('metric', 'acc', '>', 0.5), cmp('parameter', 'a', '=', 'x'));
  it.each([
    "metric.acc > 0.5 and params.a = 'x'",
    "metrics.acc > 0.5 AND params.a = 'x' and",
    "and metrics.acc > 0.5 AnD params.a = 'x'",
    "metrics.acc > 0.5 and and params.a = 'x'",
    "metrics.acc > 0.5 params.a = 'x'",
  ])('%s', (filter) => {
    expect(parseRunsFilter(filter)).toEqual(two);
  });
  it('keeps a single clause with a trailing AND as that clause', () => {
    expect(parseRunsFilter('metrics.acc > 0.5 and')).toEqual(cmp('metric', 'acc', '>', 0.5));
  });
});

describe('parseRunsFilter: refused with MLflow messages', () => {
  const refused: Array<[string, string]> = [
    // invalid clauses (runs quote each one)
    ['metrics.acc >', "Invalid clause(s) in filter string: 'metrics.acc', '>'"],
    ['metrics.acc', "Invalid clause(s) in filter string: 'metrics.acc'"],
    ['NOT metrics.acc > 1', "Invalid clause(s) in filter string: 'NOT'"],
    ['metrics.acc BETWEEN 1 AND 2', "Invalid clause(s) in filter string: 'metrics.acc', 'BETWEEN', '1', '2'"],
    ['params.a IS NULL', "Invalid clause(s) in filter string: 'params.a', 'IS', 'NULL'"],
    ['metrics.acc IS NULL', "Invalid clause(s) in filter string: 'metrics.acc', 'IS', 'NULL'"],
    ["params.a = 'x' 'y'", "Invalid clause(s) in filter string: ''y''"],
    ["tags.a = 'x' -- comment", "Invalid clause(s) in filter string: '-- comment'"],
    ["tags.a = 'x' /* c */", "Invalid clause(s) in filter string: '/* c */'"],
    ['metrics.a > 1;', "Invalid clause(s) in filter string: ';'"],
    ['metrics.a$b > 1', "Invalid clause(s) in filter string: 'metrics.a', '$'"],
    ['metrics.a b > 1', "Invalid clause(s) in filter string: 'metrics.a'"],
    ["params.from = 'x'", "Invalid clause(s) in filter string: 'params.', 'from', '=', ''x''"],
    ["params.in = 'x'", "Invalid clause(s) in filter string: 'params.', 'in', '=', ''x''"],
    ["tags.'my tag' = 'v'", "Invalid clause(s) in filter string: 'tags.'"],
    ['metrics.a ! = 1', "Invalid clause(s) in filter string: 'metrics.a', '!', '=', '1'"],
    ['metrics.acc = +1', "Invalid clause(s) in filter string: 'metrics.acc', '=', '+', '1'"],
    ['metrics.acc = - 1', "Invalid clause(s) in filter string: 'metrics.acc', '=', '-', '1'"],
    ['metrics.acc = 0x10', "Invalid clause(s) in filter string: 'metrics.acc', '=', '0x10'"],
    ['run_id IN', "Invalid clause(s) in filter string: 'run_id', 'IN'"],
    ['attributes.run_id IN', "Invalid clause(s) in filter string: 'attributes.run_id', 'IN'"],
    ['run_id IN (', "Invalid clause(s) in filter string: 'run_id', 'IN', '('"],
    ["run_id IN ('a'", "Invalid clause(s) in filter string: 'run_id', 'IN', '(', ''a''"],
    ["run_id IN 'a'", "Invalid clause(s) in filter string: 'run_id', 'IN', ''a''"],
    ['params.a IS NOT NULL', "Invalid clause(s) in filter string: 'params.a', 'IS', 'NOT NULL'"],
    [
      "metrics.acc > 0.5; params.a = 'x'",
      "Search filter contained multiple expression 'metrics.acc > 0.5; params.a = 'x''. Provide AND-ed expression list.",
    ],
    // comparisons sqlparse builds but MLflow refuses
    ['metrics.a-b > 1', "Invalid comparison clause. Expected 'Identifier' found 'metrics.a-b'"],
    ['metrics.a/b > 1', "Invalid comparison clause. Expected 'Identifier' found 'metrics.a/b'"],
    ['metrics.a@b > 1', "Invalid comparison clause. Expected 'Identifier' found 'metrics.a@b'"],
    ["'a' = params.b", "Invalid comparison clause. Expected 'Identifier' found ''a''"],
    // entities and keys
    ["bogus.a = 'x'", `Invalid entity type 'bogus'. ${ENTITIES}`],
    ['METRICS.a > 1', `Invalid entity type 'METRICS'. ${ENTITIES}`],
    ['Metrics.a > 1', `Invalid entity type 'Metrics'. ${ENTITIES}`],
    ["TAGS.a = 'x'", `Invalid entity type 'TAGS'. ${ENTITIES}`],
    ['"metrics".a > 1', `Invalid entity type '"metrics"'. ${ENTITIES}`],
    ['"metrics.a" > 1', `Invalid entity type '"metrics'. ${ENTITIES}`],
    ['`metrics.a` > 1', `Invalid entity type '\`metrics'. ${ENTITIES}`],
    ['metrics .a > 1', `Invalid entity type 'metrics '. ${ENTITIES}`],
    ['acc > 0.5', `Invalid attribute key 'acc' specified. Valid keys are ${RUN_KEYS}`],
    ["attributes.STATUS = 'x'", `Invalid attribute key 'STATUS' specified. Valid keys are ${RUN_KEYS}`],
    [
      "attributes.lifecycle_stage = 'x'",
      `Invalid attribute key 'lifecycle_stage' specified. Valid keys are ${RUN_KEYS}`,
    ],
    ["experiment_id = '1'", `Invalid attribute key 'experiment_id' specified. Valid keys are ${RUN_KEYS}`],
    [
      "datasets.bogus = 'x'",
      "Invalid dataset key 'bogus' specified. Valid keys are '{'name', 'digest', 'context'}'",
    ],
    // values
    ["metrics.acc > 'a'", "Expected numeric value type for metric. Found 'a'"],
    ["metrics.acc = '1'", "Expected numeric value type for metric. Found '1'"],
    ['metrics.acc = "1"', 'Expected numeric value type for metric. Found "1"'],
    ['metrics.acc = 1_000', 'Expected numeric value type for metric. Found 1_000'],
    ['metrics.acc = 1e', 'Expected numeric value type for metric. Found 1e'],
    ['metrics.acc = inf', 'Expected numeric value type for metric. Found inf'],
    ['metrics.acc = NaN', 'Expected numeric value type for metric. Found NaN'],
    ['metrics.acc IN (1,2)', 'Expected numeric value type for metric. Found (1,2)'],
    [
      "params.opt IN ('adam')",
      "Expected a quoted string value for parameter (e.g. 'my-value'). Got value ('adam')",
    ],
    ['params.a = 1', "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 1"],
    ['params.a = NULL', "Expected a quoted string value for parameter (e.g. 'my-value'). Got value NULL"],
    ['tags.a = 1', "Expected a quoted string value for tag (e.g. 'my-value'). Got value 1"],
    ['tags.team = a', notQuoted('a')],
    ['params.a = `x`', notQuoted('`x`')],
    ['status = FINISHED', notQuoted('FINISHED')],
    [
      "attributes.status IN ('FINISHED','FAILED')",
      "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
    ],
    [
      'attributes.start_time IN (1)',
      'Expected numeric value type for numeric attribute: start_time. Found (1)',
    ],
    ["created = 'x'", "Expected numeric value type for numeric attribute: created. Found 'x'"],
    ['status = 1', 'Expected a quoted string value for attributes. Got value 1'],
    ['datasets.name = 1', 'Expected a quoted string value for dataset attributes. Got value 1'],
    // lists
    [
      'run_id IN ()',
      'While parsing a list in the query, expected a non-empty list of string values, but got empty list',
    ],
    ['run_id IN (1,2)', `${DIFFERENT_TYPE}(1,2)`],
    ['run_id IN ("a","b")', `${DIFFERENT_TYPE}("a","b")`],
    ['run_id IN (\'a\', "b")', `${DIFFERENT_TYPE}('a', "b")`],
    ["run_id IN ('a',\n'b')", `${DIFFERENT_TYPE}('a',\n'b')`],
    ['run_id IN (,)', ILL_FORMED],
    ["run_id IN ('a',,'b')", ILL_FORMED],
    ["run_id IN ('a' 'b')", ILL_FORMED],
    ["run_id IN ('a';'b')", ILL_FORMED],
    ["run_id IN (('a'))", ILL_FORMED],
    ["run_id IN ( 'a' , 'b' )", ILL_FORMED],
    ["run_id IN ('a\\x4')", ILL_FORMED],
    // comparators (checked after every key and value)
    ['metrics.acc LIKE 1', `Invalid comparator 'LIKE' not one of '${NUMERIC_SET}`],
    ['metrics.acc == 1', `Invalid comparator '==' not one of '${NUMERIC_SET}`],
    ['metrics.acc >>> 1', `Invalid comparator '>>>' not one of '${NUMERIC_SET}`],
    ['metrics.acc <> 1', `Invalid comparator '<>' not one of '${NUMERIC_SET}`],
    ['metrics.acc => 1', `Invalid comparator '=>' not one of '${NUMERIC_SET}`],
    ['metrics.acc ~ 1', `Invalid comparator '~' not one of '${NUMERIC_SET}`],
    ["params.a > 'x'", `Invalid comparator '>' not one of '${STRING_SET}'`],
    ["params.a NOT LIKE 'x%'", `Invalid comparator 'NOT LIKE' not one of '${STRING_SET}'`],
    ["params.a regexp 'x'", `Invalid comparator 'REGEXP' not one of '${STRING_SET}'`],
    ["tags.a > 'x'", `Invalid comparator '>' not one of '${STRING_SET}`],
    // MLflow 2.10.2: 500 with the literal text '{comparator}'; Assay: 400 with the comparator
    ["attributes.status > 'x'", `Invalid comparator '>' not one of '${STRING_ATTRIBUTE_SET}'`],
    ["`Run name` > 'x'", `Invalid comparator '>' not one of '${STRING_ATTRIBUTE_SET}'`],
    ['attributes.start_time LIKE 0', `Invalid comparator 'LIKE' not one of '${STRING_ATTRIBUTE_SET}`],
    ['created LIKE 0', `Invalid comparator 'LIKE' not one of '${STRING_ATTRIBUTE_SET}`],
    ["datasets.name > 'x'", `Invalid comparator '>' not one of '${STRING_ATTRIBUTE_SET}`],
    // a list only goes with IN / NOT IN (MLflow fails in SQL)
    [
      "run_id = ('a')",
      "Invalid comparator '=' for a list of quoted string values. Only 'IN' and 'NOT IN' take a list.",
    ],
    // MLflow checks every key and value before any comparator
    [
      'metrics.a LIKE 1 AND params.b = 1',
      "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 1",
    ],
    // and reports every invalid clause at once, before any key
    ['bogus.a = 1 AND metrics.b IS NULL', "Invalid clause(s) in filter string: 'metrics.b', 'IS', 'NULL'"],
  ];
  it.each(refused)('%s', (filter, message) => {
    expect(refusal(() => parseRunsFilter(filter))).toBe(message);
  });
});
