/**
 * SET NOT NULL (and PostgreSQL 18's ADD CONSTRAINT … NOT NULL without NOT VALID) scans the whole
 * table for NULLs while holding ACCESS EXCLUSIVE. From PostgreSQL 12 on the scan is skipped when a
 * validated CHECK (c IS NOT NULL) already proves the column, which is what the safe recipe builds.
 */
import { relationLabel, stringList } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import { defineRule } from './define';
import { addedConstraint, alterTableCommands } from './helpers/alter-table-commands';
import { notNullProof, UnknownTableTracker } from './helpers/not-null-proof';
import { versionLabel } from './helpers/version-label';

export default defineRule({
  id: 'set-not-null',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'ALTER COLUMN … SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock.',
    messages: {
      scan: '{{what}} on {{table}}.{{column}} scans the whole table for NULLs while holding an {{lock}}.',
      unvalidatedCheck:
        '{{what}} on {{table}}.{{column}} still scans the whole table while holding an {{lock}}: the constraint {{constraint}} that proves it is NOT VALID; run VALIDATE CONSTRAINT {{constraint}} in an earlier migration first.',
      checkIgnored:
        'On PostgreSQL {{version}}, {{what}} on {{table}}.{{column}} scans the whole table while holding an {{lock}}, even though the validated constraint {{constraint}} proves it (PostgreSQL 12+ skips that scan).',
    },
    help: 'Migration 1: ADD CONSTRAINT {{name}} CHECK ({{column}} IS NOT NULL) NOT VALID. Migration 2: VALIDATE CONSTRAINT {{name}} (SHARE UPDATE EXCLUSIVE: reads and writes continue), then SET NOT NULL (no scan on PostgreSQL 12+) and DROP CONSTRAINT {{name}}.',
    fix: 'suggestion',
  },
  check(ctx) {
    const unknownTables = new UnknownTableTracker();
    return {
      AlterTableStmt(alter, stmt) {
        if (ctx.isNewTable(alter.relation)) return;
        const table = relationLabel(alter.relation);
        const model = unknownTables.table(ctx.schema, alter.relation);
        for (const { cmd, range } of alterTableCommands(alter, stmt)) {
          const constraint = addedConstraint(cmd);
          let column: string | undefined;
          let what = 'SET NOT NULL';
          if (cmd.subtype === 'AT_SetNotNull') column = cmd.name;
          else if (constraint?.contype === 'CONSTR_NOTNULL' && !constraint.skip_validation) {
            column = stringList(constraint.keys)[0];
            what = constraint.conname ? `ADD CONSTRAINT ${constraint.conname} NOT NULL` : 'ADD NOT NULL';
          }
          if (!column) continue;
          const { proof, constraint: proving } = notNullProof(model, column, ctx.atLeast(12));
          if (proof === 'already' || proof === 'validated-check') continue;
          const messageId = proof === 'check-ignored' ? 'checkIgnored' : proof === 'unvalidated-check' ? 'unvalidatedCheck' : 'scan';
          ctx.report({
            stmt,
            range: range(),
            messageId,
            data: {
              what,
              table,
              column,
              lock: describeLock('AccessExclusiveLock', table),
              // An unnamed CHECK gets PostgreSQL's default name, which VALIDATE CONSTRAINT needs.
              constraint: proving?.name ?? `${alter.relation?.relname ?? 'table'}_${column}_check`,
              version: versionLabel(ctx.serverVersion),
              name: `${alter.relation?.relname ?? 'table'}_${column}_not_null`,
            },
          });
        }
        unknownTables.record(ctx.schema, alter.relation, stmt);
      },
    };
  },
});
