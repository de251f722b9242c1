/**
 * Materialized views created earlier in the file: the schema model tracks tables only, yet a view
 * created in the same migration is as new and unread as a new table. One instance per rule per file:
 * feed it every statement after the rule has seen it.
 */
import type { RangeVar } from '@pgsql/types';
import { relationKey } from '../../dialects/postgres/ast';
import type { Statement } from '../../dialects/postgres/statement';

export class NewMaterializedViews {
  private readonly keys = new Set<string>();

  observe(stmt: Statement): void {
    const create = stmt.as('CreateTableAsStmt');
    if (create?.objtype === 'OBJECT_MATVIEW' && create.into?.rel) this.keys.add(relationKey(create.into.rel));
  }

  has(relation: RangeVar | undefined): boolean {
    return this.keys.has(relationKey(relation));
  }
}
