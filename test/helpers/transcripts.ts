import fs from 'node:fs';
import path from 'node:path';

export const TRANSCRIPTS_DIR = path.resolve(import.meta.dirname, '../fixtures/mlflow-transcripts');

export interface Exchange {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly request_content_type: string | null;
  readonly request: unknown;
  readonly status: number;
  readonly response_content_type: string | null;
  readonly response: unknown;
}

export function loadTranscript(name: string): Exchange[] {
  return fs
    .readFileSync(path.join(TRANSCRIPTS_DIR, name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Exchange);
}

/**
 * Rewrites the ids MLflow handed out in a recording into the ones Assay handed out in the replay,
 * so a later request that names "run 48c7..." names the run Assay created in its place.
 */
export class IdMap {
  private readonly ids = new Map<string, string>();

  learn(recorded: unknown, replayed: unknown): void {
    if (typeof recorded === 'string' && typeof replayed === 'string') {
      if (/^[0-9a-f]{32}$/.test(recorded) && recorded !== replayed) this.ids.set(recorded, replayed);
      return;
    }
    if (Array.isArray(recorded) && Array.isArray(replayed)) {
      recorded.forEach((item, index) => this.learn(item, replayed[index]));
      return;
    }
    if (recorded && replayed && typeof recorded === 'object' && typeof replayed === 'object') {
      for (const [key, value] of Object.entries(recorded)) {
        if (key === 'run_id' || key === 'run_uuid' || typeof value === 'object') {
          this.learn(value, (replayed as Record<string, unknown>)[key]);
        }
      }
    }
  }

  rewrite<T>(value: T): T {
    if (this.ids.size === 0) return value;
    const text = JSON.stringify(value);
    let rewritten = text;
    for (const [from, to] of this.ids) rewritten = rewritten.split(from).join(to);
    return JSON.parse(rewritten) as T;
  }
}
