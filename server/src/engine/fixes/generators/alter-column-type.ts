/**
 * ALTER COLUMN … TYPE that rewrites → expand and contract through a new column of the new type, so that
 * the table is never rewritten under an ACCESS EXCLUSIVE lock:
 * - expand: add `<column>_<new type>` (`amount_bigint`: says what it holds, and the application code
 *   that moves to it reads as such) and a trigger that keeps both columns equal whichever one the
 *   application writes;
 * - backfill: convert the old column into the new one in primary-key batches, each committed on its own;
 * - build: the indexes the history knows on the old column, built again CONCURRENTLY on the new one;
 * - contract (after the release that reads and writes only the new column): refuse to go on while any
 *   row differs, then drop the trigger, its function and the old column.
 * The conversions are assignments, as ALTER … TYPE converts without USING: a value that does not fit
 * (too long, out of range) raises an error instead of being cut short as an explicit cast would. A USING
 * that is just a cast to the new type (`USING amount::bigint`) converts with that cast. Any other USING
 * has no inverse to write, so the new release's writes could not reach the old column while both
 * releases run: no plan. Neither is there one without a single-column primary key (the batches walk it),
 * for a column in the primary key (the key would have to move), or when something PostgreSQL tracks
 * (a view, a generated column, a foreign key, a trigger) would stop the old column from being dropped.
 */
import type { ColumnDef, Node, RangeVar, TypeCast, TypeName } from '@pgsql/types';
import { relationKey, relationLabel, stringList, typeLabel } from '../../dialects/postgres/ast';
import type { Statement } from '../../dialects/postgres/statement';
import { describeLock } from '../../locks/modes';
import { columnDependents, refusingDependents } from '../../schema/dependents';
import type { IndexModel, SchemaModel, TableModel } from '../../schema/model';
import type { TextRange } from '../../types';
import type { DraftPhase, Generator } from '../generator';
import { batchedUpdateSql, divergenceCheckSql, dropOriginalColumnSql, dropSyncTriggerSql, syncTriggerSql } from '../recipes/expand-contract';
import { BATCH_SIZE } from '../recipes/keyset-batches';
import { schemaBefore } from '../schema-at';
import { commandAt, generatedName, quoteIdent, relationSql, removeStatement, siblingSql } from '../sql';
import type { MigrationStep } from '../types';

/** How the USING clause converts: absent (or the bare column), a cast to the new type, or anything else. */
function usingKind(expr: Node | undefined, column: string, newType: string): 'none' | 'cast' | 'other' {
  if (!expr) return 'none';
  const cast = (expr as { TypeCast?: TypeCast }).TypeCast;
  if (cast && typeLabel(cast.typeName) !== newType) return 'other';
  const ref = ((cast ? cast.arg : expr) as { ColumnRef?: { fields?: Node[] } } | undefined)?.ColumnRef;
  const names = stringList(ref?.fields);
  if (names.length !== 1 || names[0] !== column) return 'other';
  return cast ? 'cast' : 'none';
}

/** The new type as written (`numeric(12, 2)`, `app.money`) and its COLLATE clause, from the command's text. */
function writtenType(stmt: Statement, text: string, typeName: TypeName, command: TextRange): { type: string; collate: string } | undefined {
  const start = stmt.offsetOf(typeName.location);
  const tokens = stmt.codeTokens().filter((t) => t.start >= start && t.end <= command.end);
  // The type ends at COLLATE or USING outside parentheses, the COLLATE clause at USING (whose
  // expression may have a COLLATE of its own).
  let depth = 0;
  let collateAt: number | undefined;
  let usingAt = tokens.length;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    else if (depth === 0 && t.name === 'COLLATE') collateAt ??= i;
    else if (depth === 0 && t.name === 'USING') {
      usingAt = i;
      break;
    }
  }
  const clauseText = (from: number, to: number) => (to > from ? text.slice(tokens[from].start, tokens[to - 1].end) : '');
  const type = clauseText(0, collateAt ?? usingAt);
  const collate = collateAt === undefined ? '' : clauseText(collateAt, usingAt);
  return type ? { type, collate } : undefined;
}

