/** The objects a DROP statement names, as schema-model keys and as written for messages. */
import type { DropStmt, Node } from '@pgsql/types';
import { qualifiedKey, stringList } from '../../dialects/postgres/ast';

export interface DroppedObject {
  /** `public.users` for relations; the plain name for schemas. */
  key: string;
  /** `users`, `audit.events`. */
  label: string;
}

export function droppedObjects(drop: DropStmt): DroppedObject[] {
  return (drop.objects ?? []).map((obj: Node) => {
    const parts = nameParts(obj);
    return { key: qualifiedKey(parts), label: parts.join('.') };
  });
}

/**
 * Relations are lists of name parts, schemas and extensions a single String, functions an
 * ObjectWithArgs and types a TypeName.
 */
function nameParts(obj: Node): string[] {
  const o = obj as { List?: { items?: Node[] }; String?: unknown; ObjectWithArgs?: { objname?: Node[] }; TypeName?: { names?: Node[] } };
  if (o.List) return stringList(o.List.items);
  if (o.ObjectWithArgs) return stringList(o.ObjectWithArgs.objname);
  if (o.TypeName) return stringList(o.TypeName.names);
  return stringList([obj]);
}

/** "a", "a and b", "a, b and c"; past `max` items, "a, b, c, d and 5 more". */
export function listPhrase(items: string[], max = 4): string {
  if (items.length > max) return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
