/**
 * MLflow refuses an order_by naming the same field twice (after aliases are resolved), quoting the
 * whole request list. 2.10.2 answers 500 for it (no error code); Assay answers 400.
 */
import { InvalidParameterError } from '../errors/assay-error.js';
import { pyListRepr } from '../util/python-repr.js';

export class DuplicateFieldGuard {
  private readonly seen = new Set<string>();

  constructor(private readonly clauses: readonly string[]) {}

  /** Records a field (e.g. `metric\u0000acc`); throws when it was already there. */
  add(field: string): void {
    if (this.seen.has(field)) {
      throw new InvalidParameterError(`\`order_by\` contains duplicate fields: ${pyListRepr(this.clauses)}`);
    }
    this.seen.add(field);
  }
}
