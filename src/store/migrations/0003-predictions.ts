import type { Kysely, Migration } from 'kysely';

/**
 * The prediction log. Predictions are stored columnar, one Arrow file per flushed batch (artifact
 * store); the database holds an index of those files, one row per prediction id (so labels join by
 * id and unknown ids are told apart), and the labels that arrive later.
 */
export function predictionsSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('prediction_batches')
        .addColumn('id', 'text', (c) => c.primaryKey())
        // The name clients used (the served name); the registered model and version behind it.
        .addColumn('deployment', 'text', (c) => c.notNull())
        .addColumn('model_name', 'text', (c) => c.notNull())
        .addColumn('model_version', 'bigint', (c) => c.notNull())
        .addColumn('first_time', 'bigint', (c) => c.notNull())
        .addColumn('last_time', 'bigint', (c) => c.notNull())
        .addColumn('row_count', 'bigint', (c) => c.notNull())
        .addColumn('artifact_path', 'text', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('prediction_batches_deployment_time')
        .on('prediction_batches')
        .columns(['deployment', 'first_time'])
        .execute();

      await db.schema
        .createTable('prediction_index')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('batch_id', 'text', (c) => c.notNull())
        .addColumn('row_index', 'bigint', (c) => c.notNull())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('prediction_index_batch')
        .on('prediction_index')
        .column('batch_id')
        .execute();

      // A label may arrive before its prediction is flushed: no foreign key to the index.
      await db.schema
        .createTable('prediction_labels')
        .addColumn('prediction_id', 'text', (c) => c.primaryKey())
        /** JSON of the label as sent (a class, a number, a string). */
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
