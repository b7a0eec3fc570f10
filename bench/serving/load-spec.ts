/** What the load child (load-child.ts) is asked to do and what it answers; JSON both ways. */
export interface LoadSpec {
  readonly url: string;
  readonly headers: Record<string, string>;
  /** The request body, sent as is on every request; read once. */
  readonly bodyFile: string;
  readonly connections: number;
  /** Requests per second over all connections, paced open-loop (paced-load-child.ts); none: as fast as answered. */
  readonly overallRate?: number;
  /** A run of the same load first, not measured (JIT, connection set-up, batch sizes settling). */
  readonly warmupSeconds: number;
  readonly seconds: number;
}

/** Milliseconds, each response timed from its request's first byte sent to its last byte received. */
export interface Latency {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export interface LoadResult {
  /** What made the load. */
  readonly generator: 'wrk' | 'autocannon' | 'paced';
  readonly seconds: number;
  /** Requests written (including those without an answer when the run stopped). */
  readonly sent: number;
  /** Paced load only: requests sent more than 5 ms after they were due (every connection was busy, or the generator fell behind). */
  readonly late?: number;
  readonly answered: number;
  /** 2xx answers. */
  readonly ok: number;
  /** Answers by HTTP status. */
  readonly statuses: Record<string, number>;
  /** Connection errors and timeouts (autocannon's `errors` includes the timeouts). */
  readonly errors: number;
  readonly timeouts: number;
  readonly okPerSecond: number;
  /** Of 2xx answers only. */
  readonly okLatency: Latency | null;
  /** Of every other answer (a 503 refusal, say). */
  readonly otherLatency: Latency | null;
}
