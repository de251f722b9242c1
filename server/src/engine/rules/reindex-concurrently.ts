/**
 * REINDEX without CONCURRENTLY holds a SHARE lock on the table (writes stop) and an ACCESS EXCLUSIVE
 * lock on each index it rebuilds. The planner locks every index of a table it plans a query for, so in
 * practice reads stop too. REINDEX CONCURRENTLY exists from PostgreSQL 12 (and shares CREATE INDEX
 * CONCURRENTLY's corruption bug on 14.0–14.3).
 */
import type { ReindexStmt } from '@pgsql/types';
import { relationLabel } from '../dialects/postgres/ast';
import { headRange } from '../dialects/postgres/ranges';
import type { Statement } from '../dialects/postgres/statement';
import { describeLock } from '../locks/modes';
import type { TextRange } from '../types';
import { defineRule, type RuleContext } from './define';
import { optionEnabled } from './helpers/def-options';
import { indexOwner, tableLabel } from './helpers/index-owner';

interface Target {
  /** The table whose writes stop, as a person reads it. */
  table: string;
  /** The indexes that get the ACCESS EXCLUSIVE lock. */
  indexes: string;
  /** False when the target is a table created earlier in this file. */
  existing: boolean;
}

function targetOf(ctx: RuleContext, reindex: ReindexStmt): Target | undefined {
  switch (reindex.kind) {
    case 'REINDEX_OBJECT_TABLE':
      return { table: relationLabel(reindex.relation), indexes: 'each of its indexes', existing: !ctx.isNewTable(reindex.relation) };
    case 'REINDEX_OBJECT_INDEX': {
      const rv = reindex.relation;
      const names = rv?.schemaname ? [rv.schemaname, rv.relname ?? ''] : [rv?.relname ?? ''];
      const tableKey = indexOwner(ctx.schema, names).tableKey;
      const table = tableKey ? tableLabel(tableKey) : "the index's table";
      return { table, indexes: `index ${relationLabel(rv)}`, existing: !(tableKey && ctx.isNewTable(tableKey)) };
    }
    case 'REINDEX_OBJECT_SCHEMA':
      return { table: `every table in schema ${reindex.name ?? '?'}`, indexes: 'each of their indexes', existing: true };
    case 'REINDEX_OBJECT_DATABASE':
      return { table: 'every table in the database', indexes: 'each of their indexes', existing: true };
    default:
      return undefined; // REINDEX SYSTEM: catalogs only, and it has no concurrent form
  }
}

function rangeOf(stmt: Statement, reindex: ReindexStmt): TextRange {
  return reindex.relation ? headRange(stmt, reindex.relation.location) : stmt.range;
}

export default defineRule({
  id: 'reindex-concurrently',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'REINDEX without CONCURRENTLY blocks writes to the table and almost every read while the indexes are rebuilt.',
    messages: {
      notConcurrent:
        'REINDEX rebuilds from a full scan of the table while holding a {{lock}}, plus ACCESS EXCLUSIVE locks on {{indexes}}; the planner needs every index of a table, so nearly all reads wait too.',
      noOnlineForm:
        'REINDEX holds a {{lock}} and ACCESS EXCLUSIVE locks on {{indexes}} while it rebuilds from a full scan, and PostgreSQL {{version}} has no REINDEX CONCURRENTLY (added in 12): build a replacement with CREATE INDEX CONCURRENTLY, then DROP INDEX CONCURRENTLY the old one and rename the new one.',
      brokenConcurrently:
        'REINDEX CONCURRENTLY on PostgreSQL {{version}} can silently corrupt the index (fixed in 14.4); upgrade first or rebuild it in a maintenance window.',
    },
    help: 'Use REINDEX … CONCURRENTLY (PostgreSQL 12+) in a migration of its own that runs outside a transaction.',
    fix: 'suggestion',
  },
  check(ctx) {
    return {
      ReindexStmt(reindex, stmt) {
        const target = targetOf(ctx, reindex);
        if (!target?.existing) return;
        const range = rangeOf(stmt, reindex);
        const { major, minor } = ctx.serverVersion;
        const lock = describeLock('ShareLock', target.table);
        if (!ctx.atLeast(12)) {
          ctx.report({ stmt, range, messageId: 'noOnlineForm', data: { lock, indexes: target.indexes, version: major } });
          return;
        }
        if (optionEnabled(reindex.params, 'concurrently')) {
          if (major === 14 && minor < 4) ctx.report({ stmt, range, messageId: 'brokenConcurrently', data: { version: `${major}.${minor}` } });
          return;
        }
        ctx.report({ stmt, range, messageId: 'notConcurrent', data: { lock, indexes: target.indexes } });
      },
    };
  },
});
