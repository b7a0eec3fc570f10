import { checkMaxResults, offsetPage } from '../search/offset-paging.js';
import { decodePageToken } from '../search/page-token.js';
import type { Database } from '../store/database.js';
import type { Executor } from '../store/executor.js';
import { AuditRepository } from '../store/audit-repository.js';
import type { Page } from '../tracking/entities.js';
import type { AuditChange, AuditEvent } from './audit-event.js';
import type { RequestContext } from './request-context.js';

export const AUDIT_LIMITS = { defaultMaxResults: 100, maxResults: 1000 } as const;

export interface ListAuditInput {
  model?: string | undefined;
  alias?: string | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

/**
 * The registry's audit trail. Services record inside the transaction of the change they make, so a
 * change and its record commit or roll back together.
 */
export class AuditLog {
  private readonly repository = new AuditRepository();

  constructor(private readonly database: Database) {}

  async record(
    db: Executor,
    context: RequestContext,
    occurredAt: number,
    changes: readonly AuditChange[],
  ): Promise<void> {
    await this.repository.insert(
      db,
      changes.map((change) => ({
        occurredAt,
        actor: context.actor,
        action: change.action,
        model: change.model,
        alias: change.alias ?? null,
        fromVersion: change.fromVersion ?? null,
        toVersion: change.toVersion ?? null,
        fromStage: change.fromStage ?? null,
        toStage: change.toStage ?? null,
        fromModel: change.fromModel ?? null,
        reason: context.reason ?? null,
      })),
    );
  }

  async relabelModel(db: Executor, from: string, to: string): Promise<void> {
    await this.repository.relabelModel(db, from, to);
  }

  /** Events oldest first, optionally of one model and/or one alias. */
  async list(input: ListAuditInput): Promise<Page<AuditEvent>> {
    const maxResults = input.maxResults ?? AUDIT_LIMITS.defaultMaxResults;
    checkMaxResults(maxResults, { max: AUDIT_LIMITS.maxResults, wording: 'request-parameter' });
    const offset = decodePageToken(input.pageToken);
    const rows = await this.repository.list(this.database.db, {
      model: input.model || undefined,
      alias: input.alias || undefined,
      offset,
      limit: maxResults + 1,
    });
    const page = offsetPage(rows, maxResults, offset);
    return { items: page.rows, nextPageToken: page.nextPageToken };
  }
}
