/**
 * Whether PostgreSQL can make a column NOT NULL without scanning the table. From PostgreSQL 12 on,
 * SET NOT NULL (and the implicit one of ADD PRIMARY KEY) skips the scan when a validated
 * `CHECK (c IS NOT NULL)` already proves it; a column that is already NOT NULL needs nothing at all.
 */
import type { RangeVar } from '@pgsql/types';
import { relationKey } from '../../dialects/postgres/ast';
import type { Statement } from '../../dialects/postgres/statement';
import { SchemaModel, type ConstraintModel, type TableModel } from '../../schema/model';

export type NotNullProof =
  /** The column is NOT NULL already: the command is a no-op. */
  | 'already'
  /** A validated constraint proves it and the server (12+) uses that proof: no scan. */
  | 'validated-check'
  /** A validated constraint proves it, but the server is older than 12 and scans anyway. */
  | 'check-ignored'
  /** Only a NOT VALID constraint proves it: the scan still happens until it is validated. */
  | 'unvalidated-check'
  /** Nothing known proves it: a full scan. */
  | 'none';

export interface NotNullVerdict {
  proof: NotNullProof;
  /** The constraint behind a 'validated-check', 'check-ignored' or 'unvalidated-check' proof. */
  constraint?: ConstraintModel;
}

export function notNullProof(table: TableModel | undefined, column: string, atLeast12: boolean): NotNullVerdict {
  if (!table) return { proof: 'none' };
  if (table.columns.get(column)?.notNull) return { proof: 'already' };
  const proving = table.constraints.filter((k) => k.provesNotNull === column);
  const validated = proving.find((k) => k.validated);
  if (validated) return { proof: atLeast12 ? 'validated-check' : 'check-ignored', constraint: validated };
  const pending = proving.find((k) => !k.validated);
  return pending ? { proof: 'unvalidated-check', constraint: pending } : { proof: 'none' };
}

/** True when the column can be made NOT NULL without a scan. */
export function notNullWithoutScan(table: TableModel | undefined, column: string, atLeast12: boolean): boolean {
  const { proof } = notNullProof(table, column, atLeast12);
  return proof === 'already' || proof === 'validated-check';
}

/**
 * The schema model ignores ALTER TABLE on tables it does not know, yet unknown tables count as
 * existing and a file may build the whole proof itself (ADD CHECK (c IS NOT NULL) NOT VALID, VALIDATE,
 * SET NOT NULL). This replays the file's ALTER TABLEs on stub tables in a scratch model, so those
 * steps still prove each other.
 */
export class UnknownTableTracker {
  private readonly scratch = new SchemaModel();

  /** The table as the schema model knows it, or what this file has done to it so far. */
  table(schema: SchemaModel, relation: RangeVar | undefined): TableModel | undefined {
    const key = relationKey(relation);
    return schema.table(key) ?? this.scratch.table(key);
  }

  /** Records an ALTER TABLE once the rules have seen it (the model shows the state before a statement). */
  record(schema: SchemaModel, relation: RangeVar | undefined, stmt: Statement): void {
    const key = relationKey(relation);
    if (schema.table(key)) return;
    if (!this.scratch.table(key)) {
      this.scratch.tables.set(key, { key, columns: new Map(), constraints: [], indexes: [], partitioned: false, origin: 'history' });
    }
    this.scratch.apply(stmt, 'history');
  }
}
