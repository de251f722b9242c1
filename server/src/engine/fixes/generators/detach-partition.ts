/**
 * DETACH PARTITION → DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+) in a migration of its own that
 * runs outside a transaction. PostgreSQL refuses CONCURRENTLY when the parent has a DEFAULT partition,
 * so those get no plan. The down attaches the partition again with the bound the model recorded.
 */
import type { AlterTableCmd, PartitionCmd } from '@pgsql/types';
import { relationKey, relationLabel } from '../../dialects/postgres/ast';
import { parseFile, SYNTAX_ERROR } from '../../dialects/postgres/statement';
import { DEFAULT_SERVER_VERSION } from '../../config';
import { describeLock } from '../../locks/modes';
import type { Generator } from '../generator';
import { schemaBefore } from '../schema-at';
import { relationSql, removeStatement } from '../sql';

export const detachPartition: Generator = {
  rule: 'detach-partition',
  draft({ stmt, text, statements, ctx }) {
    const alter = stmt.as('AlterTableStmt');
    const cmd = (alter?.cmds?.[0] as { AlterTableCmd?: AlterTableCmd } | undefined)?.AlterTableCmd;
    const partitionCmd = (cmd?.def as { PartitionCmd?: PartitionCmd } | undefined)?.PartitionCmd;
    if (!alter?.relation?.relname || alter.cmds?.length !== 1 || cmd?.subtype !== 'AT_DetachPartition') return null;
    if (!partitionCmd?.name?.relname || partitionCmd.concurrent) return null;
    if ((ctx.config?.serverVersion ?? DEFAULT_SERVER_VERSION).major < 14) return null;
    const schema = schemaBefore(ctx, stmt, statements);
    const parentKey = relationKey(alter.relation);
    if ([...schema.tables.values()].some((t) => t.partitionOf === parentKey && t.partitionBound === 'DEFAULT')) return null;

    const parent = relationSql(alter.relation);
    const partition = relationSql(partitionCmd.name);
    const parentLabel = relationLabel(alter.relation);
    const partitionLabel = relationLabel(partitionCmd.name);
    const reattach = attachSql(parent, partition, schema.table(relationKey(partitionCmd.name))?.partitionBound);
    return {
      title: `Detach ${partitionLabel} from ${parentLabel} concurrently in a migration of its own, outside a transaction`,
      edits: [removeStatement(text, stmt)],
      steps: [
        {
          name: `detach partition ${partitionCmd.name.relname} concurrently`,
          up: `ALTER TABLE ${parent} DETACH PARTITION ${partition} CONCURRENTLY;`,
          down: reattach ?? `-- To undo, attach ${partitionLabel} to ${parentLabel} again (ALTER TABLE … ATTACH PARTITION … FOR VALUES …) with its bound from before this migration.`,
          nonTransactional: true,
        },
      ],
      phases: [
        {
          name: 'contract',
          step: 0,
          summary: `DETACH PARTITION CONCURRENTLY removes ${partitionLabel} from ${parentLabel} while reads and writes go on; it waits for transactions using the partitioned table to finish.`,
          lock: describeLock('ShareUpdateExclusiveLock', `${parentLabel}, ${partitionLabel}`),
        },
      ],
      notes: [
        `If the concurrent detach is interrupted, finish it with ALTER TABLE ${parent} DETACH PARTITION ${partition} FINALIZE.`,
        ...(reattach ? ['The down attaches the partition again, which scans it under an ACCESS EXCLUSIVE lock to check its rows fit the bound.'] : []),
      ],
    };
  },
};

/** The ATTACH that undoes the detach, when the recorded bound reads back as SQL (the model keeps a label of it). */
function attachSql(parent: string, partition: string, bound: string | undefined): string | undefined {
  if (!bound?.startsWith('FOR VALUES') || /…|an expression|a constant/.test(bound)) return undefined;
  const sql = `ALTER TABLE ${parent} ATTACH PARTITION ${partition} ${bound};`;
  const parsed = parseFile(sql).statements;
  return parsed.length === 1 && parsed[0].kind !== SYNTAX_ERROR ? sql : undefined;
}
