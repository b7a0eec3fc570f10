import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Behavioural versioning: runnable model versions, Assay's datasets (MLflow's `datasets` table
 * holds run inputs, hence the prefix), evaluations, contracts and checks.
 */
export function behaviourSchema(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // One row per model version that Assay can run: its ModelSpec (signature, task, features...).
      await db.schema
        .createTable('model_runtimes')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addColumn('artifact_path', 'text', (c) => c.notNull())
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('model_runtimes_pk', ['name', 'version'])
        .execute();

      await db.schema
        .createTable('assay_datasets')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
        .addColumn('max_version', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();

      await db.schema
        .createTable('assay_dataset_versions')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        // Identity of the version: its rows and its definition (label, id, slices).
        .addColumn('digest', 'text', (c) => c.notNull())
        // Identity of the rows alone: versions with the same rows share one stored file.
        .addColumn('content_digest', 'text', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('source_format', 'text', (c) => c.notNull())
        .addColumn('row_count', 'bigint', (c) => c.notNull())
        .addColumn('schema', 'text', (c) => c.notNull())
        .addColumn('label_column', 'text')
        .addColumn('id_column', 'text')
        .addColumn('slices', 'text', (c) => c.notNull())
        .addColumn('artifact_path', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('assay_dataset_versions_pk', ['name', 'version'])
        .addUniqueConstraint('assay_dataset_versions_digest_uq', ['name', 'digest'])
        .execute();

      await db.schema
        .createTable('evaluations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('model_name', 'text', (c) => c.notNull())
        .addColumn('model_version', 'bigint', (c) => c.notNull())
        .addColumn('dataset_name', 'text', (c) => c.notNull())
        .addColumn('dataset_version', 'bigint', (c) => c.notNull())
        // '' when no row filter: part of the identity of an evaluation.
        .addColumn('where_expr', 'text', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('row_count', 'bigint', (c) => c.notNull())
        .addColumn('task', 'text', (c) => c.notNull())
        .addColumn('class_count', 'integer')
        .addColumn('metrics', 'text', (c) => c.notNull())
        .addColumn('slice_metrics', 'text', (c) => c.notNull())
        .addColumn('outputs_path', 'text', (c) => c.notNull())
        .addUniqueConstraint('evaluations_identity_uq', [
          'model_name',
          'model_version',
          'dataset_name',
          'dataset_version',
          'where_expr',
        ])
        .execute();

      await db.schema
        .createTable('contracts')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('contracts_pk', ['name', 'version'])
        .execute();

      await db.schema
        .createTable('contract_checks')
        .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedAlwaysAsIdentity(),
        )
        .addColumn('model_name', 'text', (c) => c.notNull())
        .addColumn('model_version', 'bigint', (c) => c.notNull())
        .addColumn('contract_version', 'bigint', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('suggested_label', 'text', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('contract_checks_version_idx')
        .on('contract_checks')
        .columns(['model_name', 'model_version', 'id'])
        .execute();
    },
  };
}
