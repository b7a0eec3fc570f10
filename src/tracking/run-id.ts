import { randomBytes } from 'node:crypto';

/**
 * A new run id: 32 lowercase hex characters, as MLflow's (uuid4().hex), but time-ordered like a
 * UUIDv7: 48 bits of milliseconds, then 80 random bits. Every table keyed by run id then grows at
 * its right edge instead of at a random leaf, so a commit writes a few shared pages instead of one
 * page per table per run; ids stay unguessable and unique.
 */
export function newRunId(now: number = Date.now()): string {
  return now.toString(16).padStart(12, '0').slice(-12) + randomBytes(10).toString('hex');
}
