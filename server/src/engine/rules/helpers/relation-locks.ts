/**
 * The table locks of the statement being visited, with what the schema model knows filled in (an
 * index's table, a foreign key's referenced table) and tables created earlier in the file left out:
 * they are empty and invisible to the application, so nothing waits for them.
 */
import type { Statement } from '../../dialects/postgres/statement';
import { LOCK_MODES, type LockMode } from '../../locks/modes';
import { statementLocks, type LockContext, type RelationLock } from '../../locks/statement-locks';
import type { SchemaModel } from '../../schema/model';
import type { RuleContext } from '../define';

/** Answers the lock table's questions from the schema model. */
export function schemaLockContext(schema: SchemaModel, serverVersion: RuleContext['serverVersion']): LockContext {
  const foreignKeys = () => [...schema.tables.values()].flatMap((t) => t.constraints.filter((c) => c.references).map((c) => ({ from: t.key, to: c.references! })));
  return {
    serverVersion,
    tableOfIndex: (key) => schema.indexTables.get(key),
    referencedTable: (table, name) => schema.table(table)?.constraints.find((c) => c.name === name)?.references,
    referencedTables: (table) => foreignKeys().filter((fk) => fk.from === table && fk.to !== table).map((fk) => fk.to),
    referencingTables: (table) => foreignKeys().filter((fk) => fk.to === table && fk.from !== table).map((fk) => fk.from),
  };
}

/**
 * Several rules ask for the locks of every statement. They all visit it with the same schema (the
 * linter applies the statement only after its last visitor), so the answer is computed once per
 * statement; Statement objects are made anew by each lint, so nothing outlives the lint that made it.
 */
const statementLockCache = new WeakMap<Statement, readonly RelationLock[]>();

/**
 * Most statements' locks follow from the parse tree and the server version alone, without asking the
 * schema anything; parse trees are reused across lints (the editor's parse cache), so those answers
 * are kept with the tree and an edit does not work them out again for every unchanged statement.
 * Locations in the answer are the tree's own, not file offsets, so they stay true.
 */
const treeLockCache = new WeakMap<object, { major: number; minor: number; locks: readonly RelationLock[] }>();

/** The locks of the statement being visited, with the schema model answering the lock table's questions. Do not mutate. */
export function locksOfStatement(ctx: RuleContext, stmt: Statement): readonly RelationLock[] {
  let locks = statementLockCache.get(stmt);
  if (locks) return locks;
  const { major, minor } = ctx.serverVersion;
  const node = stmt.node;
  const kept = node ? treeLockCache.get(node) : undefined;
  if (kept && kept.major === major && kept.minor === minor) locks = kept.locks;
  else {
    let askedSchema = false;
    const schema = schemaLockContext(ctx.schema, ctx.serverVersion);
    const asking = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A): R => {
      askedSchema = true;
      return fn(...args);
    };
    locks = statementLocks(node, {
      serverVersion: ctx.serverVersion,
      tableOfIndex: asking(schema.tableOfIndex!),
      referencedTable: asking(schema.referencedTable!),
      referencedTables: asking(schema.referencedTables!),
      referencingTables: asking(schema.referencingTables!),
    });
    if (node && !askedSchema) treeLockCache.set(node, { major, minor, locks });
  }
  statementLockCache.set(stmt, locks);
  return locks;
}

/** Kinds of relation the application queries directly; views and sequences are left to other rules. */
const TABLE_LIKE = new Set(['table', 'materialized-view', 'foreign-table', 'index']);

/**
 * Locks on relations that existed before this file, at least `weakest` strong. An index whose table the
 * model does not know stands for its table and is labelled `index name`.
 */
export function existingTableLocks(ctx: RuleContext, stmt: Statement, weakest: LockMode = 'AccessShareLock'): RelationLock[] {
  const locks = locksOfStatement(ctx, stmt);
  const out: RelationLock[] = [];
  for (const lock of locks) {
    if (!TABLE_LIKE.has(lock.kind) || LOCK_MODES.indexOf(lock.mode) < LOCK_MODES.indexOf(weakest)) continue;
    if (lock.kind === 'index') {
      const table = ctx.schema.indexTables.get(lock.key);
      if (table && (ctx.isNewTable(table) || locks.some((l) => l.key === table))) continue; // new, or its table's entry says it all
      out.push({ ...lock, label: `index ${lock.label}` });
      continue;
    }
    if (!ctx.isNewTable(lock.key)) out.push(lock);
  }
  return out;
}

/** The strongest lock of a list (the first of equals). */
export function strongestLock(locks: RelationLock[]): RelationLock | undefined {
  let best: RelationLock | undefined;
  for (const lock of locks) if (!best || LOCK_MODES.indexOf(lock.mode) > LOCK_MODES.indexOf(best.mode)) best = lock;
  return best;
}
