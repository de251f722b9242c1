/**
 * ADD CONSTRAINT … EXCLUDE builds its index inside the ALTER TABLE under ACCESS EXCLUSIVE, and unlike
 * CHECK, FOREIGN KEY or UNIQUE it has no online form: no NOT VALID, no USING INDEX. The best one can
 * do is bound the wait for the lock and run it when the table is quiet.
 */
import { relationLabel } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import { defineRule } from './define';
import { constraintsAddedToExistingTable } from './helpers/alter-table-commands';

export default defineRule({
  id: 'add-exclusion-constraint',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'ADD CONSTRAINT … EXCLUDE builds its index under an ACCESS EXCLUSIVE lock and has no online form.',
    messages: {
      exclusion:
        '{{what}} EXCLUDE builds its index on {{table}} while holding an {{lock}}, for the whole build; exclusion constraints have no NOT VALID or USING INDEX form.',
      exclusionNoTimeout:
        '{{what}} EXCLUDE builds its index on {{table}} while holding an {{lock}}, for the whole build, and no lock_timeout is set: while it waits for the lock, every query on {{table}} queues behind it.',
    },
    help: 'There is no online path: set a short lock_timeout (SET lock_timeout = \'2s\') before it, retry on timeout, and run it in a maintenance window or while {{table}} is small.',
    fix: 'none',
  },
  check(ctx) {
    return {
      AlterTableStmt(alter, stmt) {
        const table = relationLabel(alter.relation);
        for (const { constraint, command } of constraintsAddedToExistingTable(ctx, alter, stmt)) {
          if (constraint.contype !== 'CONSTR_EXCLUSION') continue;
          ctx.report({
            stmt,
            range: command.range(),
            messageId: ctx.setting('lock_timeout') === undefined ? 'exclusionNoTimeout' : 'exclusion',
            data: {
              what: constraint.conname ? `ADD CONSTRAINT ${constraint.conname}` : 'ADD',
              table,
              lock: describeLock('AccessExclusiveLock', table),
            },
          });
        }
      },
    };
  },
});
