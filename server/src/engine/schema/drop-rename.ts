/**
 * DROP, RENAME and SET SCHEMA for every kind of object the model tracks. Objects the model does not
 * track are counted as unhandled, except those outside a schema model's scope (extensions, roles).
 */
import type { AlterObjectSchemaStmt, DropStmt, Node, RenameStmt } from '@pgsql/types';
import { nodeKind, nodePayload, qualifiedKey, relationKey, stringList } from '../dialects/postgres/ast';
import type { Applier } from './apply';
import { renameColumn } from './rename-column';
import { dropFunction, dropTrigger, functionKey, renameFunction, renameTrigger } from './functions';
import { applyRenameIndex, dropIndex } from './indexes';
import { dropTable, rekeyTable } from './tables';
import { dropView, rekeyView } from './views';

const OUT_OF_SCOPE = new Set(['OBJECT_EXTENSION', 'OBJECT_ROLE', 'OBJECT_DATABASE', 'OBJECT_TABLESPACE', 'OBJECT_LANGUAGE']);

/** Names of a dropped or renamed object: a List of Strings, a String, a TypeName or an ObjectWithArgs. */
function objectNames(node: Node | undefined): string[] {
  const kind = nodeKind(node);
  if (kind === 'List') return stringList(nodePayload<{ items?: Node[] }>(node)?.items);
  if (kind === 'String') return stringList([node!]);
  if (kind === 'TypeName') return stringList(nodePayload<{ names?: Node[] }>(node)?.names);
  if (kind === 'ObjectWithArgs') return stringList(nodePayload<{ objname?: Node[] }>(node)?.objname);
  return [];
}

const withSchema = (key: string, schema: string) => `${schema}.${key.slice(key.indexOf('.') + 1)}`;
const renamed = (key: string, name: string) => `${key.slice(0, key.indexOf('.'))}.${name}`;

export function applyDrop(a: Applier, drop: DropStmt): void {
  const cascade = drop.behavior === 'DROP_CASCADE';
  const type = drop.removeType ?? '';
  for (const object of drop.objects ?? []) {
    const names = objectNames(object);
    const key = qualifiedKey(names);
    switch (type) {
      case 'OBJECT_TABLE':
      case 'OBJECT_FOREIGN_TABLE':
        dropTable(a, key, cascade);
        break;
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
        dropView(a, key, cascade);
        break;
      case 'OBJECT_INDEX':
        dropIndex(a, key);
        break;
      case 'OBJECT_SEQUENCE':
        if (a.model.sequences.delete(key)) a.touch(key);
        break;
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN':
        if (a.model.enums.delete(key) || a.model.compositeTypes.delete(key) || a.model.domains.delete(key)) a.touch(key);
        break;
      case 'OBJECT_FUNCTION':
      case 'OBJECT_PROCEDURE':
      case 'OBJECT_ROUTINE':
        dropFunction(a, key, cascade);
        break;
      case 'OBJECT_TRIGGER':
        dropTrigger(a, qualifiedKey(names.slice(0, -1)), names[names.length - 1] ?? '');
        break;
      case 'OBJECT_SCHEMA':
        dropSchema(a, names[0] ?? '');
        break;
      default:
        if (!OUT_OF_SCOPE.has(type)) a.unhandled(`DropStmt ${type}`);
        return;
    }
  }
}

/** DROP SCHEMA: without CASCADE it only succeeds when empty, so dropping everything in it is right either way. */
function dropSchema(a: Applier, schema: string): void {
  const prefix = `${schema}.`;
  for (const key of [...a.model.tables.keys()]) if (key.startsWith(prefix)) dropTable(a, key, true);
  for (const key of [...a.model.views.keys()]) if (key.startsWith(prefix)) dropView(a, key, true);
  for (const key of [...a.model.functions.keys()]) if (key.startsWith(prefix)) dropFunction(a, key, true);
  for (const map of [a.model.enums, a.model.domains, a.model.sequences, a.model.compositeTypes]) {
    for (const key of [...map.keys()]) if (key.startsWith(prefix)) map.delete(key);
  }
  a.touch(`${schema}.*`);
}

