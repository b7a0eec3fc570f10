import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * PostgreSQL for tests. `ASSAY_TEST_POSTGRES_URL` names a server (CI: postgresql://postgres@127.0.0.1:5432/test);
 * each suite gets its own fresh database there, dropped afterwards. With
 * `ASSAY_TEST_POSTGRES_REQUIRED=1` an unreachable server fails the run instead of skipping.
 */
export const POSTGRES_URL = process.env.ASSAY_TEST_POSTGRES_URL ?? '';
const REQUIRED = process.env.ASSAY_TEST_POSTGRES_REQUIRED === '1';

export interface PostgresAvailability {
  available: boolean;
  reason: string;
}

async function probe(): Promise<PostgresAvailability> {
  if (!POSTGRES_URL) {
    return { available: false, reason: 'ASSAY_TEST_POSTGRES_URL is not set' };
  }
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { available: true, reason: '' };
  } catch (error) {
    const reason = `PostgreSQL at ${POSTGRES_URL} is unreachable: ${(error as Error).message}`;
    if (REQUIRED) throw new Error(`${reason} (ASSAY_TEST_POSTGRES_REQUIRED=1)`, { cause: error });
    return { available: false, reason };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const postgres: PostgresAvailability = await probe();

/** Creates an empty database and returns its URL and a function that drops it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `assay_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = new pg.Client({ connectionString: POSTGRES_URL });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
