import type { Stage } from '../registry/entities.js';

export const AUDIT_ACTIONS = [
  'alias.set',
  'alias.deleted',
  'stage.transitioned',
  'model.renamed',
  'model.deleted',
  'contract.set',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * One change to the registry that people downstream rely on: an alias moved, a stage changed, a
 * model renamed or deleted. Written once, in the transaction of the change itself.
 *
 * - alias.set: `alias` moved from `fromVersion` (null: it was new) to `toVersion`.
 * - alias.deleted: `alias` no longer points at `fromVersion` (deleted, or its version was deleted).
 * - stage.transitioned: version `toVersion` (also in `fromVersion`) went from `fromStage` to `toStage`.
 * - model.renamed: the model `fromModel` is now called `model`.
 * - model.deleted: the model and all its versions, tags and aliases are gone.
 * - contract.set: the model's contract is now version `toVersion` (`fromVersion`: the one before, or null).
 */
export interface AuditEvent {
  readonly id: number;
  readonly occurredAt: number;
  readonly actor: string;
  readonly action: AuditAction;
  /** The model's current name: earlier events follow a renamed model. */
  readonly model: string;
  readonly alias: string | null;
  readonly fromVersion: number | null;
  readonly toVersion: number | null;
  readonly fromStage: Stage | null;
  readonly toStage: Stage | null;
  readonly fromModel: string | null;
  readonly reason: string | null;
}

/** What a service states about a change; who, when and why come from the request. */
export type AuditChange = Partial<
  Pick<AuditEvent, 'alias' | 'fromVersion' | 'toVersion' | 'fromStage' | 'toStage' | 'fromModel'>
> &
  Pick<AuditEvent, 'action' | 'model'>;
