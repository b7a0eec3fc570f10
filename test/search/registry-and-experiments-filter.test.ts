import { describe, expect, it } from 'vitest';
import type { FilterNode } from '../../src/search/filter-ast.js';
import { parseExperimentsFilter } from '../../src/search/experiments-filter.js';
import { parseModelVersionsFilter } from '../../src/search/model-versions-filter.js';
import { parseRegisteredModelsFilter } from '../../src/search/registered-models-filter.js';
import { and, cmp, refusal } from './search-test-helpers.js';

const SHORT_ENTITIES = "Valid entity types are ('attribute', 'tag', 'tags')";
const STRING_ATTRIBUTE_SET = "{'!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}";
const NOT_QUOTED_SOMETHING =
  'Parameter value is either not quoted or unidentified quote types used for string value something. Use either single or double quotes.';
const STRING_OR_LIST =
  'Expected a quoted string value or a list of quoted string values for attributes. Got value ';
const ONLY_RUN_ID = "Only the 'run_id' attribute supports comparison with a list of quoted string values.";

describe('parseExperimentsFilter (spec §7.1)', () => {
  const accepted: Array<[string, FilterNode | null]> = [
    ['', null],
    ["name = 'a'", cmp('attribute', 'name', '=', 'a')],
    ["name LIKE 'gram%'", cmp('attribute', 'name', 'LIKE', 'gram%')],
    // MLflow 2.10.2 refuses lower-case comparators here (500); Assay is lenient
    ["name like 'a%'", cmp('attribute', 'name', 'LIKE', 'a%')],
    ["tags.k ilike 'a%'", cmp('tag', 'k', 'ILIKE', 'a%')],
    ["name ILIKE 'X%'", cmp('attribute', 'name', 'ILIKE', 'X%')],
    ["name != 'x'", cmp('attribute', 'name', '!=', 'x')],
    ["`name` = 'a'", cmp('attribute', 'name', '=', 'a')],
    ['"name" = \'a\'', cmp('attribute', 'name', '=', 'a')],
    ["attribute.name = 'a'", cmp('attribute', 'name', '=', 'a')],
    ['creation_time > 5', cmp('attribute', 'creation_time', '>', 5)],
    ['last_update_time <= 1.5', cmp('attribute', 'last_update_time', '<=', 1.5)],
    ["tags.x = 'y'", cmp('tag', 'x', '=', 'y')],
    ["tag.`a b` != 'y'", cmp('tag', 'a b', '!=', 'y')],
    [
      "name = 'a' and tags.x LIKE 'y%'",
      and(cmp('attribute', 'name', '=', 'a'), cmp('tag', 'x', 'LIKE', 'y%')),
    ],
  ];
  it.each(accepted)('%s', (filter, expected) => {
    expect(parseExperimentsFilter(filter)).toEqual(expected);
  });

  const refused: Array<[string, string]> = [
    ["attributes.name = 'a'", `Invalid entity type 'attributes'. ${SHORT_ENTITIES}`],
    ["attr.name = 'a'", `Invalid entity type 'attr'. ${SHORT_ENTITIES}`],
    ["run.name = 'a'", `Invalid entity type 'run'. ${SHORT_ENTITIES}`],
    ["params.k = 'a'", `Invalid entity type 'params'. ${SHORT_ENTITIES}`],
    ['metrics.k > 1', `Invalid entity type 'metrics'. ${SHORT_ENTITIES}`],
    ["`tags`.k = 'a'", `Invalid entity type '\`tags\`'. ${SHORT_ENTITIES}`],
    [
      "experiment_id = '1'",
      "Invalid attribute key 'experiment_id' specified. Valid keys are '{'name', 'creation_time', 'last_update_time'}'",
    ],
    [
      "lifecycle_stage = 'active'",
      "Invalid attribute key 'lifecycle_stage' specified. Valid keys are '{'name', 'creation_time', 'last_update_time'}'",
    ],
    ['name = 1', 'Expected a quoted string value for attributes. Got value 1'],
    ["creation_time = '5'", "Expected numeric value type for numeric attribute: creation_time. Found '5'"],
    ["name IN ('a')", ONLY_RUN_ID],
    ['tags.k = 1', "Expected a quoted string value for tag (e.g. 'my-value'). Got value 1"],
    // MLflow 2.10.2: 500 with '{comparator}' literally; Assay: 400 with the comparator
    ["name > 'a'", `Invalid comparator '>' not one of '${STRING_ATTRIBUTE_SET}'`],
    ['creation_time LIKE 5', `Invalid comparator 'LIKE' not one of '${STRING_ATTRIBUTE_SET}`],
    ["tags.k > 'a'", 'Invalid comparator for tag: >'],
    ["name = 'a' OR", 'Invalid clause(s) in filter string: OR'],
    ['name LIKE', 'Invalid clause(s) in filter string: name, LIKE'],
    ['evilhax = true', 'Invalid clause(s) in filter string: evilhax, =, true'],
    ["name = 'a' AND name IS NULL", 'Invalid clause(s) in filter string: name, IS, NULL'],
  ];
  it.each(refused)('%s', (filter, message) => {
    expect(refusal(() => parseExperimentsFilter(filter))).toBe(message);
  });
});

