import { describe, expect, it } from 'vitest';
import { planBatches, ROW_OVERHEAD_BYTES } from './batching.js';

const limits = { maxRowsPerStatement: 3, maxStatementBytes: 1000, maxTransactionBytes: 2500 };

describe('planBatches', () => {
  it('keeps a small batch in one statement of one transaction', () => {
    expect(planBatches([10, 10], limits)).toEqual([[{ from: 0, to: 2 }]]);
    expect(planBatches([], limits)).toEqual([]);
  });

  it('ends statements at maxRowsPerStatement and at maxStatementBytes', () => {
    expect(planBatches([1, 1, 1, 1, 1, 1, 1], limits)).toEqual([
      [
        { from: 0, to: 3 },
        { from: 3, to: 6 },
        { from: 6, to: 7 },
      ],
    ]);
    const big = 600 - ROW_OVERHEAD_BYTES; // two of them exceed one statement's 1000 bytes
    expect(planBatches([big, big, big], limits)).toEqual([
      [
        { from: 0, to: 1 },
        { from: 1, to: 2 },
        { from: 2, to: 3 },
      ],
    ]);
  });

  it('splits into transactions at maxTransactionBytes, in order, covering every line once', () => {
    const sizes = Array.from({ length: 10 }, () => 700 - ROW_OVERHEAD_BYTES);
    const plan = planBatches(sizes, limits);
    expect(plan).toEqual([
      [
        { from: 0, to: 1 },
        { from: 1, to: 2 },
        { from: 2, to: 3 },
      ],
      [
        { from: 3, to: 4 },
        { from: 4, to: 5 },
        { from: 5, to: 6 },
      ],
      [
        { from: 6, to: 7 },
        { from: 7, to: 8 },
        { from: 8, to: 9 },
      ],
      [{ from: 9, to: 10 }],
    ]);
  });

  it('gives a line larger than every limit a statement and a transaction of its own', () => {
    expect(planBatches([10, 5000, 10], limits)).toEqual([
      [{ from: 0, to: 1 }],
      [{ from: 1, to: 2 }],
      [{ from: 2, to: 3 }],
    ]);
  });
});
