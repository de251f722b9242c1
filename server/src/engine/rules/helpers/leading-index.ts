/** Whether a table has an index that a lookup by some columns (a foreign key's) can use. */
import type { TableModel } from '../../schema/model';

/**
 * True when some index starts with exactly these columns, in any order: `WHERE a = $1 AND b = $2` can
 * use an index on (b, a, c) as well as one on (a, b).
 */
export function hasIndexLeadingWith(table: TableModel, columns: string[]): boolean {
  if (columns.length === 0) return true;
  const wanted = new Set(columns);
  return table.indexes.some((index) => {
    if (index.columns.length < wanted.size) return false;
    const leading = new Set(index.columns.slice(0, wanted.size));
    return leading.size === wanted.size && [...wanted].every((c) => leading.has(c));
  });
}