describe('parseRegisteredModelsFilter (spec §5.1)', () => {
  const accepted: Array<[string, FilterNode | null]> = [
    ['  ', null],
    ["name = 'a'", cmp('attribute', 'name', '=', 'a')],
    ["name LIKE 'model-%'", cmp('attribute', 'name', 'LIKE', 'model-%')],
    ["name ILIKE 'MODEL-%'", cmp('attribute', 'name', 'ILIKE', 'MODEL-%')],
    ["name iLike 'x'", cmp('attribute', 'name', 'ILIKE', 'x')],
    ['name = "a"', cmp('attribute', 'name', '=', 'a')],
    ["attribute.name != 'a'", cmp('attribute', 'name', '!=', 'a')],
    ["tags.owner = 'me'", cmp('tag', 'owner', '=', 'me')],
    ["tag.`my key` != 'x'", cmp('tag', 'my key', '!=', 'x')],
    ['tags."my key" like \'x%\'', cmp('tag', 'my key', 'LIKE', 'x%')],
  ];
  it.each(accepted)('%s', (filter, expected) => {
    expect(parseRegisteredModelsFilter(filter)).toEqual(expected);
  });

  const refused: Array<[string, string]> = [
    ["`name` = 'a'", "Invalid attribute key '`name`' specified. Valid keys are '{'name'}'"],
    ['"name" = \'a\'', "Invalid attribute key '\"name\"' specified. Valid keys are '{'name'}'"],
    ["run_id = 'a'", "Invalid attribute key 'run_id' specified. Valid keys are '{'name'}'"],
    ["source_path = 'a'", "Invalid attribute key 'source_path' specified. Valid keys are '{'name'}'"],
    [
      'creation_timestamp > 1',
      "Invalid attribute key 'creation_timestamp' specified. Valid keys are '{'name'}'",
    ],
    [
      'last_updated_timestamp > 1',
      "Invalid attribute key 'last_updated_timestamp' specified. Valid keys are '{'name'}'",
    ],
    ["attributes.name = 'a'", `Invalid entity type 'attributes'. ${SHORT_ENTITIES}`],
    ["params.a = 'a'", `Invalid entity type 'params'. ${SHORT_ENTITIES}`],
    ["run.name = 'a'", `Invalid entity type 'run'. ${SHORT_ENTITIES}`],
    ["name IN ('a')", ONLY_RUN_ID],
    ["name NOT IN ('a')", ONLY_RUN_ID],
    ['name = 1', `${STRING_OR_LIST}1`],
    ['name!=something', NOT_QUOTED_SOMETHING],
    ['tags.t = 1', "Expected a quoted string value for tag (e.g. 'my-value'). Got value 1"],
    ["name > 'a'", 'Invalid comparator for attribute: >'],
    ["tags.t < 'a'", 'Invalid comparator for tag: <'],
    ["name = 'x' OR", 'Invalid clause(s) in filter string: OR'],
    ['evilhax = true', 'Invalid clause(s) in filter string: evilhax, =, true'],
  ];
  it.each(refused)('%s', (filter, message) => {
    expect(refusal(() => parseRegisteredModelsFilter(filter))).toBe(message);
  });
});

