/**
 * A DELETE in primary-key batches, each committed on its own: the companion of batchedUpdateSql for
 * removing rows. A re-run skips what is done by itself, since deleted rows are gone.
 */
import { BATCH_SIZE, keysetLoopSql } from './keyset-batches';

export interface BatchedDelete {
  /** Table as SQL (relationSql), with ONLY and an alias when the statement had them. */
  rel: string;
  /** The primary key column (unquoted name) and its SQL type. */
  pk: string;
  pkType: string;
  /** The rows to delete (the original WHERE), or undefined for all of them. */
  condition?: string;
  /** What the block does, for its comment. */
  what: string;
  /** Statements run first inside the block (session settings the DELETE depends on). */
  setup?: string[];
  batchSize?: number;
}

/**
 * A DO block that deletes in key ranges of `batchSize` rows, committing each one: row locks on one
 * batch at a time and no long transaction. Each batch is a range of the key, matched or not, so a
 * batch deletes at most `batchSize` rows. Outside a transaction only.
 */
export function batchedDeleteSql(b: BatchedDelete): string {
  const size = b.batchSize ?? BATCH_SIZE;
  return keysetLoopSql({
    ...b,
    size,
    comments: [`-- ${b.what}, ${size} rows of ${b.pk} at a time, committing each batch.`, '-- Safe to run again: deleted rows are gone, so a re-run only finds what is left.'],
    batch: (inBatch) => [`DELETE FROM ${b.rel}`, `  WHERE ${inBatch}${b.condition ? ` AND (${b.condition})` : ''};`],
  });
}
