/**
 * The grammar of one order_by clause, shared by every search kind (MLflow's
 * SearchUtils._parse_order_by_string): `<identifier> [ASC|DESC]`, exactly. The identifier is
 * lexed as in filters; no leading or trailing whitespace, no commas, no NULLS LAST.
 */
import { InvalidParameterError } from '../errors/assay-error.js';
import type { Token } from './filter-tokenizer.js';
import { tokenize } from './filter-tokenizer.js';
import { shlexSplit } from './shlex-split.js';

export interface OrderByText {
  /** The identifier, still to be checked by the search kind (MLflow strips it; so do callers). */
  readonly identifier: string;
  readonly ascending: boolean;
}

function isDirection(token: Token | undefined): boolean {
  return token?.keyword === 'ASC' || token?.keyword === 'DESC';
}

/**
 * sqlparse must see the clause as a single identifier: a name, then words separated by
 * whitespace that it folds into the identifier (ASC/DESC, or an alias-like name). A lone
 * `timestamp`, which sqlparse lexes as a builtin rather than a name, is special-cased by MLflow
 * for registered models, alone or with a direction.
 */
function identifierText(clause: string, tokens: readonly Token[]): string | null {
  const [first, ...rest] = tokens;
  if (!first) return null;
  const words = rest.filter((_, index) => index % 2 === 1);
  const spaces = rest.filter((_, index) => index % 2 === 0);
  if (rest.length % 2 !== 0 || !spaces.every((token) => token.kind === 'whitespace')) return null;
  if (first.keyword === 'TIMESTAMP') {
    if (words.length === 0) return 'timestamp';
    const last = words[0];
    return words.length === 1 && last && isDirection(last) ? `timestamp ${last.text}` : null;
  }
  if (first.kind !== 'name') return null;
  return words.every((token) => token.kind === 'name' || isDirection(token)) ? clause : null;
}

export function parseOrderByClause(clause: string): OrderByText {
  const notParsed = new InvalidParameterError(`Invalid order_by clause '${clause}'. Could not be parsed.`);
  const text = identifierText(clause, tokenize(clause));
  if (text === null) throw notParsed;
  const words = shlexSplit(text.replaceAll('`', '"'));
  if (words === null || words.length > 2) throw notParsed;
  if (words.length < 2) return { identifier: text, ascending: true };
  const direction = (words[1] ?? '').toLowerCase();
  if (direction !== 'asc' && direction !== 'desc') {
    throw new InvalidParameterError(`Invalid ordering key in order_by clause '${clause}'.`);
  }
  // With a direction MLflow continues with shlex's first word, quotes removed; without one it
  // keeps the identifier as written. `` `metrics.a` DESC `` thus works but `` `metrics.a` `` fails.
  return { identifier: words[0] ?? '', ascending: direction === 'asc' };
}
