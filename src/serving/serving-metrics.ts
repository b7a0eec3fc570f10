import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, exponentialBuckets } from 'prom-client';
import type { BatcherHooks } from './batching/dynamic-batcher.js';

/** Latency buckets from 100 µs to about 3 s: a batched one-row request lives at the low end. */
const LATENCY_BUCKETS = exponentialBuckets(0.0001, 2, 16);
/** Rows per model call: 1 to 4096. */
const BATCH_BUCKETS = exponentialBuckets(1, 2, 13);

export type InferenceProtocol = 'kserve_v2' | 'mlflow';

/**
 * The serving process's Prometheus metrics, in a registry of its own (so that two servers in one
 * process, as in tests, never share counters), exposed at `/metrics`. Labels are the served model
 * and its version: a bounded set, as Prometheus wants.
 */
export class ServingMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'assay_inference_requests_total',
    help: 'Inference requests answered, by model, version, protocol and HTTP status.',
    labelNames: ['model', 'version', 'protocol', 'status'] as const,
    registers: [this.registry],
  });
  private readonly requestSeconds = new Histogram({
    name: 'assay_inference_request_duration_seconds',
    help: 'Time from receiving an inference request to answering it.',
    labelNames: ['model', 'version', 'protocol'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly queueSeconds = new Histogram({
    name: 'assay_inference_queue_duration_seconds',
    help: 'Time a request waited in its model queue before its batch ran.',
    labelNames: ['model', 'version'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly runSeconds = new Histogram({
    name: 'assay_inference_batch_duration_seconds',
    help: 'Time one batch took in onnxruntime, including the hand-over to and from its thread.',
    labelNames: ['model', 'version'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly batchRows = new Histogram({
    name: 'assay_inference_batch_size',
    help: 'Rows per model call.',
    labelNames: ['model', 'version'] as const,
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });
  private readonly rejected = new Counter({
    name: 'assay_inference_rejected_total',
    help: 'Requests refused without running: the queue was full (503) or the deadline passed while queued (504).',
    labelNames: ['model', 'version', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly loadSeconds = new Gauge({
    name: 'assay_model_load_seconds',
    help: 'Time the served model version took to load and warm up.',
    labelNames: ['model', 'version'] as const,
    registers: [this.registry],
  });
  private readonly logDropped = new Counter({
    name: 'assay_prediction_log_dropped_total',
    help: 'Predictions not logged because the log buffer was full (serving went on).',
    registers: [this.registry],
  });
  private readonly requestChildren = new Map<
    string,
    { count: { inc(): void }; seconds: { observe(value: number): void } }
  >();
  private readonly depthSources = new Map<string, { model: string; version: string; depth: () => number }>();

  constructor() {
    const sources = this.depthSources;
    new Gauge({
      name: 'assay_inference_queue_depth',
      help: 'Requests waiting in the model queue now.',
      labelNames: ['model', 'version'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { model, version, depth } of sources.values()) this.set({ model, version }, depth());
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'assay_' });
  }

  /** The hooks a model's batcher reports through. */
  batcherHooks(model: string, version: string): BatcherHooks {
    const labels = { model, version };
    // Children bound once: a batch observes its queue time once per request (see requestAnswered).
    const batchRows = this.batchRows.labels(labels);
    const runSeconds = this.runSeconds.labels(labels);
    const queueSeconds = this.queueSeconds.labels(labels);
    return {
      onBatch: (event) => {
        batchRows.observe(event.rows);
        runSeconds.observe(event.runMs / 1000);
        for (const waited of event.queueMs) queueSeconds.observe(waited / 1000);
      },
      onRejected: (reason) => this.rejected.inc({ ...labels, reason }),
    };
  }

  /** A model now served: its load time, and where its queue depth is read. */
  modelLoaded(model: string, version: string, seconds: number, depth: () => number): void {
    this.loadSeconds.set({ model, version }, seconds);
    this.depthSources.set(`${model}\u0000${version}`, { model, version, depth });
  }

  modelUnloaded(model: string, version: string): void {
    this.depthSources.delete(`${model}\u0000${version}`);
  }

  predictionsDropped(rows: number): void {
    this.logDropped.inc(rows);
  }

  requestAnswered(
    labels: { model: string; version: string; protocol: InferenceProtocol },
    status: number,
    seconds: number,
  ): void {
    // Children cached per label set: prom-client otherwise validates and hashes the labels on
    // every call, a tenth of a one-row request's cost (profiled).
    const key = `${labels.model}\u0000${labels.version}\u0000${labels.protocol}\u0000${status}`;
    let children = this.requestChildren.get(key);
    if (children === undefined) {
      children = {
        count: this.requests.labels({ ...labels, status: String(status) }),
        seconds: this.requestSeconds.labels(labels),
      };
      this.requestChildren.set(key, children);
    }
    children.count.inc();
    children.seconds.observe(seconds);
  }

  /** The exposition text and its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
