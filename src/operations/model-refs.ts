import { InvalidParameterError } from '../errors/assay-error.js';
import type { RegisteredModelsService } from '../registry/registered-models-service.js';

/** `NAME@VERSION` or `NAME@ALIAS` as typed: the name and what follows the last `@`. */
export interface ModelSelector {
  readonly name: string;
  readonly version: number | null;
  readonly alias: string | null;
}

export function parseModelRef(ref: unknown, field = 'model'): ModelSelector {
  if (typeof ref !== 'string' || ref === '') {
    throw new InvalidParameterError(`${field} must be NAME@VERSION or NAME@ALIAS`);
  }
  const at = ref.lastIndexOf('@');
  if (at <= 0 || at === ref.length - 1) {
    throw new InvalidParameterError(
      `${field} '${ref}' must name a version or an alias: NAME@VERSION (e.g. ${ref.replace(/@$/, '')}@1) or NAME@ALIAS (e.g. ${ref.replace(/@$/, '')}@production)`,
    );
  }
  return selector(ref.slice(0, at), ref.slice(at + 1));
}

/** A selector as typed: `NAME@VERSION` or `NAME@ALIAS` (parseModelRef reads it back). */
export function formatModelRef(selector: ModelSelector): string {
  return `${selector.name}@${selector.version ?? String(selector.alias)}`;
}

/** A version number or an alias, as in a URL path segment. */
export function selector(name: string, text: string): ModelSelector {
  if (/^\d+$/.test(text)) {
    const version = Number(text);
    if (!Number.isSafeInteger(version) || version < 1) {
      throw new InvalidParameterError(`Model version must be a positive integer, got '${text}'`);
    }
    return { name, version, alias: null };
  }
  return { name, version: null, alias: text };
}

/** `NAME` or `NAME@VERSION`: a dataset's latest version, or a given one. */
export function parseDatasetRef(
  ref: unknown,
  field = 'dataset',
): { name: string; version: number | 'latest' } {
  if (typeof ref !== 'string' || ref === '')
    throw new InvalidParameterError(`${field} must be NAME or NAME@VERSION`);
  const at = ref.lastIndexOf('@');
  if (at < 0) return { name: ref, version: 'latest' };
  const text = ref.slice(at + 1);
  if (text === 'latest') return { name: ref.slice(0, at), version: 'latest' };
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new InvalidParameterError(
      `${field} '${ref}': the version after '@' must be a positive integer or 'latest'`,
    );
  }
  return { name: ref.slice(0, at), version: Number(text) };
}

/** The version a selector names: its number, or the version its alias points at (a missing alias is an error naming it). */
export async function resolveModelVersion(
  models: Pick<RegisteredModelsService, 'get'>,
  selector: ModelSelector,
): Promise<number> {
  if (selector.version !== null) return selector.version;
  const model = await models.get(selector.name);
  const found = model.aliases.find((candidate) => candidate.alias === selector.alias);
  if (!found) {
    const known = model.aliases.map((candidate) => `${candidate.alias} -> ${candidate.version}`);
    throw new InvalidParameterError(
      `Model '${selector.name}' has no alias '${String(selector.alias)}' (its aliases: ${known.length > 0 ? known.join(', ') : 'none'})`,
    );
  }
  return found.version;
}
