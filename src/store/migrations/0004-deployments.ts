import type { Kysely, Migration } from 'kysely';

/**
 * Deployments served by `assay server`: what their owner asked for (the spec, bumped to a new
 * generation on every change so that serving processes notice) and what a serving process last
 * reported about them (the status columns, null until one has).
 */
export function deploymentsSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('deployments')
        .addColumn('name', 'text', (c) => c.primaryKey())
        // Model selectors as typed: `fraud@production`, `fraud@3`.
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('canary_model', 'text')
        .addColumn('canary_percent', 'double precision')
        // JSON of the canary's halt rules; null without a canary.
        .addColumn('canary_halt_rules', 'text')
        .addColumn('shadow_model', 'text')
        // JSON of the batching options.
        .addColumn('batching', 'text', (c) => c.notNull())
        .addColumn('log_sample_rate', 'double precision', (c) => c.notNull())
        .addColumn('generation', 'bigint', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
        // The status a serving process reported; status_time null: none has yet.
        .addColumn('status_state', 'text')
        .addColumn('status_generation', 'bigint')
        .addColumn('served_version', 'bigint')
        .addColumn('canary_version', 'bigint')
        .addColumn('shadow_version', 'bigint')
        .addColumn('status_error', 'text')
        .addColumn('canary_halt_reason', 'text')
        .addColumn('canary_halt_time', 'bigint')
        // JSON of the shadow's live diff.
        .addColumn('shadow_diff', 'text')
        .addColumn('status_time', 'bigint')
        .execute();
    },
  };
}
