/**
 * ADD CONSTRAINT … CHECK or FOREIGN KEY without NOT VALID validates every existing row in the same
 * step that takes the lock: a CHECK scans the table under ACCESS EXCLUSIVE, a FOREIGN KEY scans it
 * under SHARE ROW EXCLUSIVE on both tables. With NOT VALID the constraint applies to new rows at once
 * and a later VALIDATE CONSTRAINT checks the old ones under SHARE UPDATE EXCLUSIVE, which blocks
 * neither reads nor writes.
 */
import { relationKey, relationLabel } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import type { AlterTableCmd, AlterTableStmt } from '@pgsql/types';
import type { Statement } from '../dialects/postgres/statement';
import { appendToAlterCommand, autofix } from '../fixes/token-edits';
import type { Fix } from '../types';
import { defineRule, type RuleContext } from './define';
import { constraintsAddedToExistingTable } from './helpers/alter-table-commands';

/**
 * NOT VALID at the end of an ADD CONSTRAINT subcommand (after DEFERRABLE / NO INHERIT, which may come in
 * any order with it). Not for a constraint written inside ADD COLUMN, where NOT VALID is not allowed,
 * nor for a foreign key on a partitioned table ("cannot add NOT VALID foreign key on partitioned table").
 */
function addNotValid(ctx: RuleContext, alter: AlterTableStmt, stmt: Statement, cmd: AlterTableCmd, foreignKey: boolean): Fix[] | undefined {
  if (cmd.subtype !== 'AT_AddConstraint') return undefined;
  if (foreignKey && ctx.schema.table(relationKey(alter.relation))?.partitioned === true) return undefined;
  const cmds = alter.cmds ?? [];
  const index = cmds.findIndex((c) => (c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd === cmd);
  if (index < 0) return undefined;
  return autofix('Add NOT VALID (validate in a later migration)', [appendToAlterCommand(stmt, alter.relation?.location, index, cmds.length, ' NOT VALID')]);
}

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
              fixes: addNotValid(ctx, alter, stmt, command.cmd, false),
              data: { what: `${named} CHECK`, table, lock: describeLock('AccessExclusiveLock', table) },
            });
          } else if (constraint.contype === 'CONSTR_FOREIGN') {
            const referenced = relationLabel(constraint.pktable);
            ctx.report({
              stmt,
              range: command.range(),
              messageId: relationKey(constraint.pktable) === relationKey(alter.relation) ? 'foreignKeySelf' : 'foreignKey',
              fixes: addNotValid(ctx, alter, stmt, command.cmd, true),
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
