/**
 * The SQL pieces every expand/contract plan is built from, written once so that each plan's trigger,
 * backfill and divergence check behave the same way:
 * - a dual-write trigger that keeps an old and a new column equal whichever one the application
 *   writes, and leaves writes made by other triggers alone (pg_trigger_depth guard: no recursion);
 * - a batched, resumable backfill that walks a single-column primary key and commits each batch
 *   (it must run outside a transaction);
 * - a divergence check that aborts the contract step while any row still differs.
 */
import { quoteIdent } from '../sql';
import { BATCH_SIZE, keysetLoopSql } from './keyset-batches';

/** A SQL string literal. */
export const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

export interface SyncTrigger {
  /** Table as SQL (relationSql). */
  rel: string;
  /** Function name as SQL, schema-qualified like the table (siblingSql). */
  fn: string;
  /** Trigger name (unqualified, quoted as needed). */
  trigger: string;
  oldCol: string;
  newCol: string;
  /** old → new as an expression over NEW (default: the old column itself), e.g. `NEW.amount::bigint`. */
  toNew?: string;
  /** new → old as an expression over NEW (default: the new column itself). */
  toOld?: string;
}

/**
 * A BEFORE INSERT OR UPDATE row trigger and its function around `body` (plpgsql lines that may change
 * NEW). Writes made by other triggers pass untouched (pg_trigger_depth guard): they are not the
 * application writing, and copying them again could recurse.
 */
export function beforeRowTriggerSql(t: Pick<SyncTrigger, 'rel' | 'fn' | 'trigger'>, comment: string, body: string[]): string {
  return [
    `-- ${comment}`,
    `CREATE FUNCTION ${t.fn}() RETURNS trigger LANGUAGE plpgsql AS $$`,
    'BEGIN',
    '  -- Writes made by other triggers are left alone: they are not the application writing.',
    '  IF pg_trigger_depth() > 1 THEN',
    '    RETURN NEW;',
    '  END IF;',
    ...body,
    '  RETURN NEW;',
    'END;',
    '$$;',
    '',
    `CREATE TRIGGER ${t.trigger} BEFORE INSERT OR UPDATE ON ${t.rel}`,
    `  FOR EACH ROW EXECUTE FUNCTION ${t.fn}();`,
  ].join('\n');
}

/** CREATE FUNCTION + CREATE TRIGGER that keep the two columns equal, with a comment saying so. */
export function syncTriggerSql(t: SyncTrigger): string {
  const oldRef = `NEW.${quoteIdent(t.oldCol)}`;
  const newRef = `NEW.${quoteIdent(t.newCol)}`;
  const toNew = t.toNew ?? oldRef;
  const toOld = t.toOld ?? newRef;
  return beforeRowTriggerSql(t, `Keeps ${t.oldCol} and ${t.newCol} equal whichever one the application writes.`, [
    "  IF TG_OP = 'INSERT' THEN",
    '    -- The new column has no default, so a value in it was written by the release that uses it;',
    '    -- the old column may hold only its default.',
    `    IF ${newRef} IS NOT NULL THEN`,
    `      ${oldRef} := ${toOld};`,
    '    ELSE',
    `      ${newRef} := ${toNew};`,
    '    END IF;',
    `  ELSIF ${newRef} IS DISTINCT FROM OLD.${quoteIdent(t.newCol)} THEN`,
    `    ${oldRef} := ${toOld};`,
    `  ELSIF ${oldRef} IS DISTINCT FROM OLD.${quoteIdent(t.oldCol)} THEN`,
    `    ${newRef} := ${toNew};`,
    '  END IF;',
  ]);
}

/** Drops what syncTriggerSql created (IF EXISTS: also the down of a half-applied expand). */
export function dropSyncTriggerSql(t: Pick<SyncTrigger, 'rel' | 'fn' | 'trigger'>, ifExists = false): string {
  const guard = ifExists ? 'IF EXISTS ' : '';
  return `DROP TRIGGER ${guard}${t.trigger} ON ${t.rel};\nDROP FUNCTION ${guard}${t.fn}();`;
}

export interface BatchedUpdate {
  rel: string;
  /** The primary key column (unquoted name) and its SQL type. */
  pk: string;
  pkType: string;
  /** The SET list, e.g. `email_address = email`. */
  set: string;
  /** Rows that still need the update (makes a re-run skip done rows), e.g. `email_address IS DISTINCT FROM email`. */
  pending: string;
  /** What the block does, for its comment. */
  what: string;
  batchSize?: number;
}

/**
 * A DO block that runs the UPDATE in primary-key batches, committing each one: short row locks, no
 * long transaction, and a re-run after a failure skips the rows already done. Outside a transaction only.
 */
export function batchedUpdateSql(b: BatchedUpdate): string {
  const size = b.batchSize ?? BATCH_SIZE;
  return keysetLoopSql({
    ...b,
    size,
    comments: [`-- ${b.what}, ${size} rows at a time in ${b.pk} order, committing each batch.`, '-- Safe to run again: rows already done are skipped.'],
    batch: (inBatch) => [`UPDATE ${b.rel} SET ${b.set}`, `  WHERE ${inBatch} AND (${b.pending});`],
  });
}

/** A DO block that raises (and so aborts the migration) while any row matches `differs`. */
export function divergenceCheckSql(rel: string, differs: string, message: string): string {
  return [
    '-- The trigger is the only thing keeping the two columns equal: make sure they are before it goes.',
    'DO $$',
    'BEGIN',
    `  IF EXISTS (SELECT 1 FROM ${rel} WHERE ${differs}) THEN`,
    `    RAISE EXCEPTION ${literal(message)};`,
    '  END IF;',
    'END;',
    '$$;',
  ].join('\n');
}

/**
 * The contract's DROP COLUMN. drop-column's warning (the application must have stopped using the
 * column) is what the plan's deploy step guarantees, so the directive records that instead of leaving
 * a warning the plan already answers.
 */
export function dropOriginalColumnSql(rel: string, column: string, replacement: string): string {
  return `-- safe-migrations-ignore drop-column: the release deployed before this migration uses ${replacement} only\nALTER TABLE ${rel} DROP COLUMN ${quoteIdent(column)};`;
}
