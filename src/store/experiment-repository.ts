import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Comparison, FilterNode, OrderByClause } from '../search/filter-ast.js';
import type { Experiment, KeyValue, LifecycleStage } from '../tracking/entities.js';
import type { Dialect } from './database.js';
import type { Executor } from './executor.js';
import type { ExperimentsTable, Schema } from './schema.js';
import { binaryText, likeExpression } from './search-sql.js';

type ExperimentRow = Omit<ExperimentsTable, 'experiment_id'> & { experiment_id: number };

export interface NewExperiment {
  name: string;
  artifactLocation: string | null;
  creationTime: number;
  tags: readonly KeyValue[];
}

export interface ExperimentSearchQuery {
  stages: readonly LifecycleStage[];
  filter: FilterNode | null;
  orderBy: readonly OrderByClause[];
  offset: number;
  limit: number;
}

/** SQL for experiments and their tags. */
export class ExperimentRepository {
  constructor(private readonly dialect: Dialect) {}

  /** Inserts the experiment; an empty artifact location becomes `defaultLocation(id)`. Returns the id. */
  async insert(
    db: Executor,
    experiment: NewExperiment,
    defaultLocation: (id: number) => string,
  ): Promise<number> {
    const { experiment_id: id } = await db
      .insertInto('experiments')
      .values({
        name: experiment.name,
        artifact_location: experiment.artifactLocation ?? '',
        lifecycle_stage: 'active',
        creation_time: experiment.creationTime,
        last_update_time: experiment.creationTime,
      })
      .returning('experiment_id')
      .executeTakeFirstOrThrow();
    if (experiment.artifactLocation === null) {
      await db
        .updateTable('experiments')
        .set({ artifact_location: defaultLocation(Number(id)) })
        .where('experiment_id', '=', id)
        .execute();
    }
    if (experiment.tags.length > 0) {
      await db
        .insertInto('experiment_tags')
        .values(experiment.tags.map((tag) => ({ experiment_id: Number(id), key: tag.key, value: tag.value })))
        .execute();
    }
    return Number(id);
  }

  async findById(db: Executor, id: number): Promise<Experiment | undefined> {
    const row = await db
      .selectFrom('experiments')
      .selectAll()
      .where('experiment_id', '=', id)
      .executeTakeFirst();
    return row ? (await this.withTags(db, [row]))[0] : undefined;
  }

  /** Just what a new run needs: whether the experiment is active, and where its artifacts go. */
  async findPlacement(
    db: Executor,
    id: number,
  ): Promise<{ lifecycleStage: LifecycleStage; artifactLocation: string } | undefined> {
    const row = await db
      .selectFrom('experiments')
      .select(['lifecycle_stage', 'artifact_location'])
      .where('experiment_id', '=', id)
      .executeTakeFirst();
    return row
      ? { lifecycleStage: row.lifecycle_stage as LifecycleStage, artifactLocation: row.artifact_location }
      : undefined;
  }

  async findByName(db: Executor, name: string): Promise<Experiment | undefined> {
    const row = await db.selectFrom('experiments').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? (await this.withTags(db, [row]))[0] : undefined;
  }

  async rename(db: Executor, id: number, name: string, now: number): Promise<void> {
    await db
      .updateTable('experiments')
      .set({ name, last_update_time: now })
      .where('experiment_id', '=', id)
      .execute();
  }

