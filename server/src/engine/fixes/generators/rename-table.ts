/**
 * RENAME TO → rename plus a compatibility view, so that the running application never sees its table
 * vanish:
 * - expand (this migration): rename the table and, in the same transaction, create a view under the
 *   old name that selects every column of the new one. Such a view is automatically updatable, so the
 *   old release keeps reading and writing through it;
 * - contract (after the release that uses only the new name is out): drop the view.
 * No data moves: the rename is instant and the view is only a name.
 */
import { relationKey, relationLabel } from '../../dialects/postgres/ast';
import type { Statement } from '../../dialects/postgres/statement';
import { loadHistory } from '../../history/load';
import { describeLock } from '../../locks/modes';
import type { TextEdit } from '../../types';
import type { Generator } from '../generator';
import type { PlanContext } from '../types';
import { relationSql } from '../sql';

export const renameTable: Generator = {
  rule: 'rename-table',
  draft({ stmt, text, statements, ctx }) {
    const rename = stmt.as('RenameStmt');
    if (!rename?.relation?.relname || rename.renameType !== 'OBJECT_TABLE' || !rename.newname) return null;
    // The migration puts something else under the old name itself: a view there would collide with it.
    if (laterClaims(statements, stmt, relationKey(rename.relation))) return null;
    const renamed = { ...rename.relation, relname: rename.newname };
    const oldRel = relationSql(rename.relation);
    const oldLabel = relationLabel(rename.relation);
    const newLabel = relationLabel(renamed);
    const view = `CREATE VIEW ${oldRel} AS SELECT * FROM ${relationSql(renamed)};`;

    const afterRename = insertAfter(text, stmt, `\n-- Keeps the running release working: it reads and writes ${oldLabel} through this view.\n${view}`);
    // Where nothing makes the rename and the view one transaction, a query in between would fail.
    const wrap = !insideBegin(statements, stmt) && !runsInTransaction(ctx, applied(ctx.text, afterRename));
    const edits: TextEdit[] = wrap
      ? [{ range: { start: stmt.range.start, end: stmt.range.start }, newText: 'BEGIN;\n' }, { ...afterRename, newText: `${afterRename.newText}\nCOMMIT;` }]
      : [afterRename];

    return {
      title: `Rename ${oldLabel} to ${rename.newname}, keeping ${oldLabel} as a view until the application uses only ${rename.newname}`,
      edits,
      steps: [
        {
          name: `drop ${rename.relation.relname} view`,
          up: `-- Nothing queries ${oldLabel} any more: the release that uses only ${newLabel} is out.\nDROP VIEW ${oldRel};`,
          down: `-- The old name, for a release that still uses it.\n${view}`,
          nonTransactional: false,
        },
      ],
      phases: [
        {
          name: 'expand',
          step: 'current',
          summary: `Rename ${oldLabel} to ${rename.newname} and create the view ${oldLabel} over it in the same transaction: the running release keeps reading and writing ${oldLabel} through the view.`,
          lock: `${describeLock('AccessExclusiveLock', oldLabel)}, for a moment (no rewrite)`,
        },
        {
          name: 'contract',
          step: 0,
          summary: `Drop the view ${oldLabel}.`,
          deployBefore: `the application queries only ${newLabel} (deploy it after the rename, before this migration)`,
          lock: `${describeLock('AccessExclusiveLock', `the view ${oldLabel}`)}, for a moment; ${newLabel} itself is not locked`,
        },
      ],
      notes: [
        ...(wrap ? [`${ctx.migration.path} runs without a transaction: the rename and the view are wrapped in BEGIN/COMMIT so that ${oldLabel} never goes missing in between.`] : []),
        `The view has only its owner's privileges: if the application connects as another role, grant it SELECT, INSERT, UPDATE and DELETE on ${oldLabel} in the same migration.`,
        `Through the view the old release can SELECT, INSERT, UPDATE and DELETE (with RETURNING and ON CONFLICT); TRUNCATE, LOCK TABLE and COPY … FROM ${oldLabel} fail until it is deployed away.`,
        `The view lists the columns ${rename.newname} has now: dropping or retyping one of them fails until the view is dropped, and columns added later are not in it.`,
      ],
    };
  },
};

/** An insertion right after the statement's semicolon (which may follow on a later line), adding one if missing. */
function insertAfter(text: string, stmt: Statement, sql: string): TextEdit {
  const semicolon = /\s*;/y;
  semicolon.lastIndex = stmt.range.end;
  const found = semicolon.exec(text);
  const at = found ? stmt.range.end + found[0].length : stmt.range.end;
  return { range: { start: at, end: at }, newText: `${found ? '' : ';'}${sql}` };
}

const applied = (text: string, edit: TextEdit) => text.slice(0, edit.range.start) + edit.newText + text.slice(edit.range.end);

/**
 * Whether the framework runs the migration, once the view is added, in a transaction: some send a
 * single-statement file as one query outside any transaction but a longer one as one transaction, so
 * the edited file is read again the way the framework reads it.
 */
function runsInTransaction(ctx: PlanContext, editedText: string): boolean {
  const path = ctx.migration.path;
  const history = loadHistory({ list: () => ctx.source.list(), read: (p) => (p === path ? editedText : ctx.source.read(p)) }, ctx.history.framework);
  const start = ctx.migration.sections[0]?.start;
  const edited = history.migrations.find((m) => m.path === path && m.sections[0]?.start === start) ?? ctx.migration;
  if (edited.transaction !== 'none') return true;
  return ctx.history.framework === 'plain' && (ctx.config?.assumeInTransaction ?? false);
}

/** A later statement creates a table or view under the name, or renames something to it. */
function laterClaims(statements: Statement[], stmt: Statement, key: string): boolean {
  return statements.slice(stmt.index + 1).some((s) => {
    const created = s.as('ViewStmt')?.view ?? s.as('CreateStmt')?.relation ?? s.as('CreateTableAsStmt')?.into?.rel;
    if (created) return relationKey(created) === key;
    const rename = s.as('RenameStmt');
    return rename?.relation !== undefined && rename.newname !== undefined && relationKey({ ...rename.relation, relname: rename.newname }) === key;
  });
}

/** An explicit BEGIN earlier in the file is still open at the statement (sqitch scripts, hand-written transactions). */
function insideBegin(statements: Statement[], stmt: Statement): boolean {
  let open = false;
  for (const s of statements) {
    if (s.index >= stmt.index) break;
    const kind = s.as('TransactionStmt')?.kind;
    if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') open = true;
    else if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK' || kind === 'TRANS_STMT_PREPARE') open = false;
  }
  return open;
}
