import type { Kysely } from 'kysely';
import type { Schema } from './schema.js';

/** A database handle or an open transaction: repositories work on either. */
export type Executor = Kysely<Schema>;
