import type { FastifyInstance } from 'fastify';

/** The URL a listening app answers on (the port the OS chose when asked for 0). */
export function listeningUrl(app: FastifyInstance, config: { host: string; port: number }): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${port}`;
}

/**
 * A stop that runs once however often it is called: stop accepting, let in-flight requests finish
 * (connections still open after `graceMs` are closed), then `after` (close what the app used).
 */
export function gracefulStop(
  app: FastifyInstance,
  graceMs: number,
  after: () => Promise<void>,
): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      const grace = setTimeout(() => app.server.closeAllConnections(), graceMs);
      grace.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(grace);
        await after();
      }
    })();
    return stopping;
  };
}
