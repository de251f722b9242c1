/**
 * Dropping a dual-write (sync) trigger ends the expand phase: from then on only the application keeps
 * the replacement up to date. If a write reached only one side (the backfill raced a write, the
 * trigger missed a path), that difference becomes permanent. A divergence check before the drop, in
 * the same migration (`SELECT count(*) … WHERE new IS DISTINCT FROM old` that must be 0, or a DO block
 * that raises), makes the drop safe.
 */
import { defineRule } from './define';
import { droppedTriggers } from './helpers/dropped-triggers';
import { syncTriggers, type SyncTrigger } from './helpers/expand-contract';
import { tableLabel } from './helpers/index-owner';

const DIVERGENCE_CHECK = /\bdistinct\s+from\b/i;

function describeSync(sync: SyncTrigger, tableKey: string): { targets: string; sources: string; check: string } {
  const pair = sync.pairs[0];
  if (pair) {
    return { targets: sync.targets.join(', '), sources: sync.sources.join(', '), check: `SELECT count(*) FROM ${tableLabel(tableKey)} WHERE ${pair.target} IS DISTINCT FROM ${pair.source}` };
  }
  const other = tableLabel(sync.tables[0].table);
  return { targets: other, sources: tableLabel(tableKey), check: `a query comparing ${tableLabel(tableKey)} with ${other} (… WHERE n.col IS DISTINCT FROM o.col)` };
}

export default defineRule({
  id: 'drop-sync-trigger-unverified',
  meta: {
    category: 'history',
    severity: 'warning',
    summary: 'A dual-write trigger dropped with no divergence check before it.',
    messages: {
      unverified:
        'Dropping trigger {{trigger}}, which keeps {{targets}} in sync with {{sources}}, with no check before it that they agree: a write that reached only one side is then lost for good. Check first that {{check}} returns 0, in this migration.',
    },
    help: 'Before dropping the sync trigger, run a divergence check that fails the migration when the two sides differ, e.g. DO $$ BEGIN IF EXISTS (SELECT 1 FROM t WHERE new_col IS DISTINCT FROM old_col) THEN RAISE EXCEPTION \'diverged\'; END IF; END $$.',
    fix: 'none',
    needsHistory: true,
  },
  check(ctx) {
    /** Tables (by unqualified name) a divergence check earlier in this file looked at. */
    const checked = new Set<string>();
    return {
      any(stmt) {
        if ((stmt.kind === 'SelectStmt' || stmt.kind === 'DoStmt') && DIVERGENCE_CHECK.test(stmt.text)) {
          for (const m of stmt.text.matchAll(/[\p{L}_][\p{L}\p{N}_$]*/gu)) checked.add(m[0].toLowerCase());
        }
      },
      DropStmt(drop, stmt) {
        for (const { tableKey, name } of droppedTriggers(drop, ctx.schema)) {
          const sync = syncTriggers(ctx.schema, tableKey).find((s) => s.trigger.name === name);
          if (!sync || checked.has(tableKey.slice(tableKey.indexOf('.') + 1).toLowerCase())) continue;
          ctx.report({ stmt, messageId: 'unverified', data: { trigger: name, ...describeSync(sync, tableKey) } });
        }
      },
    };
  },
});
