/**
 * ATTACH PARTITION scans the whole partition to prove every row fits the bounds, under an ACCESS
 * EXCLUSIVE lock on the partition (the parent gets SHARE UPDATE EXCLUSIVE from PostgreSQL 12, ACCESS
 * EXCLUSIVE before). A validated CHECK constraint that implies the bounds lets PostgreSQL skip the scan.
 * Nothing here compares a CHECK with the bounds: any validated CHECK on the partition counts.
 */
import type { AlterTableCmd, AlterTableStmt, Constraint, PartitionCmd } from '@pgsql/types';
import { relationKey, relationLabel } from '../dialects/postgres/ast';
import { nameRange } from '../dialects/postgres/ranges';
import { describeLock } from '../locks/modes';
import { defineRule, type RuleContext } from './define';
import { aLock } from './helpers/lock-phrases';
import { alterCommandRange, quotedText } from './helpers/statement-spans';

function commands(alter: AlterTableStmt): (AlterTableCmd | undefined)[] {
  return (alter.cmds ?? []).map((c) => (c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd);
}

export default defineRule({
  id: 'attach-partition',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'ATTACH PARTITION without a validated CHECK matching the bounds scans the partition under an ACCESS EXCLUSIVE lock.',
    messages: {
      scansPartition:
        'ATTACH PARTITION takes an {{lock}}, and scans all of {{partition}} to prove its rows fit {{bounds}}; the parent gets {{parentLock}}. No validated CHECK constraint on {{partition}} is known that would let PostgreSQL skip the scan.',
    },
    help: 'First add a CHECK constraint on {{partition}} equivalent to {{bounds}} (on the partition key, including IS NOT NULL) as NOT VALID and VALIDATE it in a later migration; then ATTACH PARTITION skips the scan; drop the CHECK afterwards.',
    fix: 'suggestion',
  },
  check(ctx) {
    // Tables the model has never seen on which this file validated a constraint (a CHECK added without
    // NOT VALID, or VALIDATE CONSTRAINT: right before an ATTACH that is the recipe's own step).
    const validatedHere = new Set<string>();
    const hasValidatedCheck = (key: string) => {
      const table = ctx.schema.table(key);
      return table ? table.constraints.some((k) => k.kind === 'check' && k.validated) : validatedHere.has(key);
    };

    return {
      AlterTableStmt(alter, stmt) {
        if (alter.objtype !== 'OBJECT_TABLE') return;
        commands(alter).forEach((cmd, i) => {
          if (cmd?.subtype !== 'AT_AttachPartition') return;
          const partitionRv = (cmd.def as { PartitionCmd?: PartitionCmd } | undefined)?.PartitionCmd?.name;
          if (!partitionRv || ctx.isNewTable(partitionRv)) return; // an empty partition: nothing to scan
          if (hasValidatedCheck(relationKey(partitionRv))) return;
          const range = alterCommandRange(stmt, alter.relation?.location, i);
          const partition = relationLabel(partitionRv);
          const afterName = nameRange(stmt, partitionRv.location).end;
          const bounds = quotedText(stmt, { start: afterName, end: range.end }) || 'the partition bounds';
          const data = { lock: describeLock('AccessExclusiveLock', partition), partition, bounds, parentLock: parentLock(ctx, relationLabel(alter.relation)) };
          ctx.report({ stmt, range, messageId: 'scansPartition', data });
        });
      },
      any(stmt) {
        const alter = stmt.as('AlterTableStmt');
        if (alter?.objtype !== 'OBJECT_TABLE') return;
        for (const cmd of commands(alter)) {
          const constraint = (cmd?.def as { Constraint?: Constraint } | undefined)?.Constraint;
          const addsValidatedCheck = cmd?.subtype === 'AT_AddConstraint' && constraint?.contype === 'CONSTR_CHECK' && !constraint.skip_validation;
          if (addsValidatedCheck || cmd?.subtype === 'AT_ValidateConstraint') validatedHere.add(relationKey(alter.relation));
        }
      },
    };
  },
});

function parentLock(ctx: RuleContext, parent: string): string {
  return aLock(ctx.atLeast(12) ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock', parent);
}
