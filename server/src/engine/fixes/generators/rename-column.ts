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
import { batchedUpdateSql, divergenceCheckSql, dropOriginalColumnSql, dropSyncTriggerSql, syncTriggerSql } from '../recipes/expand-contract';
import { BATCH_SIZE } from '../recipes/keyset-batches';
import { generatedName, quoteIdent, relationSql, removeStatement, siblingSql } from '../sql';

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
    const syncName = generatedName(rename.relation.relname, 'sync', rename.newname);
    const fn = siblingSql(rename.relation, syncName);
    const trigger = quoteIdent(syncName);

    const sync = { rel, fn, trigger, oldCol: rename.subname, newCol: rename.newname };
    const expand = `ALTER TABLE ${rel} ADD COLUMN ${newCol} ${column.type};\n\n${syncTriggerSql(sync)}`;
    const backfill = batchedUpdateSql({
      rel,
      pk: pkColumn.name,
      pkType: pkColumn.type,
      set: `${newCol} = ${oldCol}`,
      pending: `${newCol} IS DISTINCT FROM ${oldCol}`,
      what: `Copies ${rename.subname} into ${rename.newname}`,
    });
    const contract = [
      divergenceCheckSql(rel, `${newCol} IS DISTINCT FROM ${oldCol}`, `${label}.${rename.newname} differs from ${rename.subname} in some rows: run the backfill again before contracting`),
      dropSyncTriggerSql(sync),
      dropOriginalColumnSql(rel, rename.subname, rename.newname),
    ].join('\n');

    const brief = `${describeLock('AccessExclusiveLock', label)}, for a moment (no rewrite)`;
    return {
      title: `Rename ${label}.${rename.subname} to ${rename.newname} by expand and contract`,
      edits: [removeStatement(text, stmt)],
      steps: [
        {
          name: `add ${rename.relation.relname} ${rename.newname}`,
          up: expand,
          down: `${dropSyncTriggerSql(sync, true)}\nALTER TABLE ${rel} DROP COLUMN IF EXISTS ${newCol};`,
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
