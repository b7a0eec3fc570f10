import fs from 'node:fs';
import { Transform } from 'node:stream';
import type {
  AliasView,
  CheckView,
  ContractView,
  DatasetVersionView,
  DatasetView,
  DiffView,
  EvaluationView,
  ModelVersionView,
  ModelView,
} from '../views/behaviour-views.js';
import type {
  AssayClient,
  CreateDatasetInput,
  DiffInput,
  EvaluateInput,
  PredictionsQuery,
  ProgressReporter,
  RegisterModelInput,
  SetAliasInput,
} from './assay-client.js';
import type { LoggedPrediction } from '../serving/prediction-log/prediction-log.js';
import type { CreateDeploymentInput, DeploymentPatch } from '../serving/deployments/deployments-service.js';
import { createDeploymentBody, deploymentPatchBody } from '../views/deployment-bodies.js';
import type { DeploymentView } from '../views/deployment-views.js';
import { cliActor } from './actor.js';
import { ClientError } from './client-error.js';
import { splitRef } from './split-ref.js';

const API = '/api/assay/v1';

/** The CLI against a running server (`--uri`, `ASSAY_URI`). */
export class HttpClient implements AssayClient {
  private readonly base: string;

  constructor(uri: string) {
    this.base = uri.replace(/\/+$/, '');
  }

  registerModel(input: RegisterModelInput): Promise<ModelVersionView> {
    const query = new URLSearchParams();
    if (input.features?.length) query.set('features', input.features.join(','));
    if (input.task) query.set('task', input.task);
    if (input.outputs?.label) query.set('label_output', input.outputs.label);
    if (input.outputs?.probabilities) query.set('probabilities_output', input.outputs.probabilities);
    if (input.outputs?.value) query.set('value_output', input.outputs.value);
    if (input.description) query.set('description', input.description);
    return this.upload(`${API}/models/${encodeURIComponent(input.name)}/versions?${query}`, input.file);
  }

  async listModels(): Promise<ModelView[]> {
    return (await this.request<{ models: ModelView[] }>('GET', `${API}/models`)).models;
  }

  showModel(name: string): Promise<ModelView> {
    return this.request('GET', `${API}/models/${encodeURIComponent(name)}`);
  }

  showModelVersion(ref: string): Promise<ModelVersionView> {
    const { name, selector } = splitRef(ref);
    return this.request(
      'GET',
      `${API}/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(selector)}`,
    );
  }

  setAlias(input: SetAliasInput): Promise<AliasView> {
    return this.request(
      'PUT',
      `${API}/models/${encodeURIComponent(input.name)}/aliases/${encodeURIComponent(input.alias)}`,
      {
        version: input.version,
        force: input.force ?? false,
        ...(input.reason ? { reason: input.reason } : {}),
      },
    );
  }

  createDataset(input: CreateDatasetInput): Promise<{ dataset: DatasetVersionView; created: boolean }> {
    const query = new URLSearchParams();
    if (input.format) query.set('format', input.format);
    if (input.label) query.set('label', input.label);
    if (input.id) query.set('id', input.id);
    for (const slice of input.slices ?? []) query.append('slice', `${slice.name}=${slice.predicate}`);
    query.set('filename', input.file.split('/').pop() ?? input.file);
    return this.upload(
      `${API}/datasets/${encodeURIComponent(input.name)}/versions?${query}`,
      input.file,
      input.progress,
    );
  }

  async listDatasets(): Promise<DatasetView[]> {
    return (await this.request<{ datasets: DatasetView[] }>('GET', `${API}/datasets`)).datasets;
  }

  showDataset(name: string): Promise<DatasetView> {
    return this.request('GET', `${API}/datasets/${encodeURIComponent(name)}`);
  }

  async predictions(query: PredictionsQuery): Promise<LoggedPrediction[]> {
    const search = new URLSearchParams({ deployment: query.deployment });
    for (const key of ['from', 'to', 'version', 'limit', 'latest'] as const) {
      const value = query[key];
      if (value !== undefined) search.set(key, String(value));
    }
    const path = `${API}/predictions?${search.toString()}`;
    return (await this.request<{ predictions: LoggedPrediction[] }>('GET', path)).predictions;
  }

  evaluate(input: EvaluateInput): Promise<EvaluationView> {
    return this.request('POST', `${API}/evaluations`, {
      model: input.model,
      dataset: input.dataset,
      ...(input.where ? { where: input.where } : {}),
    });
  }

  diff(input: DiffInput): Promise<DiffView> {
    return this.request('POST', `${API}/diffs`, {
      a: input.a,
      b: input.b,
      dataset: input.dataset,
      ...(input.where ? { where: input.where } : {}),
      ...(input.thresholds ? { thresholds: input.thresholds } : {}),
      ...(input.top !== undefined ? { top: input.top } : {}),
    });
  }

  setContract(name: string, source: string): Promise<ContractView> {
    return this.request('PUT', `${API}/models/${encodeURIComponent(name)}/contract`, { source });
  }

  showContract(name: string): Promise<ContractView> {
    return this.request('GET', `${API}/models/${encodeURIComponent(name)}/contract`);
  }

  check(ref: string): Promise<CheckView> {
    const { name, selector } = splitRef(ref);
    return this.request(
      'POST',
      `${API}/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(selector)}/check`,
      {},
    );
  }

  createDeployment(input: CreateDeploymentInput): Promise<DeploymentView> {
    return this.request('POST', `${API}/deployments`, createDeploymentBody(input));
  }

  async listDeployments(): Promise<DeploymentView[]> {
    return (await this.request<{ deployments: DeploymentView[] }>('GET', `${API}/deployments`)).deployments;
  }

  showDeployment(name: string): Promise<DeploymentView> {
    return this.request('GET', `${API}/deployments/${encodeURIComponent(name)}`);
  }

  updateDeployment(name: string, patch: DeploymentPatch): Promise<DeploymentView> {
    return this.request(
      'PATCH',
      `${API}/deployments/${encodeURIComponent(name)}`,
      deploymentPatchBody(patch),
    );
  }

  async deleteDeployment(name: string): Promise<void> {
    await this.request('DELETE', `${API}/deployments/${encodeURIComponent(name)}`);
  }

  async close(): Promise<void> {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(path, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return (await response.json()) as T;
  }

  private async upload<T>(path: string, file: string, progress?: ProgressReporter): Promise<T> {
    const total = fs.statSync(file).size;
    let sent = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sent += chunk.length;
        progress?.update(sent, total);
        callback(null, chunk);
      },
    });
    const stream = fs.createReadStream(file).pipe(counter);
    const response = await this.send(path, {
      method: 'POST',
      body: stream as unknown as RequestInit['body'],
      duplex: 'half',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(total) },
    } as RequestInit);
    return (await response.json()) as T;
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      const headers = {
        ...(init.headers as Record<string, string> | undefined),
        'x-assay-actor': cliActor(),
      };
      response = await fetch(`${this.base}${path}`, { ...init, headers });
    } catch (error) {
      throw new ClientError(`cannot reach the Assay server at ${this.base}: ${(error as Error).message}`);
    }
    if (!response.ok) {
      const text = await response.text();
      let message = text;
      try {
        const parsed = JSON.parse(text) as { message?: string };
        if (parsed.message) message = parsed.message;
      } catch {
        // not JSON: keep the text
      }
      throw new ClientError(message || `${response.status} ${response.statusText}`);
    }
    return response;
  }
}
