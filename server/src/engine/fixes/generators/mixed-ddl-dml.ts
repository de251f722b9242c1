/**
 * Schema changes and data changes in one migration → two or more migrations, each with one kind.
 *
 * The finding sits on the first statement of the second kind. Every statement of that kind from there
 * on leaves the current migration, the first kind stays. So with DDL first the data changes move (the
 * DDL stays), and with DML first the schema changes after it move: the DDL may depend on the data
 * change before it (a backfill before SET NOT NULL), so the data change has to run first, and the
 * current migration is the one that runs first.
 *
 * Later statements that name what a moved statement names move with it (movedWith), so nothing
 * runs before a statement it used to follow; a statement of the first kind dragged along that way
 * gets a migration of its own, because the moved statements are laid out in runs of one kind each.
 * Each new migration is transactional, unless it holds a statement that refuses a transaction
 * (CONCURRENTLY in a file the runner did not wrap): that one gets a migration of its own, outside a
 * transaction. Session settings in force before a moved statement (SET lock_timeout, search_path …)
 * are repeated in its new migration.

 */
import type { RangeVar } from '@pgsql/types';
import { relationKey, relationLabel } from '../../dialects/postgres/ast';
import type { Statement } from '../../dialects/postgres/statement';
import { statementLocks } from '../../locks/statement-locks';
import { schemaLockContext } from '../../rules/helpers/relation-locks';
import type { SchemaModel } from '../../schema/model';
import type { ServerVersion } from '../../types';
import type { DraftPhase, Generator } from '../generator';
import { groupSteps, itemOf, lineOfStatement, lockSummary, movedWith, phaseOf, rank, refusesTransaction, relationsIn, removalEdits, serverVersionOf, stepSql, TABLE_LIKE, uniqueNames } from '../recipes/move-statements';
import { schemaBefore } from '../schema-at';
import type { MigrationStep } from '../types';

type ChangeKind = 'schema' | 'data';

/** Statements that lock tables without changing the schema (as the rule counts them). */
const NOT_DDL = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'ExplainStmt', 'VacuumStmt', 'CommentStmt', 'LockStmt', 'VariableSetStmt', 'TransactionStmt']);
const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/**
 * The rule's classification: a write to a table that is not new, or a statement that locks a table
 * that is not new against other schema changes or stronger. `isNew` says which tables are new where
 * the statement will run.
 */
function changeKind(stmt: Statement, isNew: (key: string) => boolean, schema: SchemaModel, version: ServerVersion): ChangeKind | undefined {
  const p = (stmt.node as Record<string, { relation?: RangeVar; is_from?: boolean }> | undefined)?.[stmt.kind];
  if (WRITES.has(stmt.kind) || (stmt.kind === 'CopyStmt' && p?.is_from === true)) return p?.relation && !isNew(relationKey(p.relation)) ? 'data' : undefined;
  if (NOT_DDL.has(stmt.kind)) return undefined;
  const locks = statementLocks(stmt.node, schemaLockContext(schema, version));
  const strong = locks.some((lock) => {
    if (!TABLE_LIKE.has(lock.kind) || rank(lock.mode) < rank('ShareUpdateExclusiveLock')) return false;
    if (lock.kind !== 'index') return !isNew(lock.key);
    const table = schema.indexTables.get(lock.key);
    return !(table && (isNew(table) || locks.some((l) => l.key === table)));
  });
  return strong ? 'schema' : undefined;
}

const tablesIn = (stmts: Statement[]) => {
  const names = new Set<string>();
  for (const s of stmts) for (const rv of relationsIn(s.node)) names.add(relationLabel(rv));
  return [...names];
};

