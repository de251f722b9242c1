/**
 * Which tables are partitioned: the schema model knows the ones created with PARTITION BY (in this file
 * or the history); a file also shows it for tables the model has never seen, when it creates or
 * attaches a partition of them (`CREATE TABLE … PARTITION OF events`, `ALTER TABLE events ATTACH
 * PARTITION …`). One instance per rule per file: feed it every statement after the rule has seen it.
 */
import type { AlterTableCmd, RangeVar } from '@pgsql/types';
import { relationKey } from '../../dialects/postgres/ast';
import type { Statement } from '../../dialects/postgres/statement';
import type { SchemaModel } from '../../schema/model';

const PARTITION_COMMANDS = new Set(['AT_AttachPartition', 'AT_DetachPartition', 'AT_DetachPartitionFinalize']);

export class PartitionedTables {
  private readonly seenAsParent = new Set<string>();

  observe(stmt: Statement): void {
    const create = stmt.as('CreateStmt');
    if (create?.partbound) {
      for (const parent of create.inhRelations ?? []) this.seenAsParent.add(relationKey((parent as { RangeVar?: RangeVar }).RangeVar));
      return;
    }
    const alter = stmt.as('AlterTableStmt');
    if (alter?.objtype !== 'OBJECT_TABLE') return;
    const attaches = (alter.cmds ?? []).some((c) => PARTITION_COMMANDS.has((c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd?.subtype ?? ''));
    if (attaches) this.seenAsParent.add(relationKey(alter.relation));
  }

  has(schema: SchemaModel, relation: RangeVar | undefined): boolean {
    const key = relationKey(relation);
    return schema.table(key)?.partitioned === true || this.seenAsParent.has(key);
  }
}
