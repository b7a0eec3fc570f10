import type { NamedTensor } from '../named-tensor.js';
import { InferenceInstance } from './inference-instance.js';

/**
 * A served model version's runtime instances. A batch goes to the instance holding the fewest:
 * with the batcher's two per instance (one running, one handed over behind it), an idle instance
 * is always chosen before a busy one takes a second.
 */
export class InferencePool {
  /** Batches handed to each instance and not yet answered. */
  private readonly outstanding: number[];

  private constructor(private readonly instances: readonly InferenceInstance[]) {
    this.outstanding = instances.map(() => 0);
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

  /** Runs a batch on the least busy instance (its thread runs what it is handed in order). */
  async run(
    inputs: readonly NamedTensor[],
    outputs: readonly string[],
    owned: boolean,
  ): Promise<NamedTensor[]> {
    let chosen = 0;
    for (let i = 1; i < this.instances.length; i += 1) {
      if ((this.outstanding[i] as number) < (this.outstanding[chosen] as number)) chosen = i;
    }
    const instance = this.instances[chosen] as InferenceInstance;
    this.outstanding[chosen] = (this.outstanding[chosen] as number) + 1;
    try {
      return await instance.run(inputs, outputs, owned);
    } finally {
      this.outstanding[chosen] = (this.outstanding[chosen] as number) - 1;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.close()));
  }
}
