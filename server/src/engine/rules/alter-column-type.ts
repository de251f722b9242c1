/**
 * ALTER COLUMN … TYPE rewrites the table and rebuilds all its indexes under ACCESS EXCLUSIVE unless
 * the change is binary-compatible (see helpers/type-change.ts). The verdict needs the column's old
 * type from the schema model; when the model does not know it, the rule says so instead of guessing.
 */
import type { ColumnDef, Node, TypeCast } from '@pgsql/types';
import { relationKey, relationLabel, stringList, typeLabel } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import { columnDependents, refusingDependents, type ColumnDependents } from '../schema/dependents';
import { defineRule } from './define';
import { listPhrase } from './helpers/drop-objects';
import { tableLabel } from './helpers/index-owner';
import { alterTableCommands } from './helpers/alter-table-commands';
import { classifyTypeChange } from './helpers/type-change';

/** `USING c` or `USING c::<the new type>`: the same conversion as no USING at all. */
function isPlainColumn(expr: Node, column: string, newType: string): boolean {
  const cast = (expr as { TypeCast?: TypeCast }).TypeCast;
  if (cast && typeLabel(cast.typeName) !== newType) return false;
  const ref = ((cast ? cast.arg : expr) as { ColumnRef?: { fields?: Node[] } } | undefined)?.ColumnRef;
  const names = stringList(ref?.fields);
  return names.length > 0 && names[names.length - 1] === column;
}

/**
 * Views, generated columns and triggers declared on the column make PostgreSQL refuse the change; it
 * names the first kind it meets, so the message quotes that one and lists them all.
 */
function typeChangeRefusal(d: ColumnDependents): { dependents: string; error: string } | undefined {
  const refusing = refusingDependents(d, tableLabel);
  if (refusing.length === 0) return undefined;
  const error = d.views.length
    ? 'cannot alter type of a column used by a view or rule'
    : d.generated.length
      ? 'cannot alter type of a column used by a generated column'
      : 'cannot alter type of a column used in a trigger definition';
  return { dependents: listPhrase(refusing), error };
}

/** Session time zones under which timestamp ↔ timestamptz needs no rewrite. */
const UTC_ZONES = /^(utc|etc\/utc|gmt|etc\/gmt|z|zulu|universal|etc\/universal)$/i;

export default defineRule({
  id: 'alter-column-type',
  meta: {
    category: 'rewrite',
    severity: 'warning',
    summary: 'ALTER COLUMN … TYPE that rewrites the table and all its indexes.',
    messages: {
      rewrite: 'Changing {{table}}.{{column}} from {{from}} to {{to}} rewrites {{table}} and rebuilds all its indexes while holding an {{lock}}.',
      using: 'ALTER COLUMN {{column}} TYPE {{to}} USING … rewrites {{table}} and rebuilds all its indexes while holding an {{lock}}.',
      unknownOldType:
        'The old type of {{table}}.{{column}} is unknown ({{reason}}), so changing it to {{to}} probably rewrites {{table}} and rebuilds all its indexes while holding an {{lock}}: {{hint}}.',
      timezone:
        'Changing {{table}}.{{column}} from {{from}} to {{to}} skips the rewrite only when the session time zone is UTC; otherwise it rewrites {{table}} and rebuilds all its indexes while holding an {{lock}}. Put SET TIME ZONE \'UTC\' before it in this migration.',
      collation: 'Changing the collation of {{table}}.{{column}} keeps the rows but rebuilds the indexes on the column while holding an {{lock}}.',
      checkRescan:
        'Changing {{table}}.{{column}} to {{to}} keeps the rows, but the CHECK constraint {{constraint}} is verified again by a scan of {{table}} while holding an {{lock}}.',
      dependentsRefuse:
        'PostgreSQL refuses to change the type of {{table}}.{{column}} while {{dependents}} depend on it ("{{error}}"): drop them first and create them again after the change, in this migration.',
    },
    help: 'Expand and contract: add a new column of the new type, keep it in sync with a trigger, backfill it in batches, build its indexes CONCURRENTLY, switch reads in a release, then swap the columns and drop the old one in a later migration.',
    fix: 'suggestion',
  },
  check(ctx) {
    return {
      AlterTableStmt(alter, stmt) {
        if (ctx.isNewTable(alter.relation)) return;
        const table = relationLabel(alter.relation);
        const model = ctx.schema.table(relationKey(alter.relation));
        for (const { cmd, range } of alterTableCommands(alter, stmt)) {
          const def = (cmd.def as { ColumnDef?: ColumnDef } | undefined)?.ColumnDef;
          if (cmd.subtype !== 'AT_AlterColumnType' || !def?.typeName || !cmd.name) continue;
          const column = cmd.name;
          const from = model?.columns.get(column)?.type;
          const to = typeLabel(def.typeName);
          const data = { table, column, from: from ?? '?', to, lock: describeLock('AccessExclusiveLock', table) };
          const report = (messageId: string, extra: Record<string, string> = {}) => ctx.report({ stmt, range: range(), messageId, data: { ...data, ...extra } });
          // A foreign key on the column does not stop a type change; skipping them spares a search of every table.
          const refusal = typeChangeRefusal(columnDependents(ctx.schema, relationKey(alter.relation), column, { foreignKeys: false }));
          if (refusal) report('dependentsRefuse', refusal);
          // A USING expression makes PostgreSQL compute every row again, unless it is just the column
          // itself, which is the conversion PostgreSQL applies anyway.
          if (def.raw_default && !isPlainColumn(def.raw_default, column, to)) {
            report('using');
            continue;
          }
          const verdict = classifyTypeChange(from, to, ctx.atLeast(12));
          if (verdict.kind === 'rewrite') report('rewrite');
          else if (verdict.kind === 'unknown') {
            const reason = model ? `the replayed history has no column ${column} in ${table}` : `${table} is not in the replayed migration history`;
            report('unknownOldType', { reason, hint: verdict.hint });
          } else if (verdict.kind === 'timezone' && !UTC_ZONES.test(ctx.setting('timezone') ?? '')) report('timezone');
          else if (def.collClause) report('collation');
          else {
            const check = model?.constraints.find((k) => k.kind === 'check' && (k.columns.includes(column) || k.provesNotNull === column));
            if (check) report('checkRescan', { constraint: check.name ?? `${alter.relation?.relname ?? ''}_${column}_check` });
          }
        }
      },
    };
  },
});