  /** Moves the experiment and every one of its runs to `stage`. */
  async setLifecycleStage(db: Executor, id: number, stage: LifecycleStage, now: number): Promise<void> {
    await db
      .updateTable('experiments')
      .set({ lifecycle_stage: stage, last_update_time: now })
      .where('experiment_id', '=', id)
      .execute();
    await db
      .updateTable('runs')
      .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null })
      .where('experiment_id', '=', id)
      .execute();
  }

  async upsertTag(db: Executor, id: number, key: string, value: string): Promise<void> {
    await db
      .insertInto('experiment_tags')
      .values({ experiment_id: id, key, value })
      .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value }))
      .execute();
  }

  /** Returns whether a tag was deleted. */
  async deleteTag(db: Executor, id: number, key: string): Promise<boolean> {
    const result = await db
      .deleteFrom('experiment_tags')
      .where('experiment_id', '=', id)
      .where('key', '=', key)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async search(db: Executor, query: ExperimentSearchQuery): Promise<Experiment[]> {
    let select = db
      .selectFrom('experiments as e')
      .selectAll('e')
      .where('e.lifecycle_stage', 'in', [...query.stages]);
    if (query.filter) {
      const filter = query.filter;
      select = select.where((eb) => this.condition(eb, filter));
    }
    for (const clause of orderWithTieBreakers(query.orderBy)) {
      const column = sql.ref(`e.${clause.key}`);
      const sortable = clause.key === 'name' ? binaryText(this.dialect, column) : column;
      select = select.orderBy(sql`${sortable} ${sql.raw(clause.ascending ? 'asc' : 'desc')}`);
    }
    const rows = await select.limit(query.limit).offset(query.offset).execute();
    return this.withTags(db, rows);
  }

  private condition(
    eb: ExpressionBuilder<Schema & { e: ExperimentsTable }, 'e'>,
    node: FilterNode,
  ): Expression<SqlBool> {
    if (node.kind !== 'comparison') {
      const parts = node.clauses.map((clause) => this.condition(eb, clause));
      return node.kind === 'and' ? eb.and(parts) : eb.or(parts);
    }
    if (node.entity === 'tag') {
      return eb.exists(
        eb
          .selectFrom('experiment_tags as t')
          .select(sql`1`.as('one'))
          .whereRef('t.experiment_id', '=', 'e.experiment_id')
          .where('t.key', '=', node.key)
          .where((inner) => this.compare(inner.ref('t.value'), node)),
      );
    }
    const column = eb.ref(`e.${node.key}` as 'e.name' | 'e.creation_time' | 'e.last_update_time');
    return this.compare(column, node);
  }

  private compare(column: Expression<unknown>, node: Comparison): Expression<SqlBool> {
    const { comparator, value } = node;
    if (comparator === 'LIKE' || comparator === 'ILIKE') {
      return likeExpression(this.dialect, column, comparator, String(value));
    }
    const operator = comparator === '!=' ? sql.raw('<>') : sql.raw(comparator);
    return sql<SqlBool>`${column} ${operator} ${value}`;
  }

  private async withTags(db: Executor, rows: readonly ExperimentRow[]): Promise<Experiment[]> {
    if (rows.length === 0) return [];
    const tags = await db
      .selectFrom('experiment_tags')
      .selectAll()
      .where(
        'experiment_id',
        'in',
        rows.map((row) => row.experiment_id),
      )
      .orderBy('key')
      .execute();
    const byExperiment = new Map<number, KeyValue[]>();
    for (const tag of tags) {
      const list = byExperiment.get(Number(tag.experiment_id)) ?? [];
      list.push({ key: tag.key, value: tag.value });
      byExperiment.set(Number(tag.experiment_id), list);
    }
    return rows.map((row) => ({
      experimentId: String(row.experiment_id),
      name: row.name,
      artifactLocation: row.artifact_location,
      lifecycleStage: row.lifecycle_stage as LifecycleStage,
      creationTime: Number(row.creation_time),
      lastUpdateTime: Number(row.last_update_time),
      tags: byExperiment.get(Number(row.experiment_id)) ?? [],
    }));
  }
}

/** MLflow's default order, and its `experiment_id` tie-breaker for custom orders. */
function orderWithTieBreakers(orderBy: readonly OrderByClause[]): OrderByClause[] {
  if (orderBy.length === 0) {
    return [
      { entity: 'attribute', key: 'creation_time', ascending: false },
      { entity: 'attribute', key: 'experiment_id', ascending: true },
    ];
  }
  if (orderBy.some((clause) => clause.key === 'experiment_id')) return [...orderBy];
  return [...orderBy, { entity: 'attribute', key: 'experiment_id', ascending: false }];
}
