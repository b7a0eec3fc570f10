/** RFC 9110 token characters: a name made only of these goes out unquoted, exactly as MLflow sends it. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * `attachment; filename=<name>` as MLflow writes it. Names MLflow would send malformed (spaces,
 * quotes, `;`) are quoted, and non-ASCII names get an RFC 6266 `filename*` with an ASCII fallback,
 * since Node refuses header values outside Latin-1.
 */
export function attachmentDisposition(fileName: string): string {
  if (TOKEN.test(fileName)) return `attachment; filename=${fileName}`;
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '\\$&');
  if (/^[\x20-\x7e]*$/.test(fileName)) return `attachment; filename="${fallback}"`;
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(fileName)}`;
}

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
