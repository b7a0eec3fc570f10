import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Database, Dialect } from './database.js';
import { initialSchema } from './migrations/0001-initial.js';
import { behaviourSchema } from './migrations/0002-behaviour.js';
import { predictionsSchema } from './migrations/0003-predictions.js';
import { deploymentsSchema } from './migrations/0004-deployments.js';

/** Versioned migrations in order. Names sort lexically; never rename or edit one that has shipped. */
function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-initial': initialSchema(dialect),
    '0002-behaviour': behaviourSchema(dialect),
    '0003-predictions': predictionsSchema(),
    '0004-deployments': deploymentsSchema(),
  };
}

/** Every migration's name, in order: a fully migrated store has applied each exactly once. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations('sqlite'));

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}

const RETRYABLE =
  /SQLITE_BUSY|database is locked|UNIQUE constraint failed: kysely_migration|duplicate key value/i;

/**
 * Brings the schema up to date. Idempotent. Safe when several servers start at once: PostgreSQL
 * serialises migrators with an advisory lock; on SQLite all pending migrations apply in one
 * transaction, and a migrator that loses the race for the write lock retries and then finds
 * nothing left to do.
 */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const migrator = new Migrator({ db: database.db, provider: new StaticMigrationProvider(database.dialect) });
  for (let attempt = 1; ; attempt += 1) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return (results ?? []).map((result) => result.migrationName);
    const message = error instanceof Error ? error.message : String(error);
    if (attempt >= 20 || !RETRYABLE.test(message)) {
      throw new Error(`database migration failed: ${message}`, { cause: error });
    }
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
}
