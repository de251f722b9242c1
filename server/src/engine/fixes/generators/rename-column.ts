/**
 * RENAME COLUMN → expand and contract, so that the running application never sees its column vanish:
 * - expand: add the new column and a trigger that copies writes to either column into the other;
 * - backfill: copy old → new in primary-key batches, each committed on its own (short row locks,
 *   resumable: a re-run skips rows already equal);
 * - contract (after the application reads and writes only the new column): refuse to go on if any row
 *   differs, then drop the trigger, its function and the old column.
 * The batches walk the primary key, so the plan needs a single-column primary key from the schema.
 */
import { relationKey, relationLabel } from '../../dialects/postgres/ast';
import { describeLock } from '../../locks/modes';
import type { Generator } from '../generator';
import { schemaBefore } from '../schema-at';
import { generatedName, quoteIdent, relationSql, removeStatement, siblingSql } from '../sql';

const BATCH_SIZE = 1000;

export const renameColumn: Generator = {
  rule: 'rename-column',
  draft({ stmt, text, statements, ctx }) {
    const rename = stmt.as('RenameStmt');
    if (!rename?.relation?.relname || rename.renameType !== 'OBJECT_COLUMN' || !rename.subname || !rename.newname) return null;
    const table = schemaBefore(ctx, stmt, statements).table(relationKey(rename.relation));
    const column = table?.columns.get(rename.subname);
    const pk = table?.constraints.find((c) => c.kind === 'primary-key');
    // Without a known single-column primary key there is no safe batching order to write down.
    if (!table || !column || !pk || pk.columns.length !== 1) return null;
    const pkColumn = table.columns.get(pk.columns[0]);
    if (!pkColumn) return null;

    const label = relationLabel(rename.relation);
    const rel = relationSql(rename.relation);
    const oldCol = quoteIdent(rename.subname);
    const newCol = quoteIdent(rename.newname);
    const id = quoteIdent(pkColumn.name);
    const syncName = generatedName(rename.relation.relname, 'sync', rename.newname);
    const fn = siblingSql(rename.relation, syncName);
    const trigger = quoteIdent(syncName);

    const expand = [
      `ALTER TABLE ${rel} ADD COLUMN ${newCol} ${column.type};`,
      '',
      `-- Keeps ${rename.subname} and ${rename.newname} equal whichever one the application writes.`,
      `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$`,
      'BEGIN',
      '  -- Writes made by other triggers are left alone: they are not the application writing one side.',
      '  IF pg_trigger_depth() > 1 THEN',
      '    RETURN NEW;',
      '  END IF;',
      "  IF TG_OP = 'INSERT' THEN",
      `    IF NEW.${newCol} IS NULL THEN`,
      `      NEW.${newCol} := NEW.${oldCol};`,
      `    ELSIF NEW.${oldCol} IS NULL THEN`,
      `      NEW.${oldCol} := NEW.${newCol};`,
      '    END IF;',
      `  ELSIF NEW.${newCol} IS DISTINCT FROM OLD.${newCol} THEN`,
      `    NEW.${oldCol} := NEW.${newCol};`,
      `  ELSIF NEW.${oldCol} IS DISTINCT FROM OLD.${oldCol} THEN`,
      `    NEW.${newCol} := NEW.${oldCol};`,
      '  END IF;',
      '  RETURN NEW;',
      'END;',
      '$$;',
      '',
      `CREATE TRIGGER ${trigger} BEFORE INSERT OR UPDATE ON ${rel}`,
      `  FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
    ].join('\n');

    const backfill = [
      `-- Copies ${rename.subname} into ${rename.newname} ${BATCH_SIZE} rows at a time in ${pkColumn.name} order, committing each batch.`,
      '-- Safe to run again: rows that already match are skipped.',
      'DO $$',
      'DECLARE',
      `  last_id ${pkColumn.type};`,
      `  batch_end ${pkColumn.type};`,
      'BEGIN',
      '  LOOP',
      `    SELECT max(${id}) INTO batch_end`,
      `      FROM (SELECT ${id} FROM ${rel} WHERE last_id IS NULL OR ${id} > last_id ORDER BY ${id} LIMIT ${BATCH_SIZE}) AS batch;`,
      '    EXIT WHEN batch_end IS NULL;',
      `    UPDATE ${rel} SET ${newCol} = ${oldCol}`,
      `      WHERE (last_id IS NULL OR ${id} > last_id) AND ${id} <= batch_end AND ${newCol} IS DISTINCT FROM ${oldCol};`,
      '    last_id := batch_end;',
      '    COMMIT;',
      '  END LOOP;',
      'END;',
      '$$;',
    ].join('\n');

    const contract = [
      '-- The trigger is the only thing keeping the two columns equal: make sure they are before it goes.',
      'DO $$',
      'BEGIN',
      `  IF EXISTS (SELECT 1 FROM ${rel} WHERE ${newCol} IS DISTINCT FROM ${oldCol}) THEN`,
      `    RAISE EXCEPTION '${label.replace(/'/g, "''")}.${rename.newname.replace(/'/g, "''")} differs from ${rename.subname.replace(/'/g, "''")} in some rows: run the backfill again before contracting';`,
      '  END IF;',
      'END;',
      '$$;',
      `DROP TRIGGER ${trigger} ON ${rel};`,
      `DROP FUNCTION ${fn}();`,
      `ALTER TABLE ${rel} DROP COLUMN ${oldCol};`,
    ].join('\n');

    const brief = `${describeLock('AccessExclusiveLock', label)}, for a moment (no rewrite)`;
    return {
      title: `Rename ${label}.${rename.subname} to ${rename.newname} by expand and contract`,
      edits: [removeStatement(text, stmt)],
      steps: [
        {
          name: `add ${rename.relation.relname} ${rename.newname}`,
          up: expand,
          down: `DROP TRIGGER IF EXISTS ${trigger} ON ${rel};\nDROP FUNCTION IF EXISTS ${fn}();\nALTER TABLE ${rel} DROP COLUMN IF EXISTS ${newCol};`,
          nonTransactional: false,
        },
        { name: `backfill ${rename.relation.relname} ${rename.newname}`, up: backfill, nonTransactional: true },
        {
          name: `drop ${rename.relation.relname} ${rename.subname}`,
          up: contract,
          down: `ALTER TABLE ${rel} ADD COLUMN IF NOT EXISTS ${oldCol} ${column.type};\nUPDATE ${rel} SET ${oldCol} = ${newCol};`,
          nonTransactional: false,
        },
      ],
      phases: [
        { name: 'expand', step: 0, summary: `Add ${rename.newname} and the trigger that keeps it equal to ${rename.subname}.`, lock: brief },
        {
          name: 'backfill',
          step: 1,
          summary: `Copy ${rename.subname} into ${rename.newname} in batches of ${BATCH_SIZE} by ${pkColumn.name}, each committed on its own.`,
          lock: `row locks on each batch of ${label} (ROW EXCLUSIVE lock on ${label}, which blocks only schema changes)`,
        },
        {
          name: 'contract',
          step: 2,
          summary: `Check the columns agree, drop the trigger, its function and ${rename.subname}.`,
          deployBefore: `the application reads and writes only ${rename.newname} (deploy it after the backfill, before this migration)`,
          lock: brief,
        },
      ],
      notes: [
        `Defaults, NOT NULL, CHECKs, indexes and foreign keys on ${rename.subname} are not copied: add them to ${rename.newname} (NOT VALID / CONCURRENTLY) before the contract step.`,
        'Deploy the release that uses the new column between the backfill and the contract step; the old release keeps working until then.',
      ],
    };
  },
};
