import type { AuditLog } from '../audit/audit-log.js';
import type { RequestContext } from '../audit/request-context.js';
import type { DatasetsService } from '../datasets/datasets-service.js';
import { InvalidParameterError, NotFoundError } from '../errors/assay-error.js';
import type { ModelRegistrationService } from '../registry/model-registration-service.js';
import { modelNotFound } from '../registry/registry-errors.js';
import { RegistryStore } from '../registry/registry-store.js';
import { validateModelName } from '../registry/validation.js';
import { ContractRepository, type ContractRow } from '../store/contract-repository.js';
import type { Database } from '../store/database.js';
import type { ContractDefinition } from './contract-definition.js';
import type { Contract } from './contract-entities.js';
import { parseContract } from './contract-parser.js';
import { validateContract } from './contract-validation.js';

/** Contract files are small; a bigger one is a mistake (a dataset passed by accident). */
const MAX_CONTRACT_BYTES = 1 << 20;

/**
 * Registered models' contracts: versioned, append-only. Setting one parses and validates it
 * against its dataset and the model before anything is written, and is audited.
 */
export class ContractsService {
  private readonly contracts = new ContractRepository();
  private readonly registry: RegistryStore;

  constructor(
    private readonly database: Database,
    private readonly datasets: DatasetsService,
    private readonly registration: ModelRegistrationService,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
  ) {
    this.registry = new RegistryStore(database.dialect);
  }

  async set(name: string, source: string, context: RequestContext): Promise<Contract> {
    validateModelName(name);
    if (typeof source !== 'string' || source.trim() === '') {
      throw new InvalidParameterError('The contract is empty');
    }
    if (Buffer.byteLength(source) > MAX_CONTRACT_BYTES) {
      throw new InvalidParameterError(`The contract is larger than ${MAX_CONTRACT_BYTES} bytes`);
    }
    if (!(await this.registry.models.find(this.database.db, name))) throw modelNotFound(name);
    const definition = parseContract(source);
    const dataset = await this.datasets.getDatasetVersion(
      definition.dataset.name,
      definition.dataset.version ?? 'latest',
    );
    validateContract(definition, dataset, await this.latestSpec(name));
    return this.database.write(async (trx) => {
      if (!(await this.registry.models.lock(trx, name))) throw modelNotFound(name);
      const createdAt = this.now();
      const row = {
        name,
        creation_time: createdAt,
        actor: context.actor,
        source,
        definition: JSON.stringify(definition),
      };
      const version = await this.contracts.insert(trx, row);
      await this.audit.record(trx, context, createdAt, [
        {
          action: 'contract.set',
          model: name,
          fromVersion: version > 1 ? version - 1 : null,
          toVersion: version,
        },
      ]);
      return toContract({ ...row, version });
    });
  }

  /** The model's current contract. */
  async get(name: string): Promise<Contract> {
    validateModelName(name);
    const row = await this.contracts.latest(this.database.db, name);
    if (row) return toContract(row);
    if (!(await this.registry.models.find(this.database.db, name))) throw modelNotFound(name);
    throw new NotFoundError(
      `Registered model '${name}' has no contract: set one with \`assay contracts set ${name} FILE\``,
    );
  }

  /** The model's current contract, or null. */
  async find(name: string): Promise<Contract | null> {
    const row = await this.contracts.latest(this.database.db, name);
    return row ? toContract(row) : null;
  }

  /** The newest runnable version's spec: what the contract's outputs are checked against. */
  private async latestSpec(name: string) {
    const specs = await this.registration.modelSpecs(name);
    const newest = Math.max(...specs.keys());
    return specs.get(newest) ?? null;
  }
}

export function toContract(row: ContractRow): Contract {
  return {
    name: row.name,
    version: row.version,
    createdAt: row.creation_time,
    actor: row.actor,
    source: row.source,
    definition: JSON.parse(row.definition) as ContractDefinition,
  };
}
