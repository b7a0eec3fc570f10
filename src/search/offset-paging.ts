import { InvalidParameterError } from '../errors/assay-error.js';
import { encodePageToken } from './page-token.js';

export interface MaxResultsRule {
  readonly max: number;
  /** MLflow's SQL stores let 0 through for some searches (an empty page). */
  readonly allowZero?: boolean;
  /**
   * MLflow words the upper-bound refusal two ways: the experiments store says "for max_results ...
   * at most N, but got M", the others "for request parameter max_results ... but got value M".
   */
  readonly wording: 'experiments' | 'request-parameter';
}

/** Checks a search's max_results with MLflow's messages. */
export function checkMaxResults(maxResults: number, rule: MaxResultsRule): void {
  if (!Number.isInteger(maxResults) || maxResults < (rule.allowZero ? 0 : 1)) {
    throw new InvalidParameterError(
      `Invalid value for max_results. It must be a positive integer, but got ${maxResults}`,
    );
  }
  if (maxResults > rule.max) {
    throw new InvalidParameterError(
      rule.wording === 'experiments'
        ? `Invalid value for max_results. It must be at most ${rule.max}, but got ${maxResults}`
        : `Invalid value for request parameter max_results. It must be at most ${rule.max}, but got value ${maxResults}`,
    );
  }
}

/**
 * One page of an offset-paged search, from rows fetched with `limit: maxResults + 1`: the extra row
 * only says that more follow, and a token is handed out exactly then.
 */
export function offsetPage<T>(
  rows: readonly T[],
  maxResults: number,
  offset: number,
): { rows: readonly T[]; nextPageToken: string | null } {
  const hasMore = rows.length > maxResults;
  return {
    rows: hasMore ? rows.slice(0, maxResults) : rows,
    nextPageToken: hasMore ? encodePageToken(offset + maxResults) : null,
  };
}
