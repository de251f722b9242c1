/**
 * CREATE INDEX without CONCURRENTLY holds a SHARE lock for the whole build: writes to the table stop
 * until the index is built. On 14.0–14.3, CONCURRENTLY itself could corrupt indexes (fixed in 14.4).
 */
import { relationLabel } from '../dialects/postgres/ast';
import { headRange } from '../dialects/postgres/ranges';
import { describeLock } from '../locks/modes';
import type { Fix } from '../types';
import { autofix, insertAfterKeyword } from '../fixes/token-edits';
import type { Statement } from '../dialects/postgres/statement';
import type { IndexStmt } from '@pgsql/types';
import { defineRule, type RuleContext } from './define';
import { NewMaterializedViews } from './helpers/new-matviews';
import { PartitionedTables } from './helpers/partitioned-tables';

/**
 * CONCURRENTLY (and IF NOT EXISTS, so that a retry after a failed build does not stop at the name)
 * only where the statement runs outside a transaction: inside one, CONCURRENTLY is an error. Not on
 * 14.0–14.3, where CONCURRENTLY itself is the hazard.
 */
function addConcurrently(ctx: RuleContext, index: IndexStmt, stmt: Statement): Fix[] | undefined {
  const { major, minor } = ctx.serverVersion;
  if (ctx.inTransaction() || (major === 14 && minor < 4)) return undefined;
  const ifNotExists = index.if_not_exists || !index.idxname ? '' : ' IF NOT EXISTS';
  return autofix(`Add CONCURRENTLY${ifNotExists}`, [insertAfterKeyword(stmt, 'INDEX', ` CONCURRENTLY${ifNotExists}`)]);
}

export default defineRule({
  id: 'create-index-concurrently',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'CREATE INDEX without CONCURRENTLY on an existing table blocks writes for the whole build.',
    messages: {
      notConcurrent:
        'CREATE INDEX takes a {{lock}} until the index is built; on a large table that is minutes of failed or queued writes.',
      brokenConcurrently:
        'CREATE INDEX CONCURRENTLY on PostgreSQL {{version}} can silently corrupt the index (fixed in 14.4); upgrade first or build it in a maintenance window.',
    },
    help: 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS in a migration of its own that runs outside a transaction.',
    fix: 'autofix',
  },
  check(ctx) {
    const partitioned = new PartitionedTables();
    const newViews = new NewMaterializedViews();
    return {
      IndexStmt(index, stmt) {
        if (ctx.isNewTable(index.relation) || newViews.has(index.relation)) return;
        if (partitioned.has(ctx.schema, index.relation)) return; // partitioned-index
        // ON ONLY is the first step of the partitioned-table recipe: it builds nothing on the partitions.
        if (index.relation?.inh !== true) return;
        // The range needs the statement's tokens: made only for a statement that is reported.
        const range = () => headRange(stmt, index.relation?.location);
        if (index.concurrent) {
          const { major, minor } = ctx.serverVersion;
          if (major === 14 && minor < 4) ctx.report({ stmt, range: range(), messageId: 'brokenConcurrently', data: { version: `${major}.${minor}` } });
          return;
        }
        ctx.report({
          stmt,
          range: range(),
          messageId: 'notConcurrent',
          data: { lock: describeLock('ShareLock', relationLabel(index.relation)) },
          fixes: addConcurrently(ctx, index, stmt),
        });
      },
      any(stmt) {
        partitioned.observe(stmt);
        newViews.observe(stmt);
      },
    };
  },
});
