/**
 * RENAME COLUMN is instant, but the application that is running while the migration commits still
 * reads and writes the old name: every such query fails until the new release is out. It is a
 * contract step with no expand step before it.
 */
import { relationLabel } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import { defineRule } from './define';
import { renameClauseRange } from './helpers/rename';

export default defineRule({
  id: 'rename-column',
  meta: {
    category: 'compatibility',
    severity: 'warning',
    summary: 'Renaming a column breaks the application code that is running while the migration commits.',
    messages: {
      renameColumn:
        'RENAME COLUMN {{column}} TO {{newName}} takes an {{lock}}; the lock is brief (no rewrite), but running application code still uses "{{column}}" and fails as soon as the rename commits.',
    },
    help:
      'Expand and contract instead: add {{newName}}, keep it in sync with {{column}} by a trigger, backfill it, deploy code that uses {{newName}}, then drop {{column}} in a later migration.',
    fix: 'suggestion',
  },
  check(ctx) {
    return {
      RenameStmt(rename, stmt) {
        if (rename.renameType !== 'OBJECT_COLUMN' || !rename.subname || !rename.newname) return;
        // A table created earlier in this file is not used by any running code yet.
        if (ctx.isNewTable(rename.relation)) return;
        const table = relationLabel(rename.relation);
        ctx.report({
          stmt,
          range: renameClauseRange(stmt, rename),
          messageId: 'renameColumn',
          data: { column: rename.subname, newName: rename.newname, table, lock: describeLock('AccessExclusiveLock', table) },
        });
      },
    };
  },
});
