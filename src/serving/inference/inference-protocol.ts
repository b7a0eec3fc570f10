import type { NamedTensor } from '../named-tensor.js';

/** Messages between a served model's instance (inference-instance.ts) and its thread (inference-thread.ts). */

export type InstanceMessage =
  | { readonly kind: 'load'; readonly model: Uint8Array; readonly intraOpThreads: number }
  | {
      readonly kind: 'run';
      readonly id: number;
      readonly inputs: readonly NamedTensor[];
      /** Outputs to compute, by name. */
      readonly outputs: readonly string[];
    }
  /** Let the session go and exit (see stopWorker). */
  | { readonly kind: 'stop' };

export type ThreadMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'result'; readonly id: number; readonly outputs: readonly NamedTensor[] }
  | { readonly kind: 'error'; readonly id: number; readonly message: string };
