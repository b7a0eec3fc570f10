import type { CanaryHaltRules } from './deployment-spec.js';

/** What the canary answered in the rules' window. */
export interface CanaryWindow {
  readonly requests: number;
  /** Answered with a server-side failure (5xx). */
  readonly failures: number;
  /** p99 of the window's latencies in ms; null without requests. */
  readonly p99Ms: number | null;
}

/**
 * Why the canary must be halted under `rules`, or null when it may go on. Pure: the decision is a
 * function of the window alone (tested by tables in test/serving/deployments).
 */
export function haltReason(rules: CanaryHaltRules, window: CanaryWindow): string | null {
  if (window.requests === 0 || window.requests < rules.minRequests) return null;
  const errorRate = window.failures / window.requests;
  if (rules.maxErrorRate !== null && errorRate > rules.maxErrorRate) {
    return `error rate ${round(errorRate * 100)}% over ${window.requests} requests is above the limit of ${round(rules.maxErrorRate * 100)}%`;
  }
  if (rules.maxP99Ms !== null && window.p99Ms !== null && window.p99Ms > rules.maxP99Ms) {
    return `p99 latency ${round(window.p99Ms)} ms over ${window.requests} requests is above the limit of ${rules.maxP99Ms} ms`;
  }
  return null;
}

function round(value: number): number {
  return Number(value.toPrecision(3));
}

/** Outcomes kept at most: the window is also bounded by count, so memory stays flat under any load. */
const MAX_OUTCOMES = 20_000;

/**
 * The canary's recent outcomes, in a ring: time, latency and whether it failed. `window(now)` reads
 * those within the rules' window.
 */
export class CanaryMonitor {
  private readonly times = new Float64Array(MAX_OUTCOMES);
  private readonly latencies = new Float64Array(MAX_OUTCOMES);
  private readonly failed = new Uint8Array(MAX_OUTCOMES);
  private count = 0;

  constructor(private readonly windowMs: number) {}

  record(now: number, latencyMs: number, failure: boolean): void {
    const at = this.count % MAX_OUTCOMES;
    this.times[at] = now;
    this.latencies[at] = latencyMs;
    this.failed[at] = failure ? 1 : 0;
    this.count += 1;
  }

  window(now: number): CanaryWindow {
    const kept = Math.min(this.count, MAX_OUTCOMES);
    const from = now - this.windowMs;
    const latencies: number[] = [];
    let failures = 0;
    for (let i = 0; i < kept; i += 1) {
      if ((this.times[i] as number) < from) continue;
      latencies.push(this.latencies[i] as number);
      failures += this.failed[i] as number;
    }
    if (latencies.length === 0) return { requests: 0, failures: 0, p99Ms: null };
    latencies.sort((x, y) => x - y);
    // Nearest rank: the smallest latency at or above which 1% of requests lie.
    const rank = Math.ceil(0.99 * latencies.length) - 1;
    return { requests: latencies.length, failures, p99Ms: latencies[rank] as number };
  }
}
