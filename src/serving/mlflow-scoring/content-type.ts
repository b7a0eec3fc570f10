import { UnsupportedMediaTypeError } from './unsupported-media-type-error.js';

/** How a request body is read. */
export type BodyKind = 'json' | 'csv';

const KINDS: Readonly<Record<string, BodyKind>> = { 'application/json': 'json', 'text/csv': 'csv' };

/**
 * The body kind a Content-Type header names, checked as MLflow's scoring server checks it
 * (mlflow/pyfunc/scoring_server/__init__.py, `invocations`): `application/json` or `text/csv`, an
 * optional `charset` that must be UTF-8, no other parameter; anything else is a 415 with MLflow's
 * message. Unlike MLflow, the media type is matched case-insensitively (RFC 9110 says it is), and a
 * missing header is a 415 rather than a server error.
 */
export function bodyKind(contentType: string | undefined): BodyKind {
  const [mediaType = '', ...parameters] = (contentType ?? '').split(';').map((part) => part.trim());
  const kind = KINDS[mediaType.toLowerCase()];
  if (kind === undefined) {
    const got = contentType === undefined ? 'no Content-Type' : `'${contentType}'`;
    throw new UnsupportedMediaTypeError(
      `This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got ${got}.`,
    );
  }
  const unknown: string[] = [];
  for (const parameter of parameters) {
    if (parameter === '') continue;
    const [name = '', value = ''] = parameter.split('=', 2).map((part) => part.trim());
    if (name.toLowerCase() !== 'charset') unknown.push(name);
    else if (value.replace(/^"|"$/g, '').toLowerCase() !== 'utf-8') {
      throw new UnsupportedMediaTypeError('The scoring server only supports UTF-8');
    }
  }
  if (unknown.length > 0) {
    throw new UnsupportedMediaTypeError(`Unrecognized content type parameters: ${unknown.join(', ')}`);
  }
  return kind;
}
