import { InvalidParameterError } from '../errors/assay-error.js';
import type { AliasRepository } from '../store/alias-repository.js';
import type { ContractRepository } from '../store/contract-repository.js';
import type { Executor } from '../store/executor.js';
import type { Contract, StoredCheckResult } from './contract-entities.js';
import { toContract } from './contracts-service.js';

export interface PromotionDecision {
  /** The move went through only because it was forced past the contract. */
  readonly forced: boolean;
}

/**
 * Whether an alias may move to a version. Aliases the model's contract protects move only to a
 * version whose latest check, against the current contract and the baseline's current version, is
 * `identical` or `compatible`; `force` (with a reason, audited) overrides. Read inside the same
 * transaction as the move, so a check cannot be dodged by a concurrent change.
 */
export class PromotionGate {
  constructor(
    private readonly contracts: ContractRepository,
    private readonly aliases: AliasRepository,
  ) {}

  async decide(
    db: Executor,
    name: string,
    alias: string,
    version: number,
    options: { force: boolean },
  ): Promise<PromotionDecision> {
    const row = await this.contracts.latest(db, name);
    if (!row) return { forced: false };
    const contract = toContract(row);
    if (!contract.definition.protect.includes(alias)) return { forced: false };
    const refusal = await this.refusal(db, contract, alias, version);
    if (refusal === null) return { forced: false };
    if (options.force) return { forced: true };
    throw new InvalidParameterError(refusal);
  }

  private async refusal(
    db: Executor,
    contract: Contract,
    alias: string,
    version: number,
  ): Promise<string | null> {
    const { name, definition } = contract;
    const lead = `Alias '${alias}' of model '${name}' is protected by its contract (v${contract.version}): version ${version}`;
    const hint = `Run \`assay check ${name}@${version}\`, or move it with --force --reason.`;
    const check = await this.contracts.latestCheck(db, name, version);
    if (!check) return `${lead} has not been checked. ${hint}`;
    if (check.contract_version !== contract.version) {
      return `${lead} was checked against contract v${check.contract_version}, not the current v${contract.version}. ${hint}`;
    }
    const result = JSON.parse(check.result) as StoredCheckResult;
    if (definition.baseline) {
      const current = (await this.aliases.find(db, name, definition.baseline)) ?? null;
      if (current !== result.baselineVersion && current !== version) {
        return `${lead} was checked against ${definition.baseline} = ${result.baselineVersion ?? 'none'}, but ${definition.baseline} is now ${current ?? 'unset'}. ${hint}`;
      }
    }
    if (check.verdict === 'identical' || check.verdict === 'compatible') return null;
    const failed = result.results
      .filter((r) => r.outcome === 'failed')
      .map((r) => `${r.check} (${r.detail})`);
    return `${lead} is ${check.verdict}: failed ${failed.join('; ')}. Fix the model or the contract, or move it with --force --reason.`;
  }
}
