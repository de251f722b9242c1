/**
 * DROP SCHEMA … CASCADE deletes every object in the schema with its data; DROP DATABASE deletes all of
 * it. Neither can be undone, and neither belongs in an application's migrations. Without CASCADE,
 * DROP SCHEMA only succeeds on an empty schema, so it is not flagged.
 */
import type { Statement } from '../dialects/postgres/statement';
import { defineRule } from './define';
import { droppedObjects, listPhrase } from './helpers/drop-objects';
import { codeEnd, codeTokens, isKeyword, withoutDropBehavior } from './helpers/statement-tokens';
import type { TextRange } from '../types';

export default defineRule({
  id: 'drop-schema-or-database',
  meta: {
    category: 'data-loss',
    severity: 'error',
    summary: 'Dropping a schema or a database deletes everything in it.',
    messages: {
      dropSchemaCascade:
        'DROP SCHEMA {{name}} CASCADE deletes every table, view, function and type in it with all their data, taking an ACCESS EXCLUSIVE lock on each table (which blocks reads and writes); code that uses the schema fails once this commits.',
      dropDatabase:
        'DROP DATABASE {{name}} deletes the whole database and every row in it; it cannot be undone, cannot run inside a transaction and fails while anyone is connected.',
    },
    help: 'Do not drop schemas or databases from application migrations: drop them by hand, after a backup, once nothing uses them.',
    fix: 'none',
  },
  check(ctx) {
    const createdEarlier = (stmt: Statement, name: string, kind: 'CreateSchemaStmt' | 'CreatedbStmt'): boolean =>
      ctx.file.statements.slice(0, stmt.index).some((s) => {
        const created = kind === 'CreateSchemaStmt' ? s.as('CreateSchemaStmt')?.schemaname : s.as('CreatedbStmt')?.dbname;
        return created === name;
      });
    return {
      DropStmt(drop, stmt) {
        // Without CASCADE, DROP SCHEMA fails unless the schema is already empty: nothing is lost.
        if (drop.removeType !== 'OBJECT_SCHEMA' || drop.behavior !== 'DROP_CASCADE') return;
        // A schema created earlier in this file holds nothing that running code depends on.
        const names = droppedObjects(drop).map((o) => o.label).filter((name) => !createdEarlier(stmt, name, 'CreateSchemaStmt'));
        if (names.length === 0) return;
        ctx.report({ stmt, range: withoutDropBehavior(stmt, stmt.range), messageId: 'dropSchemaCascade', data: { name: listPhrase(names) } });
      },
      DropdbStmt(drop, stmt) {
        if (!drop.dbname || createdEarlier(stmt, drop.dbname, 'CreatedbStmt')) return;
        ctx.report({ stmt, range: dropDatabaseRange(stmt), messageId: 'dropDatabase', data: { name: drop.dbname } });
      },
    };
  },
});

/** `DROP DATABASE [IF EXISTS] name`, without a trailing `[WITH] (FORCE)`. */
function dropDatabaseRange(stmt: Statement): TextRange {
  const tokens = codeTokens(stmt);
  const options = tokens.findIndex((t, i) => i > 1 && (t.text === '(' || isKeyword(t, 'WITH')));
  return { start: stmt.range.start, end: options > 0 ? tokens[options - 1].end : codeEnd(stmt) };
}
