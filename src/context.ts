import { DEFAULT_PREDICTION_LOG } from './serving/prediction-log/prediction-log-options.js';
import { PredictionLog } from './serving/prediction-log/prediction-log.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from './artifacts/artifact-store.js';
import { LocalArtifactStore } from './artifacts/local-artifact-store.js';
import { AuditLog } from './audit/audit-log.js';
import { DiffService } from './behavior/diff-service.js';
import { CheckService } from './contracts/check-service.js';
import { ContractsService } from './contracts/contracts-service.js';
import { PromotionGate } from './contracts/promotion-gate.js';
import { DatasetsService, type ImportTuning } from './datasets/datasets-service.js';
import { DeploymentsService } from './serving/deployments/deployments-service.js';
import { EvaluationService } from './evaluation/evaluation-service.js';
import { ModelDependents } from './registry/model-dependents.js';
import { ModelAliasesService } from './registry/model-aliases-service.js';
import { ModelRegistrationService } from './registry/model-registration-service.js';
import { ModelSourceInspector } from './registry/model-registration-source.js';
import { ScoringThreads } from './runtime/parallel/scoring-threads.js';
import { ModelVersionsService } from './registry/model-versions-service.js';
import { RegisteredModelsService } from './registry/registered-models-service.js';
import { AliasRepository } from './store/alias-repository.js';
import { ContractRepository } from './store/contract-repository.js';
import { openDatabase, type Database } from './store/database.js';
import { migrateToLatest } from './store/migrate.js';
import { ExperimentsService } from './tracking/experiments-service.js';
import { MetricHistoryService } from './tracking/metric-history-service.js';
import { RunArtifactsService } from './tracking/run-artifacts-service.js';
import { RunsService } from './tracking/runs-service.js';

export interface AssayOptions {
  /** Metadata store URI (see parseStoreUri). */
  store: string;
  /** Artifact root: a local directory or `file://` URI. */
  artifacts: string;
  now?: () => number;
  /** How dataset imports split their work (tests shrink it to exercise the machinery). */
  datasetImport?: Partial<ImportTuning>;
}

/** Every service of Assay over one store: what the HTTP server, the CLI and tests all use. */
export interface AssayContext {
  readonly database: Database;
  readonly artifactStore: ArtifactStore;
  readonly experiments: ExperimentsService;
  readonly runs: RunsService;
  readonly metricHistory: MetricHistoryService;
  readonly runArtifacts: RunArtifactsService;
  readonly auditLog: AuditLog;
  readonly registeredModels: RegisteredModelsService;
  readonly modelVersions: ModelVersionsService;
  readonly modelAliases: ModelAliasesService;
  readonly modelRegistration: ModelRegistrationService;
  readonly datasets: DatasetsService;
  readonly evaluations: EvaluationService;
  readonly diffs: DiffService;
  readonly contracts: ContractsService;
  readonly checks: CheckService;
  /** The prediction log: read back, and labels joined (serving processes record into their own). */
  readonly predictions: PredictionLog;
  /** Deployment definitions and the status serving processes report for them. */
  readonly deployments: DeploymentsService;
  close(): Promise<void>;
}

/** Opens the store, brings its schema up to date, and wires the services. */
export async function openAssay(options: AssayOptions): Promise<AssayContext> {
  const database = openDatabase(options.store);
  try {
    await migrateToLatest(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  const now = options.now ?? Date.now;
  const artifactStore = createArtifactStore(options.artifacts);
  const experiments = new ExperimentsService(database, now);
  const runs = new RunsService(database, experiments, now);
  const auditLog = new AuditLog(database);
  const dependents = new ModelDependents(artifactStore);
  const registeredModels = new RegisteredModelsService(database, auditLog, now, dependents);
  const modelVersions = new ModelVersionsService(
    database,
    runs,
    auditLog,
    now,
    new ModelSourceInspector(artifactStore),
    dependents,
  );
  const modelRegistration = new ModelRegistrationService(
    database,
    artifactStore,
    registeredModels,
    modelVersions,
  );
  const datasets = new DatasetsService(database, artifactStore, { now, tuning: options.datasetImport });
  const scoringThreads = new ScoringThreads();
  const evaluations = new EvaluationService(
    database,
    artifactStore,
    datasets,
    modelRegistration,
    scoringThreads,
    now,
  );
  return {
    database,
    artifactStore,
    experiments,
    runs,
    metricHistory: new MetricHistoryService(database),
    runArtifacts: new RunArtifactsService(runs, artifactStore),
    auditLog,
    registeredModels,
    modelVersions,
    modelAliases: new ModelAliasesService(
      database,
      auditLog,
      now,
      new PromotionGate(new ContractRepository(), new AliasRepository()),
    ),
    modelRegistration,
    datasets,
    evaluations,
    diffs: new DiffService(evaluations, datasets),
    contracts: new ContractsService(database, datasets, modelRegistration, auditLog, now),
    checks: new CheckService(database, evaluations, datasets, modelRegistration, now),
    predictions: new PredictionLog(database, artifactStore, DEFAULT_PREDICTION_LOG, {}, now),
    deployments: new DeploymentsService(database, registeredModels, modelRegistration, now),
    async close() {
      await scoringThreads.close();
      await database.close();
    },
  };
}

export function createArtifactStore(uri: string): ArtifactStore {
  if (uri.startsWith('file://')) return new LocalArtifactStore(fileURLToPath(uri));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new Error(`unsupported artifact store '${uri}': use a local directory or a file:// URI`);
  }
  return new LocalArtifactStore(path.resolve(uri));
}
