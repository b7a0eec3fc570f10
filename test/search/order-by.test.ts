import { describe, expect, it } from 'vitest';
import type { OrderByClause } from '../../src/search/filter-ast.js';
import { parseExperimentsOrderBy } from '../../src/search/experiments-order-by.js';
import { parseModelVersionsOrderBy } from '../../src/search/model-versions-order-by.js';
import { parseRegisteredModelsOrderBy } from '../../src/search/registered-models-order-by.js';
import { parseRunsOrderBy } from '../../src/search/runs-order-by.js';
import { refusal } from './search-test-helpers.js';

const asc = (entity: OrderByClause['entity'], key: string): OrderByClause => ({
  entity,
  key,
  ascending: true,
});
const desc = (entity: OrderByClause['entity'], key: string): OrderByClause => ({
  entity,
  key,
  ascending: false,
});
const notParsed = (clause: string): string => `Invalid order_by clause '${clause}'. Could not be parsed.`;

const RUN_ORDER_KEYS =
  "'{'run_id', 'run_name', 'user_id', 'status', 'start_time', 'end_time', 'artifact_uri', 'created', 'Created'}'";

describe('parseRunsOrderBy (spec §3)', () => {
  const accepted: Array<[string[], OrderByClause[]]> = [
    [[], []],
    [['metrics.acc DESC'], [desc('metric', 'acc')]],
    [
      ['params.opt ASC', 'metrics.acc DESC'],
      [asc('parameter', 'opt'), desc('metric', 'acc')],
    ],
    [['metrics.loss ASC'], [asc('metric', 'loss')]],
    [['attributes.start_time ASC'], [asc('attribute', 'start_time')]],
    [['metrics.acc'], [asc('metric', 'acc')]],
    [['metrics.acc desc'], [desc('metric', 'acc')]],
    [['metrics.acc Asc'], [asc('metric', 'acc')]],
    [['metrics.acc\tDESC'], [desc('metric', 'acc')]],
    [['metrics.acc    DESC'], [desc('metric', 'acc')]],
    [['tags."my tag" DESC'], [desc('tag', 'my tag')]],
    [['tags.`my tag` DESC'], [desc('tag', 'my tag')]],
    [['tags.`my tag`'], [asc('tag', 'my tag')]],
    [['tags.mlflow.runName'], [asc('tag', 'mlflow.runName')]],
    [['created DESC'], [desc('attribute', 'start_time')]],
    [['Created'], [asc('attribute', 'start_time')]],
    [
      ['run_name', 'run_id DESC'],
      [asc('attribute', 'run_name'), desc('attribute', 'run_id')],
    ],
    [['`run`.status'], [asc('attribute', 'status')]],
    // with a direction MLflow continues with shlex's first word, quotes removed
    [['`metrics.a` DESC'], [desc('metric', 'a')]],
    [
      ['metrics.a', 'params.a', 'tags.a'],
      [asc('metric', 'a'), asc('parameter', 'a'), asc('tag', 'a')],
    ],
  ];
  it.each(accepted)('%j', (clauses, expected) => {
    expect(parseRunsOrderBy(clauses)).toEqual(expected);
  });

  const refused: Array<[string[], string]> = [
    [[' run_name ASC'], notParsed(' run_name ASC')],
    [['run_name ASC '], notParsed('run_name ASC ')],
    [[''], notParsed('')],
    [['metrics.x ASC, metrics.y'], notParsed('metrics.x ASC, metrics.y')],
    [['metrics.acc DESC blah'], notParsed('metrics.acc DESC blah')],
    [['metrics.acc ASC DESC'], notParsed('metrics.acc ASC DESC')],
    [['metrics.acc NULLS LAST'], notParsed('metrics.acc NULLS LAST')],
    [['metrics.acc DESC NULLS LAST'], notParsed('metrics.acc DESC NULLS LAST')],
    [['metrics.a-b DESC'], notParsed('metrics.a-b DESC')],
    [['params.from'], notParsed('params.from')],
    [['metrics.acc DESC; x'], notParsed('metrics.acc DESC; x')],
    [['metrics.acc BLAH'], "Invalid ordering key in order_by clause 'metrics.acc BLAH'."],
    [['Run name'], "Invalid ordering key in order_by clause 'Run name'."],
    [['timestamp'], `Invalid attribute key 'timestamp' specified. Valid keys are ${RUN_ORDER_KEYS}`],
    [['`Run name`'], `Invalid attribute key 'Run name' specified. Valid keys are ${RUN_ORDER_KEYS}`],
    [['experiment_id'], `Invalid attribute key 'experiment_id' specified. Valid keys are ${RUN_ORDER_KEYS}`],
    [
      ['bogus.x ASC'],
      "Invalid entity type 'bogus'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']",
    ],
    [
      ['`metrics.a`'],
      "Invalid entity type '`metrics'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']",
    ],
    [['datasets.name'], "Invalid identifier type 'dataset'"],
    [
      ['datasets.bogus'],
      "Invalid dataset key 'bogus' specified. Valid keys are '{'name', 'digest', 'context'}'",
    ],
    // MLflow 2.10.2 answers 500 for duplicates; Assay 400, same text
    [
      ['metrics.acc', 'metrics.acc DESC'],
      "`order_by` contains duplicate fields: ['metrics.acc', 'metrics.acc DESC']",
    ],
    [['metrics.acc', 'metric.acc'], "`order_by` contains duplicate fields: ['metrics.acc', 'metric.acc']"],
    [['start_time', 'created DESC'], "`order_by` contains duplicate fields: ['start_time', 'created DESC']"],
    [["tags.`it's`", "tag.`it's`"], '`order_by` contains duplicate fields: ["tags.`it\'s`", "tag.`it\'s`"]'],
  ];
  it.each(refused)('%j', (clauses, message) => {
    expect(refusal(() => parseRunsOrderBy(clauses))).toBe(message);
  });
});

