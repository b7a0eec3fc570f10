import { Pool } from 'undici';

/** A keep-alive HTTP client for load: `connections` sockets, JSON in and out. */
export class JsonClient {
  private readonly pool: Pool;

  constructor(origin: string, connections: number) {
    this.pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  async post(path: string, body: string): Promise<unknown> {
    const response = await this.pool.request({
      method: 'POST',
      path,
      body,
      headers: { 'content-type': 'application/json' },
    });
    const text = await response.body.text();
    if (response.statusCode !== 200)
      throw new Error(`POST ${path}: ${response.statusCode} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  }

  async get(path: string): Promise<unknown> {
    const response = await this.pool.request({ method: 'GET', path });
    const text = await response.body.text();
    if (response.statusCode !== 200)
      throw new Error(`GET ${path}: ${response.statusCode} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Runs `tasks` with at most `concurrency` in flight. */
export async function runConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}
