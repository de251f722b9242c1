/** The triggers a DROP statement removes: DROP TRIGGER by name, DROP FUNCTION … CASCADE through the model. */
import type { DropStmt, Node } from '@pgsql/types';
import { nodePayload, qualifiedKey, stringList } from '../../dialects/postgres/ast';
import type { SchemaModel } from '../../schema/model';

export interface DroppedTrigger {
  tableKey: string;
  name: string;
}

export function droppedTriggers(drop: DropStmt, schema: SchemaModel): DroppedTrigger[] {
  if (drop.removeType === 'OBJECT_TRIGGER') {
    return (drop.objects ?? []).map((o) => {
      const names = stringList(nodePayload<{ items?: Node[] }>(o)?.items);
      return { tableKey: qualifiedKey(names.slice(0, -1)), name: names[names.length - 1] ?? '' };
    });
  }
  // Without CASCADE PostgreSQL refuses to drop a function a trigger still calls.
  if (drop.removeType !== 'OBJECT_FUNCTION' || drop.behavior !== 'DROP_CASCADE') return [];
  const functions = new Set((drop.objects ?? []).map((o) => qualifiedKey(stringList(nodePayload<{ objname?: Node[] }>(o)?.objname))));
  const out: DroppedTrigger[] = [];
  for (const [tableKey, triggers] of schema.triggers) for (const t of triggers) if (functions.has(t.function)) out.push({ tableKey, name: t.name });
  return out;
}