/** `bigint` → `bigint`, `numeric(12,2)` → `numeric_12_2`, `text[]` → `text_array`. */
function typeSlug(label: string): string {
  return label
    .toLowerCase()
    .replace(/\[\]/g, '_array')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** A name for the new column that no column of the table has: `<column>_<type>`, else `<column>_new`. */
function newColumnName(table: TableModel, column: string, newType: string): string | undefined {
  const slug = typeSlug(newType);
  return [slug ? generatedName(column, slug) : undefined, generatedName(column, 'new')].find((n) => n !== undefined && !table.columns.has(n));
}

interface IndexRebuild {
  sql: string;
  down: string;
  name: string;
}

/**
 * The indexes on the old column that the history records well enough to build again on the new one
 * (plain column lists, unique or not), and notes for the rest: expressions, WHERE and INCLUDE, which
 * the history does not keep, and exclusion constraints, which are no index to build on their own.
 */
function indexRebuilds(schema: SchemaModel, table: TableModel, rv: RangeVar, indexes: IndexModel[], oldCol: string, newCol: string): { builds: IndexRebuild[]; notes: string[] } {
  const builds: IndexRebuild[] = [];
  const notes: string[] = [];
  const taken = (name: string) => schema.indexTables.has(`${rv.schemaname ?? 'public'}.${name}`) || builds.some((b) => b.name === name);
  for (const index of indexes) {
    const label = index.name ? `index ${index.name}` : `the index on (${index.columns.join(', ')})`;
    const constraint = index.constraint ? table.constraints.find((k) => k.name === index.constraint) : undefined;
    if (constraint && constraint.kind !== 'unique') {
      notes.push(`${label} enforces the ${constraint.kind} constraint ${index.constraint}, which goes with ${oldCol}: add it again on ${newCol} before the contract step.`);
      continue;
    }
    if (index.partial || index.expressionColumns?.length || index.columns.includes('')) {
      notes.push(`${label} uses ${oldCol} with an expression, a WHERE or an INCLUDE the history does not keep: create it again on ${newCol} (CREATE INDEX CONCURRENTLY) before the contract step.`);
      continue;
    }
    const columns = index.columns.map((c) => (c === oldCol ? newCol : c));
    const base = generatedName(rv.relname ?? '', ...columns, index.unique ? 'key' : 'idx');
    let name = base;
    for (let n = 1; taken(name); n++) name = generatedName(base.slice(0, 60), String(n));
    const method = index.method ? ` USING ${index.method}` : '';
    builds.push({
      name,
      sql: `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(name)} ON ${relationSql(rv)}${method} (${columns.map(quoteIdent).join(', ')});`,
      down: `DROP INDEX CONCURRENTLY IF EXISTS ${siblingSql(rv, name)};`,
    });
    if (constraint) {
      notes.push(
        `${label} enforces the constraint ${index.constraint}, which goes with ${oldCol}: ${name} keeps the values unique; after the contract step, ALTER TABLE … ADD CONSTRAINT … UNIQUE USING INDEX ${name} makes it a constraint again where one is needed (ON CONFLICT ON CONSTRAINT, foreign keys).`,
      );
    }
  }
  if (builds.length) notes.push(`The indexes on ${newCol} are built from the column lists the history records: compare sort order, operator classes and collations with the originals.`);
  if (indexes.length === 0) notes.push(`The history shows no index on ${oldCol}; if the database has one that the migrations do not create, build it on ${newCol} CONCURRENTLY before the contract step.`);
  return { builds, notes };
}

export const alterColumnType: Generator = {
  rule: 'alter-column-type',
  draft({ finding, stmt, text, statements, ctx }) {
    // Only a real rewrite: time zones, collations and CHECK re-scans have fixes of their own.
    if (finding.messageId !== 'rewrite') return null;
    const alter = stmt.as('AlterTableStmt');
    const found = commandAt(stmt, finding.range);
    const def = (found?.cmd.def as { ColumnDef?: ColumnDef } | undefined)?.ColumnDef;
    if (!alter?.relation?.relname || !found || found.count > 1 || found.cmd.subtype !== 'AT_AlterColumnType' || !found.cmd.name || !def?.typeName) return null;
    const rv = alter.relation;
    const relname = alter.relation.relname;
    const column = found.cmd.name;
    const newLabel = typeLabel(def.typeName);
    const using = usingKind(def.raw_default, column, newLabel);
    if (using === 'other') return null;
    const written = writtenType(stmt, text, def.typeName, found.range);
    const schema = schemaBefore(ctx, stmt, statements);
    const table = schema.table(relationKey(rv));
    const old = table?.columns.get(column);
    const pk = table?.constraints.find((c) => c.kind === 'primary-key');
    const pkColumn = pk?.columns.length === 1 ? table?.columns.get(pk.columns[0]) : undefined;
    if (!written || !table || !old || !pk || !pkColumn || pk.columns.includes(column) || old.identity || old.generated) return null;
    const dependents = columnDependents(schema, table.key, column);
    // The contract's DROP COLUMN would be refused, or would break another trigger's writes.
    if (refusingDependents(dependents, (k) => k).length || dependents.bodyTriggers.length) return null;
    const newName = newColumnName(table, column, newLabel);
    if (!newName) return null;

    const label = relationLabel(rv);
    const rel = relationSql(rv);
    const oldCol = quoteIdent(column);
    const newCol = quoteIdent(newName);
    const syncName = generatedName(relname, 'sync', newName);
    const sync = { rel, fn: siblingSql(rv, syncName), trigger: quoteIdent(syncName), oldCol: column, newCol: newName };
    const converted = (ref: string) => (using === 'cast' ? `CAST(${ref} AS ${written.type})` : ref);
    const expand = [
      `ALTER TABLE ${rel} ADD COLUMN ${newCol} ${written.type}${written.collate ? ` ${written.collate}` : ''};`,
      '',
      using === 'cast'
        ? `-- Values convert with the USING cast, as ALTER … TYPE would have converted them.`
        : '-- Values convert as ALTER … TYPE converts them: one that does not fit raises an error, it is not cut short.',
      syncTriggerSql(using === 'cast' ? { ...sync, toNew: converted(`NEW.${oldCol}`) } : sync),
    ].join('\n');
    const backfill = batchedUpdateSql({
      rel,
      pk: pkColumn.name,
      pkType: pkColumn.type,
      set: `${newCol} = ${converted(oldCol)}`,
      pending: `${newCol} IS DISTINCT FROM CAST(${oldCol} AS ${written.type})`,
      what: `Converts ${column} into ${newName}`,
    });
    const { builds, notes: indexNotes } = indexRebuilds(schema, table, rv, dependents.indexes, column, newName);
    const contract = [
      divergenceCheckSql(rel, `${newCol} IS DISTINCT FROM CAST(${oldCol} AS ${written.type})`, `${label}.${newName} differs from ${column} in some rows: run the backfill again before contracting`),
      dropSyncTriggerSql(sync),
      dropOriginalColumnSql(rel, column, newName),
    ].join('\n');

    const steps: MigrationStep[] = [
      { name: `add ${relname} ${newName}`, up: expand, down: `${dropSyncTriggerSql(sync, true)}\nALTER TABLE ${rel} DROP COLUMN IF EXISTS ${newCol};`, nonTransactional: false },
      { name: `backfill ${relname} ${newName}`, up: backfill, nonTransactional: true },
    ];
    // One index a migration: frameworks that send a file as one query run a single statement outside a transaction only.
    for (const b of builds) steps.push({ name: `create index ${b.name} concurrently`, up: b.sql, down: b.down, nonTransactional: true });
    const contractStep = steps.length;
    steps.push({
      name: `drop ${relname} ${column}`,
      up: contract,
      // Back to the state after the expand: the old column, filled from the new one, kept in sync again.
      down: [`ALTER TABLE ${rel} ADD COLUMN IF NOT EXISTS ${oldCol} ${old.type};`, `UPDATE ${rel} SET ${oldCol} = ${newCol};`, '', syncTriggerSql(sync)].join('\n'),
      nonTransactional: false,
    });

    const brief = `${describeLock('AccessExclusiveLock', label)}, for a moment (no rewrite)`;
    const phases: DraftPhase[] = [
      { name: 'expand', step: 0, summary: `Add ${newName} (${written.type}) and the trigger that keeps it equal to ${column}; the running release goes on writing ${column}.`, lock: brief },
      {
        name: 'backfill',
        step: 1,
        summary: `Convert ${column} into ${newName} in batches of ${BATCH_SIZE} by ${pkColumn.name}, each committed on its own.`,
        lock: `row locks on each batch of ${label} (ROW EXCLUSIVE lock on ${label}, which blocks only schema changes)`,
      },
    ];
    builds.forEach((b, i) =>
      phases.push({ name: 'build', step: 2 + i, summary: `Build ${b.name} on ${newName} CONCURRENTLY while reads and writes go on.`, lock: describeLock('ShareUpdateExclusiveLock', label) }),
    );
    phases.push({
      name: 'contract',
      step: contractStep,
      summary: `Check that ${newName} equals ${column} converted in every row, drop the trigger, its function and ${column}.`,
      deployBefore: `the application reads and writes only ${newName} (deploy it after the ${builds.length ? 'index builds' : 'backfill'}, before this migration)`,
      lock: brief,
    });
    return {
      title: `Change ${label}.${column} to ${written.type} through a new column ${newName}, by expand and contract`,
      edits: [removeStatement(text, stmt)],
      steps,
      phases,
      notes: [
        `The new column is named ${newName} and keeps that name: the release before the contract step moves the application to it. Renaming it to ${column} afterwards is a rename, with its own expand and contract.`,
        `Until the contract step the trigger copies every value written to ${newName} back into ${column}: such values must fit ${old.type} until then.`,
        ...columnNotes(column, newName, old, dependents.constraints),
        ...indexNotes,
        `Deploy the release that reads and writes only ${newName} after the ${builds.length ? 'index builds' : 'backfill'} and before the contract step; the running release keeps working until then.`,
      ],
    };
  },
};

/** What the old column has that the new one does not get: NOT NULL, default, constraints. */
function columnNotes(column: string, newName: string, old: { notNull: boolean; default?: { label: string } }, constraints: { kind: string; name?: string }[]): string[] {
  const notes: string[] = [];
  if (old.notNull) notes.push(`${column} is NOT NULL and ${newName} is not: after the backfill, prove it with CHECK (${newName} IS NOT NULL) NOT VALID, VALIDATE and SET NOT NULL, before or after the contract step.`);
  // The new column stays without a default until the contract: the trigger reads a value in it as written by the new release.
  if (old.default) notes.push(`${column} has DEFAULT ${old.default.label} and ${newName} has none: set it on ${newName} after the contract step (ALTER COLUMN … SET DEFAULT, no rewrite).`);
  // Unique and exclusion constraints come with their index (see indexRebuilds).
  const others = constraints.filter((k) => k.kind === 'check' || k.kind === 'foreign-key');
  if (others.length) notes.push(`${others.map((k) => `${k.kind === 'check' ? 'CHECK' : 'foreign key'} ${k.name ?? '(unnamed)'}`).join(', ')} on ${column} go with it: add them to ${newName} (NOT VALID, then VALIDATE) before the contract step.`);
  return notes;
}