export const mixedDdlDml: Generator = {
  rule: 'mixed-ddl-dml',
  draft({ stmt, text, statements, ctx }) {
    const version = serverVersionOf(ctx);
    // The statements' kinds as the rule sees them in the current migration: tables created earlier in it are new.
    const schema = schemaBefore(ctx, statements[0], statements);
    const kinds: (ChangeKind | undefined)[] = [];
    for (const s of statements) {
      kinds.push(s.node ? changeKind(s, (key) => schema.isNewTable(key), schema, version) : undefined);
      if (s.node) schema.apply(s, 'current-file');
    }
    const second = kinds[stmt.index];
    const first: ChangeKind = second === 'data' ? 'schema' : 'data';
    if (!second || !kinds.slice(0, stmt.index).includes(first)) return null;

    const seed = statements.filter((s) => s.index >= stmt.index && kinds[s.index] === second).map((s) => s.index);
    const moved = movedWith(statements, seed);
    if (moved.some((i) => !statements[i].node)) return null;
    // In a new migration every table of the current one exists: only tables created in the same step are new.
    const kindInStep = (s: Statement, created: Set<string>) => changeKind(s, (key) => created.has(key), schema, version);
    const groups = groupSteps(statements, moved, refusesTransaction, kindInStep);

    const steps: MigrationStep[] = [];
    const phases: DraftPhase[] = [];
    const notes: string[] = [];
    const kept = statements.filter((s) => !moved.includes(s.index) && s.node);
    const lockSchema = schemaBefore(ctx, statements[0], statements);
    // Tables created in this migration are empty and invisible to others: their locks are left out.
    const createdHere = (key: string) => schema.isNewTable(key);
    phases.push({
      name: first === 'schema' ? 'expand' : 'backfill',
      step: 'current',
      summary: first === 'schema' ? 'The schema changes stay in this migration and commit on their own.' : 'The data changes stay in this migration and commit before the schema changes that follow them.',
      lock: lockSummary(kept.map((s) => s.node), schema, version, createdHere),
    });
    for (const group of groups) {
      const stmts = group.indexes.map((i) => statements[i]);
      const kind = stmts.map((s) => kindInStep(s, new Set())).find(Boolean) ?? second;
      const tables = tablesIn(stmts).slice(0, 2).join(' ') || ctx.migration.name;
      const { sql, dropped } = stepSql(statements, stmts.map(itemOf), group.nonTransactional ? 'session' : 'transaction');
      steps.push({ name: kind === 'data' ? `change data in ${tables}` : `change schema of ${tables}`, up: sql, nonTransactional: group.nonTransactional });
      phases.push({
        name: kind === 'data' ? 'backfill' : phaseOf(stmts),
        step: steps.length - 1,
        summary: `${kind === 'data' ? 'Data changes' : 'Schema changes'} in a transaction of their own${group.nonTransactional ? ' (outside a transaction: the statement refuses one)' : ''}: ${stmts.map((s) => s.text.split('\n')[0]).join('; ')}`,
        lock: lockSummary(stmts.map((s) => s.node), lockSchema, version),
      });
      if (dropped.length) notes.push(`Not repeated in the migration that runs outside a transaction: ${dropped.join('; ')}.`);
    }
    const dragged = moved.filter((i) => kinds[i] !== second).map((i) => lineOfStatement(text, statements[i]));
    if (dragged.length) notes.push(`Line${dragged.length > 1 ? 's' : ''} ${dragged.join(', ')} of ${ctx.migration.path} moved as well: ${dragged.length > 1 ? 'they name' : 'it names'} tables the moved statements touch and ran after them.`);
    if (second === 'data') notes.push('A data change that updates or deletes a whole table is still one statement: batch it (the unbatched-backfill suggestion) before it runs on a large table.');
    else notes.push(`If the down migration of ${ctx.migration.path} undoes the moved schema changes, move that part of it into the new migration's down.`);
    return {
      title:
        second === 'data'
          ? 'Move the data changes into a migration of their own, after the schema changes'
          : 'Move the schema changes that follow the data changes into a migration of their own',
      edits: removalEdits(text, statements, moved),
      steps: uniqueNames(steps),
      phases,
      notes,
    };
  },
};