describe('parseExperimentsOrderBy (spec §7.2)', () => {
  const accepted: Array<[string[], OrderByClause[]]> = [
    [[], []],
    [['name'], [asc('attribute', 'name')]],
    [['experiment_id DESC'], [desc('attribute', 'experiment_id')]],
    [
      ['creation_time desc', 'last_update_time'],
      [desc('attribute', 'creation_time'), asc('attribute', 'last_update_time')],
    ],
    [['attribute.name ASC'], [asc('attribute', 'name')]],
    [['`name`'], [asc('attribute', 'name')]],
    // no duplicate check in MLflow's experiments store
    [
      ['name', 'name DESC'],
      [asc('attribute', 'name'), desc('attribute', 'name')],
    ],
  ];
  it.each(accepted)('%j', (clauses, expected) => {
    expect(parseExperimentsOrderBy(clauses)).toEqual(expected);
  });

  const refused: Array<[string[], string]> = [
    [['tags.k'], 'Invalid order_by entity: tag'],
    [
      ['bogus'],
      "Invalid attribute key 'bogus' specified. Valid keys are '{'name', 'experiment_id', 'creation_time', 'last_update_time'}'",
    ],
    [
      ['attributes.name'],
      "Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')",
    ],
    [['name DESC blah'], notParsed('name DESC blah')],
    [['name foo'], "Invalid ordering key in order_by clause 'name foo'."],
  ];
  it.each(refused)('%j', (clauses, message) => {
    expect(refusal(() => parseExperimentsOrderBy(clauses))).toBe(message);
  });
});

describe('parseRegisteredModelsOrderBy (spec §5.2)', () => {
  const accepted: Array<[string[], OrderByClause[]]> = [
    [[], []],
    [['name'], [asc('attribute', 'name')]],
    [['name DESC'], [desc('attribute', 'name')]],
    [['timestamp'], [asc('attribute', 'last_updated_timestamp')]],
    [['timestamp  deSc'], [desc('attribute', 'last_updated_timestamp')]],
    [
      ['last_updated_timestamp DESC', 'name'],
      [desc('attribute', 'last_updated_timestamp'), asc('attribute', 'name')],
    ],
    // Assay extension (MLflow 2.10.2 refuses it)
    [['creation_timestamp DESC'], [desc('attribute', 'creation_timestamp')]],
  ];
  it.each(accepted)('%j', (clauses, expected) => {
    expect(parseRegisteredModelsOrderBy(clauses)).toEqual(expected);
  });

  const badKey = (key: string): string =>
    `Invalid order by key '${key}' specified. Valid keys are '{'name', 'timestamp'}'`;
  const refused: Array<[string[], string]> = [
    [['attribute.name'], badKey('attribute.name')],
    [['tags.k'], badKey('tags.k')],
    [['`name`'], badKey('`name`')],
    [['bogus'], badKey('bogus')],
    [['name DESC blah'], notParsed('name DESC blah')],
    [['name foo'], "Invalid ordering key in order_by clause 'name foo'."],
    [['timestamp foo'], notParsed('timestamp foo')],
    [
      ['timestamp', 'last_updated_timestamp'],
      "`order_by` contains duplicate fields: ['timestamp', 'last_updated_timestamp']",
    ],
    [['name', 'name'], "`order_by` contains duplicate fields: ['name', 'name']"],
  ];
  it.each(refused)('%j', (clauses, message) => {
    expect(refusal(() => parseRegisteredModelsOrderBy(clauses))).toBe(message);
  });
});

describe('parseModelVersionsOrderBy (spec §6.2)', () => {
  const accepted: Array<[string[], OrderByClause[]]> = [
    [[], []],
    [['name'], [asc('attribute', 'name')]],
    [['version_number DESC'], [desc('attribute', 'version_number')]],
    [
      ['creation_timestamp DESC', 'last_updated_timestamp'],
      [desc('attribute', 'creation_timestamp'), asc('attribute', 'last_updated_timestamp')],
    ],
    [['attribute.name'], [asc('attribute', 'name')]],
    [['`name` DESC'], [desc('attribute', 'name')]],
  ];
  it.each(accepted)('%j', (clauses, expected) => {
    expect(parseModelVersionsOrderBy(clauses)).toEqual(expected);
  });

  const MV_ORDER_KEYS = "{'name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'}";
  const refused: Array<[string[], string]> = [
    [['run_id'], `Invalid attribute key 'run_id' specified. Valid keys are '${MV_ORDER_KEYS}'`],
    [['timestamp'], `Invalid attribute key 'timestamp' specified. Valid keys are '${MV_ORDER_KEYS}'`],
    [['current_stage'], `Invalid attribute key 'current_stage' specified. Valid keys are '${MV_ORDER_KEYS}'`],
    [['tags.k'], `Invalid order by key 'k' specified. Valid keys are ${MV_ORDER_KEYS}`],
    [['version'], notParsed('version')],
    [['last_updated_timestamp DESC blah'], notParsed('last_updated_timestamp DESC blah')],
    [['name', 'name DESC'], "`order_by` contains duplicate fields: ['name', 'name DESC']"],
  ];
  it.each(refused)('%j', (clauses, message) => {
    expect(refusal(() => parseModelVersionsOrderBy(clauses))).toBe(message);
  });
});
