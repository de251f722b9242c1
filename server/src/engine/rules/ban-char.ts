/**
 * char(n) (character(n), bpchar) pads every value with spaces to n characters: lengths, comparisons
 * with other string types and what the application reads back all change, and it is no faster or
 * smaller than text. The one-byte internal type "char" (quoted) is a different type and is not flagged.
 */
import type { Statement } from '../dialects/postgres/statement';
import { defineRule } from './define';
import { columnSites, rawTypeName } from './helpers/column-sites';
import { replaceTypeFix, writtenText } from './helpers/type-fix';
import { typeNameRange } from './helpers/type-range';

export default defineRule({
  id: 'ban-char',
  meta: {
    category: 'convention',
    severity: 'off',
    summary: 'char(n) columns: use text (or varchar) instead.',
    messages: {
      char:
        '{{column}} is {{type}}: values are padded with spaces to the full length, which changes lengths, comparisons and what the application reads back, and it is no faster or smaller than text.',
    },
    help: 'Use text, with a CHECK constraint on char_length({{column}}) if the length matters.',
    fix: 'suggestion',
  },
  check(ctx) {
    const visit = (stmt: Statement): void => {
      for (const site of columnSites(stmt)) {
        if (rawTypeName(site.typeName) !== 'bpchar') continue;
        const range = typeNameRange(stmt, site.typeName);
        ctx.report({
          stmt,
          range,
          messageId: 'char',
          data: { column: site.column, type: writtenText(stmt, range) },
          fixes: [replaceTypeFix(stmt, range, 'text', 'Use text')],
        });
      }
    };
    return { CreateStmt: (_, stmt) => visit(stmt), AlterTableStmt: (_, stmt) => visit(stmt) };
  },
});
