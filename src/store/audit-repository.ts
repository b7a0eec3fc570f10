import type { AuditAction, AuditEvent } from '../audit/audit-event.js';
import type { Stage } from '../registry/entities.js';
import type { Executor } from './executor.js';
import type { AuditEventsTable } from './schema.js';

export type NewAuditEvent = Omit<AuditEvent, 'id'>;

export interface AuditQuery {
  model?: string | undefined;
  alias?: string | undefined;
  offset: number;
  limit: number;
}

type AuditRow = Omit<AuditEventsTable, 'id'> & { id: number };

/**
 * SQL for the append-only audit log.
 */
export class AuditRepository {
  async insert(db: Executor, events: readonly NewAuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await db
      .insertInto('audit_events')
      .values(
        events.map((event) => ({
          occurred_at: event.occurredAt,
          actor: event.actor,
          action: event.action,
          model_name: event.model,
          from_model: event.fromModel,
          alias: event.alias,
          from_version: event.fromVersion,
          to_version: event.toVersion,
          from_stage: event.fromStage,
          to_stage: event.toStage,
          reason: event.reason,
        })),
      )
      .execute();
  }

  /** The trail follows a renamed model: its earlier events now carry the new name. */
  async relabelModel(db: Executor, from: string, to: string): Promise<void> {
    await db.updateTable('audit_events').set({ model_name: to }).where('model_name', '=', from).execute();
  }

  /** Oldest first. */
  async list(db: Executor, query: AuditQuery): Promise<AuditEvent[]> {
    let select = db.selectFrom('audit_events').selectAll();
    if (query.model !== undefined) select = select.where('model_name', '=', query.model);
    if (query.alias !== undefined) select = select.where('alias', '=', query.alias);
    const rows = await select.orderBy('id', 'asc').limit(query.limit).offset(query.offset).execute();
    return rows.map((row) => toEvent(row as AuditRow));
  }
}

function toEvent(row: AuditRow): AuditEvent {
  return {
    id: Number(row.id),
    occurredAt: Number(row.occurred_at),
    actor: row.actor,
    action: row.action as AuditAction,
    model: row.model_name,
    alias: row.alias,
    fromVersion: row.from_version === null ? null : Number(row.from_version),
    toVersion: row.to_version === null ? null : Number(row.to_version),
    fromStage: row.from_stage as Stage | null,
    toStage: row.to_stage as Stage | null,
    fromModel: row.from_model,
    reason: row.reason,
  };
}
