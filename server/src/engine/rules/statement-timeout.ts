/**
 * A statement whose run time grows with an existing table (a rewrite, a full scan, an index build, a
 * backfill) with no statement_timeout in force can run for hours, holding its locks all that time,
 * and the deploy has no bound. Reported once per file, at the first such statement. A hint by default:
 * the right limit depends on the table sizes, and a too-tight one makes a healthy migration fail.
 */
import { defineRule } from './define';
import { lockSiteRange } from './helpers/keyword-spans';
import { aLock } from './helpers/lock-phrases';
import { longRunningWork } from './helpers/long-running';
import { existingTableLocks, strongestLock } from './helpers/relation-locks';

export default defineRule({
  id: 'statement-timeout',
  meta: {
    category: 'transaction',
    severity: 'hint',
    summary: 'A statement that rewrites, scans or backfills an existing table runs with no statement_timeout set.',
    messages: {
      missing:
        'No statement_timeout is set, and this statement {{work}} while holding {{lock}}: its run time grows with the table, and nothing stops it if it runs far longer than expected.',
    },
    help: "Set a statement_timeout that bounds the slowest statement (e.g. `SET statement_timeout = '15min';` at the top, or statementTimeout in safe-migrations.config.json), sized to the table: too tight and a healthy migration fails.",
    fix: 'none',
  },
  check(ctx) {
    let reported = false;
    return {
      any(stmt) {
        if (reported || ctx.setting('statement_timeout') !== undefined) return;
        const long = longRunningWork(ctx, stmt);
        if (!long) return;
        reported = true;
        // The lock on the table worked on; a backfill's ROW EXCLUSIVE lock comes with row locks on what it changes.
        const lock = existingTableLocks(ctx, stmt).find((l) => l.label === long.table) ?? strongestLock(existingTableLocks(ctx, stmt));
        const held = lock ? aLock(lock.mode, lock.label) : `locks on ${long.table}`;
        ctx.report({ stmt, range: lockSiteRange(stmt, long.location), messageId: 'missing', data: { work: long.work, lock: held } });
      },
    };
  },
});
