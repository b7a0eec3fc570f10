import { InvalidParameterError } from '../errors/assay-error.js';

/** An Assay server's base URL as serving processes talk to it (`assay serve --uri`). */
export interface AssayServerUrl {
  /** Origin and path prefix, without credentials or a trailing '/': safe for messages. */
  readonly base: string;
  readonly https: boolean;
  /** `authorization` when the URL carried credentials, else empty. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Checks an Assay server URL (http or https) and splits its credentials off: they travel as HTTP
 * Basic, as the CLI's and MLflow's clients send them. A path prefix is kept.
 */
export function parseAssayServerUrl(text: string): AssayServerUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidParameterError(`The Assay server URL '${text}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidParameterError(`The Assay server URL '${text}' must start with http:// or https://`);
  }
  const headers: Record<string, string> = {};
  if (url.username !== '') {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  // A trailing '/' would double the paths' own.
  return {
    base: `${url.origin}${url.pathname.replace(/\/+$/, '')}`,
    https: url.protocol === 'https:',
    headers,
  };
}
