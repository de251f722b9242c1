/**
 * The loop behind every batched data change in a plan: walk a single-column primary key in ranges of
 * `size` keys and commit after each range, so that row locks last one batch and no transaction stays
 * open for the whole table. A re-run after a failure starts again from the smallest key; each batch
 * statement must skip what is already done. Outside a transaction only (COMMIT inside DO).
 */
import { quoteIdent } from '../sql';

export const BATCH_SIZE = 1000;

/** serial types name a column's default, not a type a variable can have. */
export function variableType(columnType: string): string {
  return { smallserial: 'smallint', serial2: 'smallint', serial: 'integer', serial4: 'integer', bigserial: 'bigint', serial8: 'bigint' }[columnType.toLowerCase()] ?? columnType;
}

export interface KeysetLoop {
  /** Table as SQL (relationSql). */
  rel: string;
  /** The primary key column (unquoted name) and its SQL type. */
  pk: string;
  pkType: string;
  size: number;
  /** Comment lines above the block. */
  comments: string[];
  /** Statements run once inside the block before the loop. */
  setup?: string[];
  /** The statement run for each batch; `inBatch` is the condition that selects the batch's keys. */
  batch: (inBatch: string) => string[];
}

export function keysetLoopSql(loop: KeysetLoop): string {
  const id = quoteIdent(loop.pk);
  const type = variableType(loop.pkType);
  return [
    ...loop.comments,
    'DO $$',
    'DECLARE',
    `  last_id ${type};`,
    `  batch_end ${type};`,
    'BEGIN',
    ...(loop.setup ?? []).map((s) => `  ${s}`),
    '  LOOP',
    `    SELECT max(${id}) INTO batch_end`,
    `      FROM (SELECT ${id} FROM ${loop.rel} WHERE last_id IS NULL OR ${id} > last_id ORDER BY ${id} LIMIT ${loop.size}) AS batch;`,
    '    EXIT WHEN batch_end IS NULL;',
    ...loop.batch(`(last_id IS NULL OR ${id} > last_id) AND ${id} <= batch_end`).map((line) => `    ${line}`),
    '    last_id := batch_end;',
    '    COMMIT;',
    '  END LOOP;',
    'END;',
    '$$;',
  ].join('\n');
}
