/**
 * DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE locks on both the parent and the
 * partition: nothing is scanned, but every query on the partitioned table waits. PostgreSQL 14 added
 * DETACH … CONCURRENTLY, which keeps the parent at SHARE UPDATE EXCLUSIVE (and runs outside a transaction).
 */
import type { AlterTableCmd, PartitionCmd } from '@pgsql/types';
import { relationLabel } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import { defineRule } from './define';
import { alterCommandRange } from './helpers/statement-spans';

export default defineRule({
  id: 'detach-partition',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'DETACH PARTITION without CONCURRENTLY blocks reads and writes on the whole partitioned table.',
    messages: {
      notConcurrent:
        'DETACH PARTITION takes an {{lock}}, and an ACCESS EXCLUSIVE lock on partition {{partition}}; nothing is scanned, but it waits behind every running query on the partitioned table and every later query waits behind it.',
      noOnlineForm:
        'DETACH PARTITION takes an {{lock}}, and an ACCESS EXCLUSIVE lock on partition {{partition}}, and PostgreSQL {{version}} has no DETACH … CONCURRENTLY (added in 14): set a lock_timeout and detach when traffic is low.',
    },
    help: 'On PostgreSQL 14+ use ALTER TABLE … DETACH PARTITION … CONCURRENTLY in a migration of its own that runs outside a transaction (finish an interrupted one with DETACH PARTITION … FINALIZE).',
    fix: 'suggestion',
  },
  check(ctx) {
    return {
      AlterTableStmt(alter, stmt) {
        if (alter.objtype !== 'OBJECT_TABLE' || ctx.isNewTable(alter.relation)) return;
        (alter.cmds ?? []).forEach((c, i) => {
          const cmd = (c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd;
          if (cmd?.subtype !== 'AT_DetachPartition') return;
          const partitionCmd = (cmd.def as { PartitionCmd?: PartitionCmd } | undefined)?.PartitionCmd;
          if (partitionCmd?.concurrent) return;
          const range = alterCommandRange(stmt, alter.relation?.location, i);
          const data = {
            lock: describeLock('AccessExclusiveLock', relationLabel(alter.relation)),
            partition: relationLabel(partitionCmd?.name),
            version: ctx.serverVersion.major,
          };
          ctx.report({ stmt, range, messageId: ctx.atLeast(14) ? 'notConcurrent' : 'noOnlineForm', data });
        });
      },
    };
  },
});
