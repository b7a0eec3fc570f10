import type { AuditEvent } from '../../audit/audit-event.js';
import type { Json } from '../mlflow/tracking-json.js';

/**
 * An audit event on the wire: versions as strings (as MLflow writes them), times in epoch ms,
 * null fields left out. `from_model` appears only on `model.renamed`.
 */
export function auditEventJson(event: AuditEvent): { [key: string]: Json } {
  const json: { [key: string]: Json } = {
    id: String(event.id),
    timestamp: event.occurredAt,
    actor: event.actor,
    action: event.action,
    model: event.model,
  };
  if (event.fromModel !== null) json.from_model = event.fromModel;
  if (event.alias !== null) json.alias = event.alias;
  if (event.fromVersion !== null) json.from_version = String(event.fromVersion);
  if (event.toVersion !== null) json.to_version = String(event.toVersion);
  if (event.fromStage !== null) json.from_stage = event.fromStage;
  if (event.toStage !== null) json.to_stage = event.toStage;
  if (event.reason !== null) json.reason = event.reason;
  return json;
}
