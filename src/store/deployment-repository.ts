import { formatModelRef, parseModelRef } from '../operations/model-refs.js';
import { DEFAULT_BATCHING, type BatchingOptions } from '../serving/batching/batching-options.js';
import type { DeploymentRecord } from '../serving/deployments/deployment-record.js';
import {
  DEFAULT_HALT_RULES,
  type CanaryHaltRules,
  type DeploymentSpec,
  type DeploymentState,
  type DeploymentStatus,
} from '../serving/deployments/deployment-spec.js';
import type { Executor } from './executor.js';
import type { DeploymentsTable } from './schema.js';

type SpecColumns = Pick<
  DeploymentsTable,
  | 'model'
  | 'canary_model'
  | 'canary_percent'
  | 'canary_halt_rules'
  | 'shadow_model'
  | 'batching'
  | 'log_sample_rate'
>;

/** The status columns as they are when no serving process has reported. */
const NO_STATUS = {
  status_state: null,
  status_generation: null,
  served_version: null,
  canary_version: null,
  shadow_version: null,
  status_error: null,
  canary_halt_reason: null,
  canary_halt_time: null,
  shadow_diff: null,
  status_time: null,
} as const;

/**
 * SQL for deployments. The spec and the reported status share a row but are written apart: spec
 * changes bump the generation (and clear a halted canary: a changed deployment starts afresh),
 * status reports touch only the status columns.
 */
export class DeploymentRepository {
  /** Inserts a new deployment at generation 1; a taken name fails with the driver's unique violation. */
  async insert(db: Executor, spec: DeploymentSpec, createdAt: number): Promise<void> {
    await db
      .insertInto('deployments')
      .values({
        name: spec.name,
        ...specColumns(spec),
        generation: 1,
        creation_time: createdAt,
        last_updated_time: createdAt,
        ...NO_STATUS,
      })
      .execute();
  }

  /**
   * Replaces the spec of `spec.name`, bumps its generation and clears a recorded canary halt.
   * With `expectedGeneration`, only if the stored generation is still that one (a concurrent change
   * wins otherwise). Returns the new generation, or null when no row was changed.
   */
  async updateSpec(
    db: Executor,
    spec: DeploymentSpec,
    updatedAt: number,
    expectedGeneration?: number,
  ): Promise<number | null> {
    let query = db
      .updateTable('deployments')
      .set((eb) => ({
        ...specColumns(spec),
        generation: eb('generation', '+', 1),
        last_updated_time: updatedAt,
        canary_halt_reason: null,
        canary_halt_time: null,
      }))
      .where('name', '=', spec.name);
    if (expectedGeneration !== undefined) query = query.where('generation', '=', expectedGeneration);
    const row = await query.returning('generation').executeTakeFirst();
    return row ? Number(row.generation) : null;
  }

  /** Whether there was such a deployment. */
  async delete(db: Executor, name: string): Promise<boolean> {
    const result = await db.deleteFrom('deployments').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async get(db: Executor, name: string): Promise<DeploymentRecord | undefined> {
    const row = await db.selectFrom('deployments').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Every deployment, by name. */
  async list(db: Executor): Promise<DeploymentRecord[]> {
    const rows = await db.selectFrom('deployments').selectAll().orderBy('name', 'asc').execute();
    return rows.map(toRecord);
  }

  /**
   * Writes the status columns alone. Nothing happens when the deployment is gone (deleted while it
   * was being served), nor, with `generation`, when its spec has moved on since. Returns whether a
   * row was written.
   */
  async saveStatus(
    db: Executor,
    name: string,
    status: DeploymentStatus,
    generation?: number,
  ): Promise<boolean> {
    let query = db
      .updateTable('deployments')
      .set({
        status_state: status.state,
        status_generation: generation ?? null,
        served_version: status.servedVersion,
        canary_version: status.canaryVersion,
        shadow_version: status.shadowVersion,
        status_error: status.error,
        canary_halt_reason: status.canaryHalt?.reason ?? null,
        canary_halt_time: status.canaryHalt?.at ?? null,
        shadow_diff: status.shadowDiff === null ? null : JSON.stringify(status.shadowDiff),
        status_time: status.updatedAt,
      })
      .where('name', '=', name);
    if (generation !== undefined) query = query.where('generation', '=', generation);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}

function specColumns(spec: DeploymentSpec): SpecColumns {
  return {
    model: formatModelRef(spec.model),
    canary_model: spec.canary ? formatModelRef(spec.canary.model) : null,
    canary_percent: spec.canary?.percent ?? null,
    canary_halt_rules: spec.canary ? JSON.stringify(spec.canary.halt) : null,
    shadow_model: spec.shadow ? formatModelRef(spec.shadow.model) : null,
    batching: JSON.stringify(spec.batching),
    log_sample_rate: spec.logSampleRate,
  };
}

function toRecord(row: DeploymentsTable): DeploymentRecord {
  // Options stored before a later release added one read back with that option's default.
  const batching: BatchingOptions = { ...DEFAULT_BATCHING, ...(JSON.parse(row.batching) as object) };
  const spec: DeploymentSpec = {
    name: row.name,
    model: parseModelRef(row.model),
    canary:
      row.canary_model === null
        ? null
        : {
            model: parseModelRef(row.canary_model),
            percent: Number(row.canary_percent),
            halt: {
              ...DEFAULT_HALT_RULES,
              ...(JSON.parse(row.canary_halt_rules ?? '{}') as Partial<CanaryHaltRules>),
            },
          },
    shadow: row.shadow_model === null ? null : { model: parseModelRef(row.shadow_model) },
    batching,
    logSampleRate: Number(row.log_sample_rate),
  };
  return {
    spec,
    generation: Number(row.generation),
    createdAt: Number(row.creation_time),
    updatedAt: Number(row.last_updated_time),
    status: row.status_time === null ? null : toStatus(row, row.status_time),
    statusGeneration: nullableNumber(row.status_generation),
  };
}

function toStatus(row: DeploymentsTable, time: number): DeploymentStatus {
  return {
    state: row.status_state as DeploymentState,
    servedVersion: nullableNumber(row.served_version),
    canaryVersion: nullableNumber(row.canary_version),
    shadowVersion: nullableNumber(row.shadow_version),
    error: row.status_error,
    canaryHalt:
      row.canary_halt_reason === null
        ? null
        : { reason: row.canary_halt_reason, at: Number(row.canary_halt_time) },
    shadowDiff: row.shadow_diff === null ? null : (JSON.parse(row.shadow_diff) as Record<string, unknown>),
    updatedAt: Number(time),
  };
}

function nullableNumber(value: number | null): number | null {
  return value === null ? null : Number(value);
}
