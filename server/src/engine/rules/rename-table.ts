/**
 * ALTER TABLE … RENAME TO is instant, but running application code still queries the old name and
 * fails until the new release is out. A view under the old name (created in the same transaction)
 * keeps old code working: simple views are updatable, so it can still read and write through it.
 */
import type { RangeVar, RenameStmt } from '@pgsql/types';
import { relationKey, relationLabel, walk } from '../dialects/postgres/ast';
import type { Statement } from '../dialects/postgres/statement';
import { describeLock } from '../locks/modes';
import type { Fix } from '../types';
import { defineRule } from './define';
import { renameClauseRange, writtenName, writtenNewName } from './helpers/rename';
import { codeEnd } from './helpers/statement-tokens';

export default defineRule({
  id: 'rename-table',
  meta: {
    category: 'compatibility',
    severity: 'warning',
    summary: 'Renaming a table breaks the application code that is running while the migration commits.',
    messages: {
      renameTable:
        'RENAME TO {{newName}} takes an {{lock}}; the lock is brief (no rewrite), but running application code still queries "{{table}}" and fails as soon as the rename commits.',
    },
    help:
      'Create a compatibility view under the old name in the same migration (CREATE VIEW {{table}} AS SELECT * FROM {{newName}}) and drop it once no running code uses {{table}}; or copy into a new table kept in sync by triggers.',
    fix: 'suggestion',
  },
  check(ctx) {
    return {
      RenameStmt(rename, stmt) {
        if (rename.renameType !== 'OBJECT_TABLE' || !rename.newname || !rename.relation) return;
        if (ctx.isNewTable(rename.relation)) return;
        if (hasCompatibilityView(ctx.file.statements, stmt.index, rename.relation, rename.newname)) return;
        const table = relationLabel(rename.relation);
        const newName = rename.relation.schemaname ? `${rename.relation.schemaname}.${rename.newname}` : rename.newname;
        ctx.report({
          stmt,
          range: renameClauseRange(stmt, rename),
          messageId: 'renameTable',
          data: { table, newName, lock: describeLock('AccessExclusiveLock', table) },
          fixes: [compatibilityViewFix(ctx.file.text, stmt, rename)],
        });
      },
    };
  },
});

/**
 * A later statement of the file creates a view under the old name that reads the renamed table: old
 * code keeps working through it. A view of something else under the old name would not.
 */
function hasCompatibilityView(statements: Statement[], after: number, relation: RangeVar, newName: string): boolean {
  const oldKey = relationKey(relation);
  const newKey = relationKey({ ...relation, relname: newName });
  return statements.slice(after + 1).some((s) => {
    const view = s.as('ViewStmt');
    return view !== undefined && relationKey(view.view) === oldKey && reads(view.query, newKey);
  });
}

/** True when the query reads the relation (in its FROM list, a join or a subquery). */
function reads(query: unknown, key: string): boolean {
  let found = false;
  walk(query, (kind, payload) => {
    if (kind === 'RangeVar' && relationKey(payload as RangeVar) === key) found = true;
  });
  return found;
}

function compatibilityViewFix(text: string, stmt: Statement, rename: RenameStmt): Fix {
  const { name, schemaPrefix } = writtenName(stmt, rename);
  // After the statement's semicolon (which may follow on a later line), or add one.
  const semicolonAfter = /\s*;/y;
  semicolonAfter.lastIndex = stmt.range.end;
  const next = semicolonAfter.exec(text);
  const at = next ? stmt.range.end + next[0].length : codeEnd(stmt);
  const semicolon = next ? '' : ';';
  return {
    title: `Keep ${name} working with a view on the renamed table`,
    kind: 'suggestion',
    edits: [{ range: { start: at, end: at }, newText: `${semicolon}\nCREATE VIEW ${name} AS SELECT * FROM ${schemaPrefix}${writtenNewName(stmt)};` }],
  };
}
