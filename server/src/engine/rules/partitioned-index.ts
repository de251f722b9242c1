/**
 * CREATE INDEX on a partitioned table builds an index on every partition while holding a SHARE lock on
 * the parent and on each partition: writes to the whole partitioned table stop for all the builds.
 * CONCURRENTLY is refused on the parent, so the online path is per partition.
 */
import { relationLabel } from '../dialects/postgres/ast';
import { headRange } from '../dialects/postgres/ranges';
import { describeLock } from '../locks/modes';
import { defineRule } from './define';
import { PartitionedTables } from './helpers/partitioned-tables';

export default defineRule({
  id: 'partitioned-index',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'CREATE INDEX on a partitioned table blocks writes to every partition while all their indexes are built.',
    messages: {
      onParent:
        'CREATE INDEX on partitioned table {{table}} takes a {{lock}}, and the same SHARE lock on every partition, until the index of every partition is built (each from a full scan of its partition).',
      concurrentlyOnParent:
        'CREATE INDEX CONCURRENTLY fails on partitioned table {{table}}: PostgreSQL does not support CONCURRENTLY on a partitioned table, only on its partitions.',
    },
    help: 'Create the index ON ONLY {{table}} (instant, left invalid), build each partition\'s index with CREATE INDEX CONCURRENTLY outside a transaction, then ALTER INDEX … ATTACH PARTITION each one; the parent index becomes valid when all are attached.',
    fix: 'suggestion',
  },
  check(ctx) {
    const partitioned = new PartitionedTables();
    return {
      IndexStmt(index, stmt) {
        if (!partitioned.has(ctx.schema, index.relation)) return;
        if (ctx.isNewTable(index.relation)) return;
        // ON ONLY parent: creates the (invalid) parent index alone, without building anything.
        if (index.relation?.inh !== true) return;
        const table = relationLabel(index.relation);
        const range = headRange(stmt, index.relation?.location);
        if (index.concurrent) {
          ctx.report({ stmt, range, messageId: 'concurrentlyOnParent', data: { table } });
          return;
        }
        ctx.report({ stmt, range, messageId: 'onParent', data: { table, lock: describeLock('ShareLock', table) } });
      },
      any(stmt) {
        partitioned.observe(stmt);
      },
    };
  },
});
