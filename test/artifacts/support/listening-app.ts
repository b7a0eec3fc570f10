import { createAppHarness, type AppHarness } from '../../helpers/app-harness.js';
import type { FreshStore } from '../../helpers/stores.js';

export interface ListeningApp extends AppHarness {
  /** The port of a real server on 127.0.0.1, for tests where the network itself is under test. */
  readonly port: number;
}

export async function createListeningApp(
  store: FreshStore,
  options: { artifactUploadLimitBytes?: number; bodyLimitBytes?: number } = {},
): Promise<ListeningApp> {
  const harness = await createAppHarness(store, options);
  await harness.app.listen({ host: '127.0.0.1', port: 0 });
  const address = harness.app.server.address();
  if (address === null || typeof address === 'string')
    throw new Error('server is not listening on a TCP port');
  return { ...harness, port: address.port };
}
