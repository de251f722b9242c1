/**
 * What the ADD COLUMN rewrites share. PostgreSQL rewrites the table under ACCESS EXCLUSIVE when a new
 * column must be filled row by row (a volatile default, a sequence, a stored expression). The rewrites
 * add a plain nullable column instead, fill the existing rows in committed batches, and then restore
 * what the original definition promised: NOT NULL through a CHECK validated without blocking, PRIMARY
 * KEY or UNIQUE through an index built concurrently.
 */
import type { AlterTableStmt, ColumnDef, ConstrType, Constraint, RangeVar } from '@pgsql/types';
import { DEFAULT_SERVER_VERSION } from '../../config';
import { relationKey } from '../../dialects/postgres/ast';
import type { Token } from '../../dialects/postgres/parser';
import type { Statement } from '../../dialects/postgres/statement';
import { describeLock } from '../../locks/modes';
import { addedColumn, columnConstraints } from '../../rules/helpers/alter-table-commands';
import type { SchemaModel, TableModel } from '../../schema/model';
import type { TextRange } from '../../types';
import type { DraftPhase } from '../generator';
import { schemaBefore } from '../schema-at';
import { commandAt, generatedName, quoteIdent, siblingSql } from '../sql';
import type { MigrationStep, PlanContext } from '../types';
import { batchedUpdateSql, literal } from './expand-contract';
import { BATCH_SIZE } from './keyset-batches';

export interface AddedColumn {
  relation: RangeVar & { relname: string };
  def: ColumnDef;
  column: string;
  /** The ADD COLUMN subcommand's text. */
  commandRange: TextRange;
  /** Its inline constraints, in text order, each with the code tokens it spans. */
  constraints: { constraint: Constraint; tokens: Token[] }[];
  /** The type as written, with its COLLATE clause: `uuid`, `varchar(20) COLLATE "C"`. */
  typeText: string;
  /** ADD COLUMN IF NOT EXISTS. */
  ifNotExists: boolean;
}

/**
 * The ADD COLUMN the finding points at, when it is the ALTER's only subcommand and its inline
 * constraints are all of the kinds the caller can carry over; null otherwise (other subcommands would
 * have to be split out too, and a CHECK or REFERENCES has recipes of its own: left to a person).
 */
