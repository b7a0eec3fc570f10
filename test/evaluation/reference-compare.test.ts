import { describe, expect, it } from 'vitest';
import { referenceMismatches } from './support/reference-compare.js';

// The fixture tests are only as strict as this comparison: check that it does fail.
describe('referenceMismatches', () => {
  it('applies exact, relative and absolute tolerances by key', () => {
    expect(
      referenceMismatches({ n: 3, accuracy: 0.5, log_loss: 0.1 }, { n: 3, accuracy: 0.5, log_loss: 0.1 }),
    ).toEqual([]);
    expect(referenceMismatches({ log_loss: 0.1 + 5e-7 }, { log_loss: 0.1 })).toEqual([]);
    expect(referenceMismatches({ log_loss: 0.1 + 2e-6 }, { log_loss: 0.1 })).toHaveLength(1);
    expect(referenceMismatches({ accuracy: 0.5 + 1e-8 }, { accuracy: 0.5 })).toHaveLength(1);
    expect(referenceMismatches({ n: 4 }, { n: 3 })).toHaveLength(1);
    expect(referenceMismatches({ transitions: [[1, 2]] }, { transitions: [[1, 3]] })).toHaveLength(1);
    expect(referenceMismatches({}, { crossings: { '0.5': { up: 1 } } })).toHaveLength(1);
    expect(referenceMismatches({ btc: null }, { btc: 1 })).toHaveLength(1);
  });
});