describe('parseModelVersionsFilter (spec §6.1)', () => {
  const accepted: Array<[string, FilterNode | null]> = [
    ['and', null],
    ["name LIKE 'model-%'", cmp('attribute', 'name', 'LIKE', 'model-%')],
    ["name='model-smoke-1'", cmp('attribute', 'name', '=', 'model-smoke-1')],
    ["run_id = 'abc'", cmp('attribute', 'run_id', '=', 'abc')],
    ["run_id LIKE 'a%'", cmp('attribute', 'run_id', 'LIKE', 'a%')],
    ["run_id IN ('a','B')", cmp('attribute', 'run_id', 'IN', ['a', 'B'])],
    ["source_path = 'x'", cmp('attribute', 'source_path', '=', 'x')],
    ['version_number > 0', cmp('attribute', 'version_number', '>', 0)],
    ['version_number > 1.5', cmp('attribute', 'version_number', '>', 1.5)],
    // MLflow compares the text with the integer column; Assay takes numeric text as the number
    ["version_number = '2'", cmp('attribute', 'version_number', '=', 2)],
    ["tags.k = 'v'", cmp('tag', 'k', '=', 'v')],
    ["tags.`k` ilike 'v'", cmp('tag', 'k', 'ILIKE', 'v')],
  ];
  it.each(accepted)('%s', (filter, expected) => {
    expect(parseModelVersionsFilter(filter)).toEqual(expected);
  });

  const MV_KEYS = "'{'name', 'version_number', 'run_id', 'source_path'}'";
  const refused: Array<[string, string]> = [
    ["name IN ('a','b')", ONLY_RUN_ID],
    ["source_path IN ('a')", ONLY_RUN_ID],
    ['version_number IN (1,2)', ONLY_RUN_ID],
    [
      'run_id = 1',
      "Only the '{'version_number', 'creation_timestamp', 'last_updated_timestamp'}' attributes support comparison with numeric values.",
    ],
    ['run_id = NULL', `${STRING_OR_LIST}NULL`],
    [
      'creation_timestamp > 1',
      `Invalid attribute key 'creation_timestamp' specified. Valid keys are ${MV_KEYS}`,
    ],
    ["current_stage = 'x'", `Invalid attribute key 'current_stage' specified. Valid keys are ${MV_KEYS}`],
    ["`name` = 'x'", `Invalid attribute key '\`name\`' specified. Valid keys are ${MV_KEYS}`],
    [
      "version_number = 'abc'",
      "Expected numeric value type for numeric attribute: version_number. Found 'abc'",
    ],
    ["version_number LIKE '1'", 'Invalid comparator for attribute version_number: LIKE'],
    ["run_id NOT IN ('a')", 'Invalid comparator for attribute: NOT IN'],
    ["name > 'a'", 'Invalid comparator for attribute: >'],
    ["tags.k > 'a'", 'Invalid comparator for tag: >'],
    [
      'run_id IN (1,2,3)',
      'While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: (1,2,3)',
    ],
    [
      'run_id IN ()',
      'While parsing a list in the query, expected a non-empty list of string values, but got empty list',
    ],
    [
      'run_id IN (,)',
      'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.',
    ],
    [
      "run_id IN ('runid1',,'runid2')",
      'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.',
    ],
    ['run_id IN (', 'Invalid clause(s) in filter string: run_id, IN, ('],
    ['run_id IN', 'Invalid clause(s) in filter string: run_id, IN'],
    ['name LIKE', 'Invalid clause(s) in filter string: name, LIKE'],
  ];
  it.each(refused)('%s', (filter, message) => {
    expect(refusal(() => parseModelVersionsFilter(filter))).toBe(message);
  });
});
