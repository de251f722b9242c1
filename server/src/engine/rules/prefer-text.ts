/**
 * varchar(n) is stored exactly like text; the length limit is a business rule hidden in the type.
 * Changing it later means ALTER COLUMN … TYPE, and shrinking it rewrites the table under an
 * ACCESS EXCLUSIVE lock, where a CHECK constraint can be replaced online (NOT VALID, then VALIDATE).
 */
import { typeModifiers } from '../dialects/postgres/ast';
import type { Statement } from '../dialects/postgres/statement';
import { defineRule } from './define';
import { columnSites, rawTypeName } from './helpers/column-sites';
import { replaceTypeFix, writtenText } from './helpers/type-fix';
import { typeNameRange } from './helpers/type-range';

export default defineRule({
  id: 'prefer-text',
  meta: {
    category: 'convention',
    severity: 'off',
    summary: 'varchar(n) columns: prefer text, with a CHECK constraint when the length matters.',
    messages: {
      varchar:
        '{{column}} is {{type}}: PostgreSQL stores it exactly like text, and changing the limit later needs ALTER COLUMN … TYPE (shrinking it rewrites the table under an ACCESS EXCLUSIVE lock).',
    },
    help: 'Use text, with CHECK (char_length({{column}}) <= {{length}}) if the limit matters: a constraint can be replaced online (NOT VALID, then VALIDATE).',
    fix: 'suggestion',
  },
  check(ctx) {
    const visit = (stmt: Statement): void => {
      for (const site of columnSites(stmt)) {
        const [length] = typeModifiers(site.typeName);
        if (rawTypeName(site.typeName) !== 'varchar' || length === undefined) continue;
        const range = typeNameRange(stmt, site.typeName);
        ctx.report({
          stmt,
          range,
          messageId: 'varchar',
          data: { column: site.column, type: writtenText(stmt, range), length },
          fixes: [replaceTypeFix(stmt, range, 'text', 'Use text')],
        });
      }
    };
    return { CreateStmt: (_, stmt) => visit(stmt), AlterTableStmt: (_, stmt) => visit(stmt) };
  },
});