export function applyRename(a: Applier, rename: RenameStmt): void {
  const to = rename.newname ?? '';
  const type = rename.renameType ?? '';
  const relation = relationKey(rename.relation);
  switch (type) {
    case 'OBJECT_TABLE':
    case 'OBJECT_FOREIGN_TABLE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
      // ALTER TABLE … RENAME also renames views, and ALTER VIEW tables: the relation decides.
      if (a.model.tables.has(relation)) rekeyTable(a, relation, renamed(relation, to));
      else rekeyView(a, relation, renamed(relation, to));
      return;
    case 'OBJECT_COLUMN':
      if (rename.subname) renameColumn(a, relation, rename.subname, to);
      return;
    case 'OBJECT_TABCONSTRAINT': {
      const table = a.model.table(relation);
      const constraint = table?.constraints.find((k) => k.name === rename.subname);
      if (!table || !constraint) return;
      // The index behind the constraint is renamed with it.
      if (constraint.index) applyRenameIndex(a, renamed(table.key, constraint.index), to);
      constraint.name = to;
      delete constraint.generatedName;
      a.touch(table.key, table);
      return;
    }
    case 'OBJECT_INDEX':
      applyRenameIndex(a, relation, to);
      return;
    case 'OBJECT_SEQUENCE':
      rekeyMap(a, a.model.sequences, relation, renamed(relation, to));
      return;
    case 'OBJECT_TYPE':
    case 'OBJECT_DOMAIN': {
      const key = qualifiedKey(objectNames(rename.object));
      for (const map of [a.model.enums, a.model.domains, a.model.compositeTypes] as Map<string, object>[]) rekeyMap(a, map, key, renamed(key, to));
      return;
    }
    case 'OBJECT_TRIGGER':
      renameTrigger(a, relation, rename.subname ?? '', to);
      return;
    case 'OBJECT_FUNCTION':
    case 'OBJECT_PROCEDURE':
    case 'OBJECT_ROUTINE': {
      const key = functionKey(nodePayload<{ objname?: Node[] }>(rename.object)?.objname);
      renameFunction(a, key, renamed(key, to));
      return;
    }
    case 'OBJECT_DOMCONSTRAINT': {
      const domain = a.model.domains.get(qualifiedKey(objectNames(rename.object)));
      for (const k of domain?.constraints ?? []) if (k.name === rename.subname) k.name = to;
      if (domain) a.touch(domain.key, domain);
      return;
    }
    case 'OBJECT_ATTRIBUTE': {
      const composite = a.model.compositeTypes.get(relation);
      if (composite) composite.attributes = composite.attributes.map((n) => (n === rename.subname ? to : n));
      return;
    }
    default:
      if (!OUT_OF_SCOPE.has(type)) a.unhandled(`RenameStmt ${type}`);
  }
}

function rekeyMap(a: Applier, map: Map<string, object>, from: string, to: string): void {
  const value = map.get(from);
  if (!value) return;
  map.delete(from);
  if ('key' in value) (value as { key: string }).key = to;
  map.set(to, value);
  a.touch(from);
  a.touch(to);
}

export function applyAlterObjectSchema(a: Applier, stmt: AlterObjectSchemaStmt): void {
  const schema = stmt.newschema ?? 'public';
  const type = stmt.objectType ?? '';
  const relation = relationKey(stmt.relation);
  switch (type) {
    case 'OBJECT_TABLE':
    case 'OBJECT_FOREIGN_TABLE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
      if (a.model.tables.has(relation)) rekeyTable(a, relation, withSchema(relation, schema));
      else rekeyView(a, relation, withSchema(relation, schema));
      return;
    case 'OBJECT_SEQUENCE':
      rekeyMap(a, a.model.sequences, relation, withSchema(relation, schema));
      return;
    case 'OBJECT_TYPE':
    case 'OBJECT_DOMAIN': {
      const key = qualifiedKey(objectNames(stmt.object));
      for (const map of [a.model.enums, a.model.domains, a.model.compositeTypes] as Map<string, object>[]) rekeyMap(a, map, key, withSchema(key, schema));
      return;
    }
    case 'OBJECT_FUNCTION':
    case 'OBJECT_PROCEDURE':
    case 'OBJECT_ROUTINE': {
      const key = functionKey(nodePayload<{ objname?: Node[] }>(stmt.object)?.objname);
      renameFunction(a, key, withSchema(key, schema));
      return;
    }
    default:
      if (!OUT_OF_SCOPE.has(type)) a.unhandled(`AlterObjectSchemaStmt ${type}`);
  }
}
