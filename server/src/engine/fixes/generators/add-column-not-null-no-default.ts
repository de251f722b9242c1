/**
 * ADD COLUMN c T NOT NULL without a DEFAULT on a table with rows → add the column nullable, fill the
 * existing rows, then prove NOT NULL the way set-not-null does:
 * - this migration adds c without NOT NULL (brief lock; the running release's inserts keep working);
 * - after the release that writes c on every insert and update: fill the rows that still have no c,
 *   in primary-key batches, each committed on its own;
 * - CHECK (c IS NOT NULL) NOT VALID (brief lock, no scan), then in the next migration VALIDATE it while
 *   reads and writes go on, SET NOT NULL (no scan: the CHECK proves it, PostgreSQL 12+) and drop the CHECK.
 * There is no value to invent for the existing rows: the backfill uses the type's zero value (0, '',
 * false, now(), '{}') under a comment that says to change it, and there is no plan for types without
 * one (uuid, enums, domains…), for other inline constraints, or without a single-column primary key.
 */
import type { ColumnDef, TypeName } from '@pgsql/types';
import { relationKey, relationLabel, typeBaseName } from '../../dialects/postgres/ast';
import { describeLock } from '../../locks/modes';
import { columnConstraints, inlineConstraintRange } from '../../rules/helpers/alter-table-commands';
import type { Generator } from '../generator';
import { batchedUpdateSql } from '../recipes/expand-contract';
import { BATCH_SIZE } from '../recipes/keyset-batches';
import { schemaBefore } from '../schema-at';
import { commandAt, generatedName, quoteIdent, relationSql } from '../sql';

const ZERO_BY_TYPE: Record<string, string> = {
  smallint: '0',
  integer: '0',
  bigint: '0',
  numeric: '0',
  real: '0',
  'double precision': '0',
  text: "''",
  varchar: "''",
  char: "''",
  boolean: 'false',
  timestamptz: 'now()',
  timestamp: 'now()',
  date: 'current_date',
  interval: "'0'",
  json: "'{}'",
  jsonb: "'{}'",
};

/** The type's obvious empty value as SQL, or undefined when it has none. */
function zeroValue(typeName: TypeName): string | undefined {
  if (typeName.arrayBounds?.length) return "'{}'";
  return ZERO_BY_TYPE[typeBaseName(typeName)];
}

export const addColumnNotNullNoDefault: Generator = {
  rule: 'add-column-not-null-no-default',
  draft({ finding, stmt, text, statements, ctx }) {
    // Before 12 the validated CHECK does not spare SET NOT NULL its scan: the recipe would not help.
    if (ctx.config && ctx.config.serverVersion.major < 12) return null;
    const alter = stmt.as('AlterTableStmt');
    const found = commandAt(stmt, finding.range);
    const def = (found?.cmd.def as { ColumnDef?: ColumnDef } | undefined)?.ColumnDef;
    if (!alter?.relation?.relname || !found || found.count > 1 || found.cmd.subtype !== 'AT_AddColumn' || !def?.colname || !def.typeName) return null;
    // Only NOT NULL: a PRIMARY KEY, UNIQUE, CHECK or REFERENCES has a recipe of its own.
    const constraints = columnConstraints(def);
    if (constraints.length !== 1 || constraints[0].contype !== 'CONSTR_NOTNULL') return null;
    const value = zeroValue(def.typeName);
    const table = schemaBefore(ctx, stmt, statements).table(relationKey(alter.relation));
    const pk = table?.constraints.find((c) => c.kind === 'primary-key');
    const pkColumn = pk?.columns.length === 1 ? table?.columns.get(pk.columns[0]) : undefined;
    if (!value || !pkColumn) return null;

    const relname = alter.relation.relname;
    const column = def.colname;
    const label = relationLabel(alter.relation);
    const rel = relationSql(alter.relation);
    const col = quoteIdent(column);
    const check = quoteIdent(generatedName(relname, column, 'not_null'));
    const notNull = inlineConstraintRange(stmt, def, constraints[0], found.range);
    // The NOT NULL goes with the blanks before it: `ADD COLUMN c text NOT NULL` → `ADD COLUMN c text`.
    let start = notNull.start;
    while (start > found.range.start && /\s/.test(text[start - 1])) start--;

    const backfill = [
      '-- The value existing rows get: change it before running.',
      `-- Rows that have no ${column} yet get ${value}.`,
      batchedUpdateSql({ rel, pk: pkColumn.name, pkType: pkColumn.type, set: `${col} = ${value}`, pending: `${col} IS NULL`, what: `Fills ${column} where it is NULL` }),
    ].join('\n');
    const addCheck = `ALTER TABLE ${rel} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;`;
    const brief = `${describeLock('AccessExclusiveLock', label)}, for a moment`;
    return {
      title: `Add ${label}.${column} nullable, fill the existing rows, then prove NOT NULL without a blocking scan`,
      edits: [{ range: { start, end: notNull.end }, newText: '' }],
      steps: [
        { name: `backfill ${relname} ${column}`, up: backfill, nonTransactional: true },
        { name: `check ${relname} ${column} not null`, up: addCheck, down: `ALTER TABLE ${rel} DROP CONSTRAINT IF EXISTS ${check};`, nonTransactional: false },
        {
          name: `set ${relname} ${column} not null`,
          up: [`ALTER TABLE ${rel} VALIDATE CONSTRAINT ${check};`, `ALTER TABLE ${rel} ALTER COLUMN ${col} SET NOT NULL;`, `ALTER TABLE ${rel} DROP CONSTRAINT ${check};`].join('\n'),
          // Back to the state after the CHECK step: nullable, the CHECK in place for new rows.
          down: `ALTER TABLE ${rel} ALTER COLUMN ${col} DROP NOT NULL;\n${addCheck}`,
          nonTransactional: false,
        },
      ],
      phases: [
        { name: 'expand', step: 'current', summary: `ADD COLUMN ${column} without NOT NULL: existing rows get NULL and the running release's inserts keep working.`, lock: `${brief} (no rewrite)` },
        {
          name: 'backfill',
          step: 0,
          summary: `Fill ${column} with ${value} where it is NULL, in batches of ${BATCH_SIZE} by ${pkColumn.name}, each committed on its own.`,
          deployBefore: `the application writes ${column} on every insert and update (deploy it after this migration, before the backfill)`,
          lock: `row locks on each batch of ${label} (ROW EXCLUSIVE lock on ${label}, which blocks only schema changes)`,
        },
        { name: 'constrain', step: 1, summary: `ADD CONSTRAINT ${check} CHECK (${column} IS NOT NULL) NOT VALID: new and updated rows must have ${column}; no rows are checked.`, lock: brief },
        {
          name: 'validate',
          step: 2,
          summary: `VALIDATE the CHECK while reads and writes go on, then SET NOT NULL (no scan: the CHECK proves it) and drop the CHECK.`,
          lock: `${describeLock('ShareUpdateExclusiveLock', label)} while validating; then ${brief}`,
        },
      ],
      notes: [
        `The backfill gives existing rows ${column} = ${value}, a placeholder: put the value they should have in the backfill migration before running it.`,
        `Deploy the release that writes ${column} on every insert and update between this migration and the backfill; rows it inserts without ${column} after the backfill make VALIDATE fail.`,
      ],
    };
  },
};
