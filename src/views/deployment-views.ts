/**
 * The JSON of deployments on /api/assay/v1/deployments and in `assay deployments --json`: what is
 * sent (bodies) and what comes back (views). A view's canary, shadow and batching read back as
 * they are sent, so a view's fields can be posted again.
 */

export interface BatchingView {
  readonly max_batch_size: number;
  readonly max_queue_delay_ms: number;
  readonly preferred_batch_sizes: readonly number[];
  readonly max_queue_size: number;
  /** null: a request waits as long as it takes. */
  readonly queue_timeout_ms: number | null;
  readonly instances: number;
  readonly intra_op_threads: number;
}

export interface CanaryView {
  /** NAME@VERSION or NAME@ALIAS, as given. */
  readonly model: string;
  /** Share of requests sent to the canary, in percent. */
  readonly percent: number;
  /** Halt rules: above this share of failed requests (null: no limit)... */
  readonly max_error_rate: number | null;
  /** ...or this p99 latency in ms (null: no limit)... */
  readonly max_p99_ms: number | null;
  /** ...judged once the canary answered this many requests in the window. */
  readonly min_requests: number;
  readonly window_seconds: number;
}

export interface DeploymentStatusView {
  readonly state: 'loading' | 'ready' | 'failed';
  /** The versions being served: main, canary, shadow. */
  readonly served_version: number | null;
  readonly canary_version: number | null;
  readonly shadow_version: number | null;
  /** The last failure (a version that failed to load leaves the previous one serving). */
  readonly error: string | null;
  readonly canary_halt: { readonly reason: string; readonly time: number } | null;
  /** The shadow's live diff against the served version, as the serving process reported it. */
  readonly shadow_diff: Readonly<Record<string, unknown>> | null;
  /** When it was reported (epoch ms). */
  readonly updated_at: number;
  /** The generation of the spec it reports on, when the server said. */
  readonly generation: number | null;
}

export interface DeploymentView {
  readonly name: string;
  readonly model: string;
  readonly canary: CanaryView | null;
  readonly shadow: { readonly model: string } | null;
  readonly batching: BatchingView;
  readonly log_sample_rate: number;
  /** 1 at creation, one more on every change. */
  readonly generation: number;
  readonly creation_time: number;
  readonly last_updated_time: number;
  /** null until a serving process has reported. */
  readonly status: DeploymentStatusView | null;
}

/** A canary in a body: on PATCH, what is left out keeps its value. */
export type CanaryBody = { readonly [K in keyof CanaryView]?: CanaryView[K] | undefined };

export type BatchingBody = { readonly [K in keyof BatchingView]?: BatchingView[K] | undefined };

/** `POST /deployments`. */
export interface CreateDeploymentBody {
  readonly name: string;
  readonly model: string;
  readonly canary?: CanaryBody | null | undefined;
  readonly shadow?: { readonly model: string } | null | undefined;
  readonly batching?: BatchingBody | undefined;
  readonly log_sample_rate?: number | undefined;
}

/** `PATCH /deployments/NAME`: `canary: null` and `shadow: null` remove them. */
export type DeploymentPatchBody = Omit<CreateDeploymentBody, 'name' | 'model'> & {
  readonly model?: string | undefined;
};
