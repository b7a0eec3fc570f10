import type { Predictions } from '../model-spec.js';
import type { ScoreRequest } from './scoring-protocol.js';

/** Somewhere a piece of a batch is scored: a worker thread, or the calling thread itself. */
export interface ScoringLane {
  /** Requests taken and not yet answered. */
  readonly pending: number;
  /** True once the lane can score nothing more (its thread stopped): it is given nothing. */
  readonly failed: boolean;
  /** Answers with the request's predictions. */
  score(request: ScoreRequest): Promise<Predictions>;
  /** Waits for what was taken, then lets go of the session (and the thread). */
  close(): Promise<void>;
}
