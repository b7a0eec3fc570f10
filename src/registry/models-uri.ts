import { InvalidParameterError } from '../errors/assay-error.js';
import { pythonUrlParse } from './python-url.js';

/** A `models:/` URI: exactly one of version, stage, alias, or none of them for "latest". */
export interface ModelsUri {
  readonly name: string;
  readonly version?: string;
  readonly stage?: string;
  readonly alias?: string;
}

export function isModelsUri(uri: string): boolean {
  return pythonUrlParse(uri).scheme === 'models';
}

/**
 * MLflow's `_parse_model_uri`: `models:/name/<version|stage|latest>` or `models:/name@alias`.
 * MLflow raises this without an error code (500); Assay answers 400 with the same message.
 */
export function parseModelsUri(uri: string): ModelsUri {
  const improper = new InvalidParameterError(
    `Not a proper models:/ URI: ${uri}. Models URIs must be of the form 'models:/model_name/suffix' or 'models:/model_name@alias' where suffix is a model version, stage, or the string 'latest' and where alias is a registered model alias. Only one of suffix or alias can be defined at a time.`,
  );
  const parsed = pythonUrlParse(uri, false);
  if (parsed.scheme !== 'models' || !parsed.path.startsWith('/') || parsed.path.length <= 1) throw improper;
  const parts = parsed.path.replace(/^\/+/, '').split('/');
  const [name = '', suffix] = parts;
  if (parts.length > 2 || name.trim() === '') throw improper;
  if (suffix !== undefined) {
    if (suffix.trim() === '') throw improper;
    if (/^\d+$/.test(suffix)) return { name, version: suffix };
    if (suffix.toLowerCase() === 'latest') return { name };
    return { name, stage: suffix };
  }
  const at = name.lastIndexOf('@');
  const alias = at < 0 ? '' : name.slice(at + 1);
  if (at < 0 || alias.trim() === '') throw improper;
  return { name: name.slice(0, at), alias };
}
