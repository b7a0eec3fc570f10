import type { IncomingHttpHeaders } from 'node:http';
import type { Routed } from '../../serving/model-server.js';

/**
 * One inference request as the protocol handlers see it, apart from any HTTP framework: its headers
 * and whole body in, the response headers it sets (a prediction id, set before the work so that a
 * failure carries it too) and where it was routed.
 */
export interface InferenceExchange {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** performance.now() when the request arrived. */
  readonly startedAt: number;
  readonly responseHeaders: Record<string, string>;
  routed: Routed | null;
}

/** What a handler answers with (errors are thrown and mapped by the front, inference-front.ts). */
export interface InferenceAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly headers?: Record<string, string>;
  readonly body: Buffer | string;
}
