/**
 * integer keys run out at 2,147,483,647 (smallint at 32,767), and widening a key later rewrites the
 * table, its indexes and every referencing table under ACCESS EXCLUSIVE locks. bigint costs four bytes
 * more per row. Applies to primary keys, identity and serial columns and foreign key columns.
 */
import type { AlterTableCmd, Constraint } from '@pgsql/types';
import { relationKey, relationLabel, stringList } from '../dialects/postgres/ast';
import type { Statement } from '../dialects/postgres/statement';
import type { SchemaModel } from '../schema/model';
import { defineRule } from './define';
import { columnSites, rawTypeName, type KeyKind } from './helpers/column-sites';
import { identifierToken, nextToken } from './helpers/statement-tokens';
import { replaceTypeFix, writtenText } from './helpers/type-fix';
import { typeNameRange } from './helpers/type-range';

/** Narrow integer spellings (as parsed, or as the schema model labels them) → their maximum and a bigint replacement. */
const NARROW: Record<string, { max: string; wide: string }> = {
  int4: { max: '2,147,483,647', wide: 'bigint' },
  integer: { max: '2,147,483,647', wide: 'bigint' },
  serial: { max: '2,147,483,647', wide: 'bigserial' },
  serial4: { max: '2,147,483,647', wide: 'bigserial' },
  int2: { max: '32,767', wide: 'bigint' },
  smallint: { max: '32,767', wide: 'bigint' },
  smallserial: { max: '32,767', wide: 'bigserial' },
  serial2: { max: '32,767', wide: 'bigserial' },
};

export default defineRule({
  id: 'prefer-bigint',
  meta: {
    category: 'convention',
    severity: 'off',
    summary: 'integer or smallint keys: prefer bigint for primary keys, identity, serial and foreign key columns.',
    messages: {
      narrowKey:
        '{{column}} ({{kind}}) is {{type}}: it runs out at {{max}}, and widening it later rewrites {{table}}, its indexes and every referencing table under ACCESS EXCLUSIVE locks.',
    },
    help: 'Use bigint for keys (bigint GENERATED ALWAYS AS IDENTITY, or bigserial) and for the columns that reference them.',
    fix: 'suggestion',
  },
  check(ctx) {
    // Columns already reported in this file, so a later ADD PRIMARY KEY does not repeat the finding.
    const reported = new Set<string>();
    const visitDefinitions = (stmt: Statement): void => {
      for (const site of columnSites(stmt)) {
        const key = site.context === 'alter-type' ? keyKindFromSchema(ctx.schema, relationKey(site.relation), site.column) : site.key;
        const narrow = site.typeName.arrayBounds?.length ? undefined : NARROW[rawTypeName(site.typeName)];
        if (!key || !narrow) continue;
        const range = typeNameRange(stmt, site.typeName);
        reported.add(`${relationKey(site.relation)}.${site.column}`);
        ctx.report({
          stmt,
          range,
          messageId: 'narrowKey',
          data: { column: site.column, kind: key, type: writtenText(stmt, range), max: narrow.max, table: relationLabel(site.relation) },
          fixes: [replaceTypeFix(stmt, range, narrow.wide, `Use ${narrow.wide}`)],
        });
      }
    };
    return {
      CreateStmt: (_, stmt) => visitDefinitions(stmt),
      AlterTableStmt(alter, stmt) {
        visitDefinitions(stmt);
        // ALTER TABLE … ADD PRIMARY KEY / FOREIGN KEY on columns defined earlier (pg_dump style).
        const tableKey = relationKey(alter.relation);
        for (const node of alter.cmds ?? []) {
          const cmd = (node as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd;
          const constraint = (cmd?.def as { Constraint?: Constraint } | undefined)?.Constraint;
          if (cmd?.subtype !== 'AT_AddConstraint' || !constraint) continue;
          const kind: KeyKind | undefined = constraint.contype === 'CONSTR_PRIMARY' ? 'primary key' : constraint.contype === 'CONSTR_FOREIGN' ? 'foreign key column' : undefined;
          if (!kind) continue;
          const columns = stringList(kind === 'primary key' ? constraint.keys : constraint.fk_attrs);
          for (const column of columns) {
            const type = ctx.schema.table(tableKey)?.columns.get(column)?.type;
            const narrow = type ? NARROW[type] : undefined;
            if (!narrow || reported.has(`${tableKey}.${column}`)) continue;
            // Search the column list, not the constraint's name (which may spell the same word).
            const list = nextToken(stmt, '(', stmt.offsetOf(constraint.location));
            const token = list && identifierToken(stmt, column, list.end);
            if (!token) continue;
            reported.add(`${tableKey}.${column}`);
            ctx.report({
              stmt,
              range: { start: token.start, end: token.end },
              messageId: 'narrowKey',
              data: { column, kind, type: type!, max: narrow.max, table: relationLabel(alter.relation) },
            });
          }
        }
      },
    };
  },
});

function keyKindFromSchema(schema: SchemaModel, tableKey: string, column: string): KeyKind | undefined {
  const constraints = schema.table(tableKey)?.constraints ?? [];
  if (constraints.some((k) => k.kind === 'primary-key' && k.columns.includes(column))) return 'primary key';
  if (constraints.some((k) => k.kind === 'foreign-key' && k.columns.includes(column))) return 'foreign key column';
  return undefined;
}