export function addedColumnAt(stmt: Statement, range: TextRange, allowed: ReadonlySet<ConstrType>): AddedColumn | null {
  const alter: AlterTableStmt | undefined = stmt.as('AlterTableStmt');
  const found = commandAt(stmt, range);
  const relation = alter?.relation;
  if (!alter || alter.objtype !== 'OBJECT_TABLE' || !relation?.relname || !found || found.count > 1) return null;
  const def = addedColumn(found.cmd);
  if (!def?.colname || !def.typeName || def.typeName.location === undefined) return null;
  // Storage, compression and foreign-table options would have to be carried over: rare, left to a person.
  if (def.storage_name || def.compression || def.fdwoptions?.length) return null;
  const constraints = columnConstraints(def);
  if (constraints.length !== (def.constraints ?? []).length) return null;
  if (constraints.some((c) => !c.contype || !allowed.has(c.contype) || c.location === undefined || c.location < 0)) return null;
  if (constraints.some((c) => (c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE') && !plainKey(c))) return null;
  const starts = constraints.map((c) => stmt.offsetOf(c.location));
  if (starts.some((s, i) => i > 0 && s <= starts[i - 1])) return null;
  // A COLLATE written after a constraint would end up in that constraint's text, not in the type's.
  if (def.collClause && starts.length && stmt.offsetOf(def.collClause.location) > starts[0]) return null;
  const typeTokens = tokensBetween(stmt, stmt.offsetOf(def.typeName.location), starts[0] ?? found.range.end);
  const spans = constraints.map((constraint, i) => ({ constraint, tokens: tokensBetween(stmt, starts[i], starts[i + 1] ?? found.range.end) }));
  if (!typeTokens?.length || spans.some((s) => !s.tokens?.length)) return null;
  return {
    relation: relation as RangeVar & { relname: string },
    def,
    column: def.colname,
    commandRange: found.range,
    constraints: spans as AddedColumn['constraints'],
    typeText: textOf(stmt, typeTokens),
    ifNotExists: found.cmd.missing_ok === true,
  };
}

/** A PRIMARY KEY or UNIQUE with nothing an index built by hand would have to repeat. */
function plainKey(c: Constraint): boolean {
  return !(c.deferrable || c.initdeferred || c.including?.length || c.options?.length || c.nulls_not_distinct || c.indexspace || c.indexname || c.without_overlaps);
}

/** The statement's tokens inside [start, end); undefined when a comment is among them (it would be lost or break a line). */
function tokensBetween(stmt: Statement, start: number, end: number): Token[] | undefined {
  const tokens = stmt.tokens().filter((t) => t.start >= start && t.end <= end && t.start < stmt.range.end);
  return tokens.some((t) => t.name === 'SQL_COMMENT' || t.name === 'C_COMMENT') ? undefined : tokens;
}

/** The source text from the first token to the last, as written. */
export function textOf(stmt: Statement, tokens: Token[]): string {
  return stmt.text.slice(tokens[0].start - stmt.range.start, tokens[tokens.length - 1].end - stmt.range.start);
}

/** The first inline constraint of a kind. */
export function constraintOf(added: AddedColumn, kind: ConstrType): { constraint: Constraint; tokens: Token[] } | undefined {
  return added.constraints.find((c) => c.constraint.contype === kind);
}

/** The tokens after a keyword (`DEFAULT`); undefined when it is missing or last. */
export function tokensAfter(tokens: Token[], keyword: string): Token[] | undefined {
  const at = tokens.findIndex((t) => t.text.toUpperCase() === keyword);
  return at >= 0 && at + 1 < tokens.length ? tokens.slice(at + 1) : undefined;
}

/** A dollar quote in an expression would end the DO block or function body it is copied into. */
export const hasDollarQuote = (sql: string) => /\$[A-Za-z_0-9]*\$/.test(sql);

/** True when the definition makes the column NOT NULL (NOT NULL, or PRIMARY KEY). */
export function declaresNotNull(added: AddedColumn): boolean {
  return added.constraints.some((c) => c.constraint.contype === 'CONSTR_NOTNULL' || c.constraint.contype === 'CONSTR_PRIMARY');
}

export interface ColumnKey {
  kind: 'primary-key' | 'unique';
  /** The constraint's name: as written, or the one PostgreSQL would give it. */
  name: string;
}

/** The PRIMARY KEY or UNIQUE of the column definition (a PRIMARY KEY when it says both). */
export function columnKey(added: AddedColumn): ColumnKey | undefined {
  const primary = constraintOf(added, 'CONSTR_PRIMARY')?.constraint;
  if (primary) return { kind: 'primary-key', name: primary.conname ?? generatedName(added.relation.relname, 'pkey') };
  const unique = constraintOf(added, 'CONSTR_UNIQUE')?.constraint;
  if (unique) return { kind: 'unique', name: unique.conname ?? generatedName(added.relation.relname, added.column, 'key') };
  return undefined;
}

/** `ADD COLUMN [IF NOT EXISTS] c <type>`: the column with nothing that fills existing rows. */
export function bareAddColumn(added: AddedColumn, type = added.typeText): string {
  return `ADD COLUMN ${added.ifNotExists ? 'IF NOT EXISTS ' : ''}${quoteIdent(added.column)} ${type}`;
}

export interface TargetTable {
  schema: SchemaModel;
  table: TableModel;
}

export const serverMajor = (ctx: PlanContext) => (ctx.config?.serverVersion ?? DEFAULT_SERVER_VERSION).major;

/**
 * The table as the schema knows it before the statement; null when the schema does not know it (no
 * primary key to batch by, partitions unknown), when a PRIMARY KEY would be its second one (the
 * original statement fails; nothing to rewrite), or when the column must end NOT NULL before
 * PostgreSQL 12 (a validated CHECK does not spare SET NOT NULL its scan there).
 */
export function targetTable(input: { ctx: PlanContext; stmt: Statement; statements: Statement[] }, added: AddedColumn, notNull: boolean): TargetTable | null {
  if (notNull && serverMajor(input.ctx) < 12) return null;
  const schema = schemaBefore(input.ctx, input.stmt, input.statements);
  const table = schema.table(relationKey(added.relation));
  if (!table || table.columns.has(added.column)) return null;
  if (columnKey(added)?.kind === 'primary-key' && table.constraints.some((c) => c.kind === 'primary-key')) return null;
  return { schema, table };
}

export interface Fill {
  /** The SET list, e.g. `token = gen_random_uuid()`. */
  set: string;
  /** Rows that still need it, e.g. `token IS NULL`: a re-run skips the rest. */
  pending: string;
  /** What the batches do, for the block's comment: `Fills token`. */
  what: string;
}

export interface Backfill {
  sql: string;
  /** How the batches walk the table, for the phase summary: `by id`. */
  order: string;
  notes: string[];
}

/** Pages per batch when walking physical order: at most a few thousand rows of the narrowest table. */
export const PAGES_PER_BATCH = 8;

/**
 * The backfill as a resumable DO block committing each batch (its migration runs outside a
 * transaction): by the single-column primary key when the table has one; otherwise, on PostgreSQL 14+
 * (TID range scans), by ranges of pages in physical order, for a plain table only (the pages of
 * partitions and child tables are numbered apart, so their ranges overlap). Null when neither applies.
 */
export function backfillSql(ctx: PlanContext, target: TargetTable, rel: string, fill: Fill): Backfill | null {
  const { schema, table } = target;
  const pk = table.constraints.find((c) => c.kind === 'primary-key');
  const pkColumn = pk?.columns.length === 1 ? table.columns.get(pk.columns[0]) : undefined;
  if (pkColumn) {
    const sql = batchedUpdateSql({ rel, pk: pkColumn.name, pkType: pkColumn.type, ...fill });
    return { sql, order: `in batches of ${BATCH_SIZE} by ${pkColumn.name}`, notes: [] };
  }
  const major = serverMajor(ctx);
  const hasChildren = [...schema.tables.values()].some((t) => t.partitionOf === table.key || t.inherits?.includes(table.key));
  if (major < 14 || table.partitioned || hasChildren) return null;
  return {
    sql: pageBatchedUpdateSql(rel, fill),
    order: `${PAGES_PER_BATCH} pages at a time in physical order`,
    notes: [`${table.key.replace(/^public\./, '')} has no single-column primary key: the backfill walks its pages in physical order (ctid ranges, which PostgreSQL 14+ reads without scanning the rest of the table).`],
  };
}

/**
 * A DO block that runs the UPDATE over ranges of pages, committing each one. Rows an update moves, or
 * the application writes meanwhile, land in pages still ahead (where `pending` skips them when done)
 * or already have their value; the table's end is read again before each batch for that reason.
 */
function pageBatchedUpdateSql(rel: string, fill: Fill): string {
  const n = PAGES_PER_BATCH;
  return [
    `-- ${fill.what}, ${n} pages at a time in physical order (no single-column primary key to walk), committing each batch.`,
    '-- Safe to run again: rows already done are skipped.',
    'DO $$',
    'DECLARE',
    '  next_page bigint := 0;',
    'BEGIN',
    `  WHILE next_page < pg_relation_size(${literal(rel)}) / current_setting('block_size')::bigint LOOP`,
    `    UPDATE ${rel} SET ${fill.set}`,
    `      WHERE ctid >= format('(%s,0)', next_page)::tid AND ctid < format('(%s,0)', next_page + ${n})::tid AND (${fill.pending});`,
    `    next_page := next_page + ${n};`,
    '    COMMIT;',
    '  END LOOP;',
    'END;',
    '$$;',
  ].join('\n');
}

/** Steps and phases collected in order; a phase points at the step added with it. */
export class DraftSteps {
  readonly steps: MigrationStep[] = [];
  readonly phases: DraftPhase[] = [];

  add(step: MigrationStep, phase: Omit<DraftPhase, 'step'>): void {
    this.steps.push(step);
    this.phases.push({ ...phase, step: this.steps.length - 1 });
  }
}

export interface Finish {
  ctx: PlanContext;
  added: AddedColumn;
  /** Table as SQL and as a label. */
  rel: string;
  label: string;
}

/**
 * NOT NULL by the set-not-null recipe, after the backfill: a CHECK (c IS NOT NULL) NOT VALID (brief
 * lock, new rows checked), then in the next migration VALIDATE (no blocking), SET NOT NULL (no scan:
 * the CHECK proves it, PostgreSQL 12+) and DROP of the now redundant CHECK. SET NOT NULL and DROP stay
 * separate statements: in one ALTER the CHECK is dropped first and SET NOT NULL scans the table.
 */
export function addNotNullSteps(draft: DraftSteps, f: Finish): void {
  const { added, rel, label } = f;
  const col = quoteIdent(added.column);
  const check = quoteIdent(generatedName(added.relation.relname, added.column, 'not_null'));
  const brief = `${describeLock('AccessExclusiveLock', label)}, for a moment`;
  draft.add(
    {
      name: `check ${added.relation.relname} ${added.column} not null`,
      up: `ALTER TABLE ${rel} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;`,
      down: `ALTER TABLE ${rel} DROP CONSTRAINT IF EXISTS ${check};`,
      nonTransactional: false,
    },
    { name: 'constrain', summary: `ADD CONSTRAINT ${check} CHECK (${added.column} IS NOT NULL) NOT VALID: new and updated rows are checked from now on.`, lock: `${brief}: no rows are checked` },
  );
  draft.add(
    {
      name: `set ${added.relation.relname} ${added.column} not null`,
      up: [
        `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${check};`,
        '-- No scan: the validated CHECK proves the column has no NULLs. Kept apart from the DROP, which would otherwise run first.',
        `ALTER TABLE ${rel} ALTER COLUMN ${col} SET NOT NULL;`,
        `ALTER TABLE ${rel} DROP CONSTRAINT ${check};`,
      ].join('\n'),
      down: `ALTER TABLE ${rel} ALTER COLUMN ${col} DROP NOT NULL;`,
      nonTransactional: false,
    },
    {
      name: 'validate',
      summary: `VALIDATE the CHECK while reads and writes go on, then SET NOT NULL (no scan: the CHECK proves it) and drop the CHECK.`,
      lock: `${describeLock('ShareUpdateExclusiveLock', label)} while validating; then ${brief}`,
    },
  );
}

/**
 * PRIMARY KEY or UNIQUE: the unique index built CONCURRENTLY in a migration of its own (outside a
 * transaction), then attached as the constraint with USING INDEX, a catalog change under a brief lock.
 * A primary key needs the column NOT NULL first (addNotNullSteps), or the attach would scan for NULLs.
 */
export function addKeySteps(draft: DraftSteps, f: Finish, key: ColumnKey): void {
  const { added, rel, label } = f;
  const name = quoteIdent(key.name);
  const what = key.kind === 'primary-key' ? 'PRIMARY KEY' : 'UNIQUE';
  draft.add(
    {
      name: `create unique index ${key.name} concurrently`,
      up: `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${rel} (${quoteIdent(added.column)});`,
      down: `DROP INDEX CONCURRENTLY IF EXISTS ${siblingSql(added.relation, key.name)};`,
      nonTransactional: true,
    },
    { name: 'build', summary: `CREATE UNIQUE INDEX CONCURRENTLY ${key.name} while reads and writes go on.`, lock: describeLock('ShareUpdateExclusiveLock', label) },
  );
  draft.add(
    {
      name: `add ${key.kind === 'primary-key' ? 'primary key' : 'unique constraint'} ${key.name}`,
      up: `ALTER TABLE ${rel} ADD CONSTRAINT ${name} ${what} USING INDEX ${name};`,
      down: `ALTER TABLE ${rel} DROP CONSTRAINT ${name};`,
      nonTransactional: false,
    },
    { name: 'constrain', summary: `ADD CONSTRAINT ${key.name} ${what} USING INDEX: the index becomes the constraint, no build.`, lock: `${describeLock('AccessExclusiveLock', label)}, for a moment` },
  );
}

/**
 * The backfill step, then what the definition promised beyond the values: NOT NULL (when `notNull`),
 * a primary key or unique constraint. Returns the notes that go with them.
 */
export function addFillAndFinish(draft: DraftSteps, f: Finish, backfill: Backfill, fill: { summary: string; notNull: boolean }): string[] {
  const { added, label } = f;
  draft.add(
    { name: `backfill ${added.relation.relname} ${added.column}`, up: backfill.sql, nonTransactional: true },
    {
      name: 'backfill',
      summary: `${fill.summary} ${backfill.order}, each batch committed on its own.`,
      lock: `row locks on each batch of ${label} (${describeLock('RowExclusiveLock', label)})`,
    },
  );
  const notes = [...backfill.notes];
  if (fill.notNull) addNotNullSteps(draft, f);
  const key = columnKey(added);
  if (key) {
    addKeySteps(draft, f, key);
    notes.push(`If the concurrent build of ${key.name} fails it leaves an INVALID index: drop it (DROP INDEX CONCURRENTLY) and run the migration again.`);
  }
  return notes;
}
