/**
 * ADD CONSTRAINT … CHECK or FOREIGN KEY without NOT VALID validates every existing row in the same
 * step that takes the lock: a CHECK scans the table under ACCESS EXCLUSIVE, a FOREIGN KEY scans it
 * under SHARE ROW EXCLUSIVE on both tables. With NOT VALID the constraint applies to new rows at once
 * and a later VALIDATE CONSTRAINT checks the old ones under SHARE UPDATE EXCLUSIVE, which blocks
 * neither reads nor writes.
 */
import { relationKey, relationLabel } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import { defineRule } from './define';
import { constraintsAddedToExistingTable } from './helpers/alter-table-commands';

export default defineRule({
  id: 'constraint-not-valid',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'ADD CONSTRAINT … CHECK / FOREIGN KEY without NOT VALID validates all existing rows under a blocking lock.',
    messages: {
      check: '{{what}} scans all of {{table}} to validate the existing rows while holding an {{lock}}.',
      foreignKey:
        '{{what}} validates every existing row, scanning {{table}} and looking each one up in {{referenced}}, while holding a {{lock}}, and a {{referencedLock}}.',
      foreignKeySelf: '{{what}} validates every existing row, scanning {{table}} and looking each one up in it, while holding a {{lock}}.',
    },
    help: 'Add the constraint with NOT VALID (new rows are checked at once, the lock is brief), then run ALTER TABLE {{table}} VALIDATE CONSTRAINT … in a later migration: validation takes a SHARE UPDATE EXCLUSIVE lock, which blocks neither reads nor writes.',
    fix: 'autofix',
  },
  check(ctx) {
    return {
      AlterTableStmt(alter, stmt) {
        const table = relationLabel(alter.relation);
        for (const { constraint, command } of constraintsAddedToExistingTable(ctx, alter, stmt)) {
          if (constraint.skip_validation) continue;
          const named = constraint.conname ? `ADD CONSTRAINT ${constraint.conname}` : 'ADD';
          if (constraint.contype === 'CONSTR_CHECK') {
            ctx.report({
              stmt,
              range: command.range(),
              messageId: 'check',
              data: { what: `${named} CHECK`, table, lock: describeLock('AccessExclusiveLock', table) },
            });
          } else if (constraint.contype === 'CONSTR_FOREIGN') {
            const referenced = relationLabel(constraint.pktable);
            ctx.report({
              stmt,
              range: command.range(),
              messageId: relationKey(constraint.pktable) === relationKey(alter.relation) ? 'foreignKeySelf' : 'foreignKey',
              data: {
                what: `${named} FOREIGN KEY`,
                table,
                referenced,
                lock: describeLock('ShareRowExclusiveLock', table),
                referencedLock: describeLock('ShareRowExclusiveLock', referenced),
              },
            });
          }
        }
      },
    };
  },
});
