/**
 * REFRESH MATERIALIZED VIEW without CONCURRENTLY runs the view's query and swaps in the result while
 * holding an ACCESS EXCLUSIVE lock: reads of the view wait for the whole query. CONCURRENTLY needs a
 * unique index and a populated view, and lets reads continue (EXCLUSIVE lock).
 */
import { relationLabel } from '../dialects/postgres/ast';
import { headRange } from '../dialects/postgres/ranges';
import { describeLock } from '../locks/modes';
import { defineRule } from './define';
import { NewMaterializedViews } from './helpers/new-matviews';

export default defineRule({
  id: 'refresh-matview',
  meta: {
    category: 'rewrite',
    severity: 'warning',
    summary: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads of the view while its query runs.',
    messages: {
      notConcurrent:
        'REFRESH MATERIALIZED VIEW rewrites {{view}} from its query while holding an {{lock}}: every read of the view waits until the query finishes.',
      withNoData:
        'REFRESH MATERIALIZED VIEW … WITH NO DATA takes an {{lock}} and leaves {{view}} unpopulated: every read of it fails until the next full refresh.',
    },
    help: 'Use REFRESH MATERIALIZED VIEW CONCURRENTLY (the view needs a unique index on plain columns and must already be populated): reads continue while it runs.',
    fix: 'none',
  },
  check(ctx) {
    const newViews = new NewMaterializedViews();
    return {
      RefreshMatViewStmt(refresh, stmt) {
        if (refresh.concurrent || newViews.has(refresh.relation)) return;
        const view = relationLabel(refresh.relation);
        const data = { view, lock: describeLock('AccessExclusiveLock', view) };
        ctx.report({ stmt, range: headRange(stmt, refresh.relation?.location), messageId: refresh.skipData ? 'withNoData' : 'notConcurrent', data });
      },
      any(stmt) {
        newViews.observe(stmt);
      },
    };
  },
});
