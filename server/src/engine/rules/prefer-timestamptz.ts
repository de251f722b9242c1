/**
 * timestamp (without time zone) stores a wall-clock reading with no zone: what it means depends on
 * the time zone of whoever wrote it, and it compares wrongly across zones and daylight-saving changes.
 * timestamptz stores an instant and shows it in each session's time zone; both take 8 bytes.
 */
import { typeModifiers } from '../dialects/postgres/ast';
import type { Statement } from '../dialects/postgres/statement';
import { defineRule } from './define';
import { columnSites, rawTypeName } from './helpers/column-sites';
import { replaceTypeFix, writtenText } from './helpers/type-fix';
import { typeNameRange } from './helpers/type-range';

export default defineRule({
  id: 'prefer-timestamptz',
  meta: {
    category: 'convention',
    severity: 'off',
    summary: 'timestamp without time zone columns: prefer timestamptz.',
    messages: {
      timestamp:
        '{{column}} is {{type}}: it stores a wall-clock time with no zone, so its meaning depends on the writer\'s time zone and it compares wrongly across zones and daylight-saving changes.',
    },
    help: 'Use timestamptz (timestamp with time zone): it stores an absolute instant in the same 8 bytes and shows it in each session\'s time zone.',
    fix: 'suggestion',
  },
  check(ctx) {
    const visit = (stmt: Statement): void => {
      for (const site of columnSites(stmt)) {
        if (rawTypeName(site.typeName) !== 'timestamp') continue;
        const range = typeNameRange(stmt, site.typeName);
        const precision = typeModifiers(site.typeName);
        const replacement = `timestamptz${precision.length ? `(${precision.join(',')})` : ''}`;
        ctx.report({
          stmt,
          range,
          messageId: 'timestamp',
          data: { column: site.column, type: writtenText(stmt, range) },
          fixes: [replaceTypeFix(stmt, range, replacement, `Use ${replacement}`)],
        });
      }
    };
    return { CreateStmt: (_, stmt) => visit(stmt), AlterTableStmt: (_, stmt) => visit(stmt) };
  },
});
