/**
 * Schema changes and data changes on existing tables in one migration file: in a transaction the DDL's
 * locks are held while the data changes run, and the two cannot be retried or rolled out separately
 * (a failed backfill takes the schema change down with it, a deploy cannot sit between them).
 * Reported once per file, at the first statement of the second kind.
 */
import type { RangeVar } from '@pgsql/types';
import { relationLabel } from '../dialects/postgres/ast';
import type { Statement } from '../dialects/postgres/statement';
import { describeLock, type LockMode } from '../locks/modes';
import type { TextRange } from '../types';
import { defineRule, type RuleContext } from './define';
import { lineOf } from './helpers/held-locks';
import { lockSiteRange } from './helpers/keyword-spans';
import { aLock } from './helpers/lock-phrases';
import { existingTableLocks, strongestLock } from './helpers/relation-locks';

interface Change {
  stmt: Statement;
  table: string;
  range: TextRange;
  /** For a schema change: its strongest lock. */
  lock?: { mode: LockMode; label: string };
}

/** Statements that lock tables without changing the schema: queries, maintenance, comments, explicit locks. */
const NOT_DDL = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'ExplainStmt', 'VacuumStmt', 'CommentStmt', 'LockStmt', 'VariableSetStmt', 'TransactionStmt']);

/** INSERT, UPDATE, DELETE, MERGE or COPY FROM into a table that existed before this file. */
function dataChange(ctx: RuleContext, stmt: Statement): Change | undefined {
  const node = stmt.node as Record<string, { relation?: RangeVar; is_from?: boolean }> | undefined;
  const p = node?.[stmt.kind];
  const writes = ['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt'].includes(stmt.kind) || (stmt.kind === 'CopyStmt' && p?.is_from === true);
  const relation = writes ? p?.relation : undefined;
  if (!relation || ctx.isNewTable(relation)) return undefined;
  return { stmt, table: relationLabel(relation), range: lockSiteRange(stmt, relation.location) };
}

/** A schema change that locks an existing table against other schema changes or stronger. */
function schemaChange(ctx: RuleContext, stmt: Statement): Change | undefined {
  if (NOT_DDL.has(stmt.kind)) return undefined;
  const lock = strongestLock(existingTableLocks(ctx, stmt, 'ShareUpdateExclusiveLock'));
  return lock ? { stmt, table: lock.label, range: lockSiteRange(stmt, lock.location), lock: { mode: lock.mode, label: lock.label } } : undefined;
}

export default defineRule({
  id: 'mixed-ddl-dml',
  meta: {
    category: 'transaction',
    severity: 'warning',
    summary: 'Schema changes and data changes on existing tables in the same migration file.',
    messages: {
      dmlAfterDdl:
        'This migration changes the schema of {{ddlTable}} (line {{line}}) and then data in {{table}}: in a transaction the schema change\'s {{lock}}, is held while the data changes run, and neither can be retried or deployed without the other.',
      ddlAfterDml:
        'This migration changes data in {{dmlTable}} (line {{line}}) and then the schema of {{table}}, which takes {{lock}}: in a transaction the data change\'s row locks are held while it waits for that lock, and neither can be retried or deployed without the other.',
    },
    help: 'Split the migration: schema changes in one file, the data change (batched, outside a transaction) in another.',
    fix: 'suggestion',
  },
  check(ctx) {
    let firstDdl: Change | undefined;
    let firstDml: Change | undefined;
    let reported = false;
    return {
      any(stmt) {
        if (reported) return;
        const dml = dataChange(ctx, stmt);
        const ddl = dml ? undefined : schemaChange(ctx, stmt);
        if (dml && firstDdl) {
          reported = true;
          ctx.report({ stmt, range: dml.range, messageId: 'dmlAfterDdl', data: { line: lineOf(ctx, firstDdl.stmt), ddlTable: firstDdl.table, table: dml.table, lock: describeLock(firstDdl.lock!.mode, firstDdl.lock!.label) } });
        } else if (ddl && firstDml) {
          reported = true;
          ctx.report({ stmt, range: ddl.range, messageId: 'ddlAfterDml', data: { line: lineOf(ctx, firstDml.stmt), dmlTable: firstDml.table, table: ddl.table, lock: aLock(ddl.lock!.mode, ddl.lock!.label) } });
        }
        firstDdl ??= ddl;
        firstDml ??= dml;
      },
    };
  },
});
