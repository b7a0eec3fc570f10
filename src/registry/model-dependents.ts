import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { ContractRepository } from '../store/contract-repository.js';
import { EvaluationRepository } from '../store/evaluation-repository.js';
import type { Executor } from '../store/executor.js';
import { ModelRuntimeRepository } from '../store/model-runtime-repository.js';

/**
 * What Assay keeps about a registered model besides MLflow's own records: how to run each version,
 * its evaluations, its contract and checks. They follow the model when it is renamed and go with it
 * (or with the version) when it is deleted, in the registry's own transaction. Evaluation outputs
 * are files: they are removed after that transaction commits, so a rollback loses nothing.
 */
export class ModelDependents {
  private readonly runtimes = new ModelRuntimeRepository();
  private readonly evaluations = new EvaluationRepository();
  private readonly contracts = new ContractRepository();

  constructor(private readonly artifacts: ArtifactStore | null) {}

  async renameModel(trx: Executor, from: string, to: string): Promise<void> {
    await this.runtimes.renameModel(trx, from, to);
    await this.evaluations.renameModel(trx, from, to);
    await this.contracts.renameModel(trx, from, to);
  }

  /** Deletes the model's records; returns the files to remove once the transaction has committed. */
  async deleteModel(trx: Executor, name: string): Promise<string[]> {
    await this.runtimes.deleteModel(trx, name);
    await this.contracts.deleteModel(trx, name);
    return this.evaluations.deleteForModel(trx, name);
  }

  async deleteVersion(trx: Executor, name: string, version: number): Promise<string[]> {
    await this.runtimes.deleteVersion(trx, { name, version });
    await this.contracts.deleteVersion(trx, name, version);
    return this.evaluations.deleteForModel(trx, name, version);
  }

  /** Removes evaluation outputs no record refers to any more; a file that cannot be removed stays, unreferenced. */
  async removeFiles(paths: readonly string[]): Promise<void> {
    if (!this.artifacts) return;
    for (const path of paths) {
      try {
        await this.artifacts.delete(path);
      } catch {
        // Harmless: nothing refers to it, and the records are already gone.
      }
    }
  }
}
