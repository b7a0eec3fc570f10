import type { NamedTensor } from '../named-tensor.js';
import { InferenceInstance } from './inference-instance.js';

/**
 * A served model version's runtime instances. The batcher runs at most as many batches at once as
 * there are instances, so `run` always finds one idle.
 */
export class InferencePool {
  private readonly idle: InferenceInstance[];

  private constructor(private readonly instances: readonly InferenceInstance[]) {
    this.idle = [...instances];
  }

  /** Starts `count` instances of the model, side by side; if any fails, none is left running. */
  static async start(model: Uint8Array, count: number, intraOpThreads: number): Promise<InferencePool> {
    const started = await Promise.allSettled(
      Array.from({ length: count }, () => InferenceInstance.start(model, intraOpThreads)),
    );
    const instances = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) {
      await Promise.all(instances.map((instance) => instance.close()));
      throw failure.reason;
    }
    return new InferencePool(instances);
  }

  async run(
    inputs: readonly NamedTensor[],
    outputs: readonly string[],
    owned: boolean,
  ): Promise<NamedTensor[]> {
    const instance = this.idle.pop();
    if (!instance) throw new Error('InferencePool.run called with every instance busy');
    try {
      return await instance.run(inputs, outputs, owned);
    } finally {
      this.idle.push(instance);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.close()));
  }
}
