import type { ModelSpec, TensorSpec } from '../runtime/model-spec.js';
import { DynamicBatcher, type BatcherHooks } from './batching/dynamic-batcher.js';
import type { BatchingOptions } from './batching/batching-options.js';
import { InferencePool } from './inference/inference-pool.js';
import { allocateTensorData, isTensorType, type NamedTensor, type TensorType } from './named-tensor.js';
import { concatRows, rowWidth, splitRows } from './tensor-rows.js';

interface Request {
  readonly inputs: readonly NamedTensor[];
}

export interface InferOptions {
  /** performance.now() time after which the request must not start (504 instead); see infer. */
  readonly deadline?: number | null;
}

/**
 * One model version being served: its runtime instances, each in a thread of its own, behind a
 * dynamic batcher. Inputs come decoded and checked by a protocol; outputs are every tensor output
 * of the model, for the protocol to pick from.
 */
export class ServedModel {
  private constructor(
    readonly name: string,
    readonly version: string,
    readonly spec: ModelSpec,
    /** As given, but for a model that cannot be batched: max_batch_size 1, no preferred sizes. */
    readonly options: BatchingOptions,
    /** Whether requests may share a model call: every input and output has a free first dimension. */
    readonly batchable: boolean,
    private readonly pool: InferencePool,
    private readonly batcher: DynamicBatcher<Request, NamedTensor[]>,
  ) {}

  /**
   * Loads the model into `options.instances` threads and warms each up with a one-row call, so
   * the first request does not pay onnxruntime's first-run costs.
   */
  static async load(
    name: string,
    version: string,
    spec: ModelSpec,
    bytes: Uint8Array,
    options: BatchingOptions,
    hooks: BatcherHooks = {},
  ): Promise<ServedModel> {
    const pool = await InferencePool.start(bytes, options.instances, options.intraOpThreads);
    // ZipMap-style map outputs cannot be served as tensors: only tensor outputs are computed.
    const outputs = tensorOutputs(spec).map((output) => output.name);
    const batchable = isBatchable(spec);
    const effective = batchable ? options : { ...options, maxBatchSize: 1, preferredBatchSizes: [] };
    const batcher = new DynamicBatcher<Request, NamedTensor[]>(
      effective,
      async (requests) => {
        const owned = requests.length > 1;
        const inputs = owned
          ? concatRows(requests.map((request) => request.inputs))
          : (requests[0] as Request).inputs;
        const results = await pool.run(inputs, outputs, owned);
        if (!owned) return [results];
        return splitRows(
          results,
          requests.map((request) => request.inputs[0]?.dims[0] ?? 0),
        );
      },
      hooks,
    );
    const model = new ServedModel(name, version, spec, effective, batchable, pool, batcher);
    try {
      const warmUp = warmUpInputs(spec);
      await Promise.all(Array.from({ length: options.instances }, () => pool.run(warmUp, outputs, false)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return model;
  }

  get queueDepth(): number {
    return this.batcher.queueDepth;
  }

  /** Whether one more request would be refused (503): mirrors skip rather than be refused. */
  get queueFull(): boolean {
    return this.batcher.queueDepth >= this.options.maxQueueSize;
  }

  /**
   * Throws the refusal a request would get now (a full queue: 503), before the caller spends time
   * decoding it: under overload, the requests refused are answered at once.
   */
  admit(): void {
    const refused = this.batcher.refusal();
    if (refused) throw refused;
  }

  /**
   * Scores one request's inputs (`rows` rows), batched with whatever else is queued. It waits in
   * the queue until its own deadline or the model's queue timeout, whichever comes first.
   */
  infer(inputs: readonly NamedTensor[], rows: number, options: InferOptions = {}): Promise<NamedTensor[]> {
    const timeout = this.options.queueTimeoutMs;
    const own = options.deadline ?? null;
    const deadline = timeout === null ? own : Math.min(own ?? Infinity, performance.now() + timeout);
    return this.batcher.submit({ inputs }, rows, deadline);
  }

  /** Answers what it holds, then stops its threads. */
  async unload(): Promise<void> {
    await this.batcher.drain();
    await this.pool.close();
  }
}

function tensorOutputs(spec: ModelSpec): TensorSpec[] {
  return spec.signature.outputs.filter((output) => isTensorType(output.type));
}

function isBatchable(spec: ModelSpec): boolean {
  const free = (tensor: TensorSpec) => tensor.shape.length > 0 && typeof tensor.shape[0] === 'string';
  return spec.signature.inputs.every(free) && tensorOutputs(spec).every(free);
}

/** One row of zeros (empty strings, false) for every input: enough to run every operator once. */
function warmUpInputs(spec: ModelSpec): NamedTensor[] {
  return spec.signature.inputs.map((input) => {
    const dims = input.shape.map((dim) => (typeof dim === 'number' && dim > 0 ? dim : 1));
    const count = (dims[0] ?? 1) * rowWidth(dims);
    return {
      name: input.name,
      type: input.type as TensorType,
      dims,
      data: allocateTensorData(input.type as TensorType, count),
    };
  });
}
