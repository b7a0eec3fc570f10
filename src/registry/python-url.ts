/**
 * Python's `urllib.parse` as MLflow's source checks use it: `urlparse` (scheme, netloc, path,
 * hostname) and `unquote` / `unquote_plus`. Reproduced rather than replaced by WHATWG URL parsing,
 * because what counts as "the path" decides what the traversal check sees.
 */

export interface ParsedUrl {
  readonly scheme: string;
  readonly netloc: string;
  readonly path: string;
  /** Lower-cased host without user info or port; null when there is none. */
  readonly hostname: string | null;
}

const SCHEME_CHARS = /^[A-Za-z][A-Za-z0-9+.-]*$/;
// Schemes whose last path segment may carry `;params` (urllib.parse.uses_params).
const USES_PARAMS = new Set([
  '',
  'ftp',
  'hdl',
  'prospero',
  'http',
  'imap',
  'https',
  'shttp',
  'rtsp',
  'rtspu',
  'sip',
  'sips',
  'mms',
  'sftp',
  'tel',
]);

export function pythonUrlParse(input: string, allowFragments = true): ParsedUrl {
  // urlsplit drops leading C0 controls and spaces, and every tab, CR and LF.
  let start = 0;
  while (start < input.length && input.charCodeAt(start) <= 0x20) start += 1;
  let url = input.slice(start).replace(/[\t\r\n]/g, '');
  let scheme = '';
  const colon = url.indexOf(':');
  if (colon > 0 && SCHEME_CHARS.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    url = url.slice(colon + 1);
  }
  let netloc = '';
  if (url.startsWith('//')) {
    let end = url.length;
    for (const delimiter of ['/', '?', '#']) {
      const at = url.indexOf(delimiter, 2);
      if (at >= 0) end = Math.min(end, at);
    }
    netloc = url.slice(2, end);
    url = url.slice(end);
  }
  if (allowFragments && url.includes('#')) url = url.slice(0, url.indexOf('#'));
  if (url.includes('?')) url = url.slice(0, url.indexOf('?'));
  if (USES_PARAMS.has(scheme) && url.includes(';')) url = splitParams(url);
  return { scheme, netloc, path: url, hostname: hostnameOf(netloc) };
}

function splitParams(url: string): string {
  const at = url.includes('/') ? url.indexOf(';', url.lastIndexOf('/')) : url.indexOf(';');
  return at < 0 ? url : url.slice(0, at);
}

function hostnameOf(netloc: string): string | null {
  const host = netloc.slice(netloc.lastIndexOf('@') + 1);
  let name: string;
  if (host.includes('[')) {
    const close = host.indexOf(']');
    name = host.slice(host.indexOf('[') + 1, close < 0 ? undefined : close);
  } else {
    name = host.split(':')[0] ?? '';
  }
  return name === '' ? null : name.toLowerCase();
}

/**
 * `urllib.parse.unquote`: `%XX` escapes become bytes, decoded as UTF-8 with replacement characters;
 * malformed escapes stay as written. Non-ASCII text passes through untouched.
 */
export function pythonUnquote(text: string): string {
  if (!text.includes('%')) return text;
  // Python decodes each run of ASCII text on its own; other characters pass through.
  let result = '';
  let run = '';
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) {
      run += char;
    } else {
      result += decodeEscapes(run) + char;
      run = '';
    }
  }
  return result + decodeEscapes(run);
}

function decodeEscapes(ascii: string): string {
  if (!ascii.includes('%')) return ascii;
  const bytes: number[] = [];
  for (let i = 0; i < ascii.length; i += 1) {
    const hex = ascii.slice(i + 1, i + 3);
    if (ascii[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(ascii.charCodeAt(i));
    }
  }
  return new TextDecoder('utf-8').decode(new Uint8Array(bytes));
}

/** `urllib.parse.unquote_plus`: `+` is a space, then `unquote`. */
export function pythonUnquotePlus(text: string): string {
  return pythonUnquote(text.replace(/\+/g, ' '));
}
