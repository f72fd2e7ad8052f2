/**
 * Splitting an `append` batch into multi-row INSERT statements and transactions that fit the
 * server's limits:
 * - a statement must fit in `max_allowed_packet` (TiDB 64 MiB, MariaDB 16 MiB by default), and
 *   its text is escaped (up to twice the bytes) by the driver: statements stop at
 *   `maxStatementBytes` (default 4 MiB) or `maxRowsPerStatement` rows;
 * - a transaction must stay under TiDB's `txn-total-size-limit` (100 MiB by default; large
 *   transactions also cost TiDB memory): transactions stop at `maxTransactionBytes` (default
 *   32 MiB); a batch larger than that is written as several transactions, in order;
 * - one row must stay under TiDB's `txn-entry-size-limit` (6 MiB): `checkLines` refuses longer
 *   texts before anything is written.
 * Sizes are estimated from the text's UTF-8 length plus a fixed per-row overhead.
 */

/** Bytes a row costs besides its text: two 16-byte keys as hex literals, numbers, separators. */
export const ROW_OVERHEAD_BYTES = 128;

export interface BatchLimits {
  readonly maxRowsPerStatement: number;
  readonly maxStatementBytes: number;
  readonly maxTransactionBytes: number;
}

/** Half-open index ranges [from, to) into the batch. */
export interface StatementRange {
  readonly from: number;
  readonly to: number;
}

/** Statements grouped into transactions; each statement holds at least one row. */
export function planBatches(textBytes: readonly number[], limits: BatchLimits): StatementRange[][] {
  const transactions: StatementRange[][] = [];
  let statements: StatementRange[] = [];
  let transactionBytes = 0;
  let from = 0;
  let statementBytes = 0;
  const endStatement = (to: number): void => {
    if (to > from) statements.push({ from, to });
    from = to;
    statementBytes = 0;
  };
  for (let i = 0; i < textBytes.length; i++) {
    const bytes = (textBytes[i] ?? 0) + ROW_OVERHEAD_BYTES;
    if (
      i > from &&
      (i - from >= limits.maxRowsPerStatement || statementBytes + bytes > limits.maxStatementBytes)
    )
      endStatement(i);
    if (transactionBytes > 0 && transactionBytes + bytes > limits.maxTransactionBytes) {
      endStatement(i);
      transactions.push(statements);
      statements = [];
      transactionBytes = 0;
    }
    statementBytes += bytes;
    transactionBytes += bytes;
  }
  endStatement(textBytes.length);
  if (statements.length > 0) transactions.push(statements);
  return transactions;
}
