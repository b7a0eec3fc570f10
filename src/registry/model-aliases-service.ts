import type { AuditLog } from '../audit/audit-log.js';
import type { PromotionGate } from '../contracts/promotion-gate.js';
import type { RequestContext } from '../audit/request-context.js';
import type { Database } from '../store/database.js';
import type { ModelVersion } from './entities.js';
import { aliasNotFound, modelNotFound, versionNotFound } from './registry-errors.js';
import { RegistryStore } from './registry-store.js';
import { parseVersion, validateAlias, validateModelName } from './validation.js';

/**
 * Aliases (`champion` -> version 3): MLflow's SQL-store semantics. Every move is audited in the
 * transaction that makes it, with the version the alias left and the one it now names.
 */
export class ModelAliasesService {
  private readonly store: RegistryStore;

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
    /** Refuses moves of aliases a contract protects to versions that did not pass their check. */
    private readonly gate: PromotionGate | null = null,
  ) {
    this.store = new RegistryStore(database.dialect);
  }

  /**
   * Points the alias at the version, creating it or moving it. Timestamps stay as they are (MLflow's
   * SQL store). `force` takes a protected alias past its contract; the audit record says so, with the
   * context's reason.
   */
  async set(
    name: string,
    alias: string,
    version: string,
    context: RequestContext,
    options: { force?: boolean } = {},
  ): Promise<{ previous: number | null; forced: boolean }> {
    validateModelName(name);
    validateAlias(alias);
    const number = parseVersion(version);
    return this.database.write(async (trx) => {
      const exists =
        (await this.store.models.lock(trx, name)) && (await this.store.versions.find(trx, name, number));
      if (!exists) throw versionNotFound(name, version);
      const decision = this.gate
        ? await this.gate.decide(trx, name, alias, number, { force: options.force === true })
        : { forced: false };
      const previous = (await this.store.aliases.find(trx, name, alias)) ?? null;
      await this.store.aliases.upsert(trx, name, alias, number);
      const reason = decision.forced
        ? `forced past the contract: ${context.reason ?? ''}`.trim()
        : (context.reason ?? null);
      await this.audit.record(trx, { ...context, reason }, this.now(), [
        { action: 'alias.set', model: name, alias, fromVersion: previous, toVersion: number },
      ]);
      return { previous, forced: decision.forced };
    });
  }

  /** Deleting an alias the model does not have is not an error (and not audited: nothing moved). */
  async delete(name: string, alias: string, context: RequestContext): Promise<void> {
    validateModelName(name);
    validateAlias(alias);
    await this.database.write(async (trx) => {
      if (!(await this.store.models.lock(trx, name))) throw modelNotFound(name);
      const previous = await this.store.aliases.find(trx, name, alias);
      if (previous === undefined) return;
      await this.store.aliases.delete(trx, name, alias);
      await this.audit.record(trx, context, this.now(), [
        { action: 'alias.deleted', model: name, alias, fromVersion: previous },
      ]);
    });
  }

  /** The version the alias names, with its aliases. An unknown model or alias is MLflow's 400. */
  async getVersion(name: string, alias: string): Promise<ModelVersion> {
    validateModelName(name);
    validateAlias(alias);
    const db = this.database.db;
    const version = await this.store.aliases.find(db, name, alias);
    if (version === undefined) throw aliasNotFound(alias);
    const row = await this.store.versions.find(db, name, version);
    if (!row) throw versionNotFound(name, version);
    return this.store.modelVersion(db, row);
  }
}
