import type { AssayClient } from '../client/assay-client.js';
import { serverConfigSchema } from '../config/config.js';
import type { GlobalOptions } from './global-options.js';

/**
 * The client a command works through: a server when `--uri` / ASSAY_URI names one, otherwise the
 * embedded store the server would use by default (ASSAY_STORE / ASSAY_ARTIFACTS, else ./assay-data).
 */
export async function connect(options: GlobalOptions): Promise<AssayClient> {
  // Loaded on demand: the embedded store brings onnxruntime, Arrow and the database drivers, which
  // a command against a server (or `--help`) has no use for.
  if (options.uri) {
    const { HttpClient } = await import('../client/http-client.js');
    return new HttpClient(options.uri);
  }
  const { LocalClient } = await import('../client/local-client.js');
  const defaults = serverConfigSchema.parse({});
  return LocalClient.open({
    store: process.env.ASSAY_STORE || defaults.store,
    artifacts: process.env.ASSAY_ARTIFACTS || defaults.artifacts,
  });
}

/** Runs `work` with a client and closes it, whatever happens. */
export async function withClient<T>(
  options: GlobalOptions,
  work: (client: AssayClient) => Promise<T>,
): Promise<T> {
  const client = await connect(options);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}
