/**
 * Every place a statement gives a column a type: the columns of CREATE TABLE, ALTER TABLE … ADD COLUMN
 * and ALTER COLUMN … TYPE. The type conventions (prefer-text, ban-char, …) all check these.
 */
import type { AlterTableCmd, ColumnDef, Constraint, Node, RangeVar, TypeName } from '@pgsql/types';
import { stringList } from '../../dialects/postgres/ast';
import type { Statement } from '../../dialects/postgres/statement';

export type KeyKind = 'primary key' | 'identity column' | 'serial column' | 'foreign key column';

export interface ColumnSite {
  stmt: Statement;
  relation: RangeVar | undefined;
  column: string;
  typeName: TypeName;
  context: 'create-table' | 'add-column' | 'alter-type';
  /** How the column is a key when the statement itself says so (its own or a table-level constraint). */
  key?: KeyKind;
}

const asConstraint = (n: Node): Constraint | undefined => (n as { Constraint?: Constraint }).Constraint;
const asColumnDef = (n: Node | undefined): ColumnDef | undefined => (n as { ColumnDef?: ColumnDef } | undefined)?.ColumnDef;

/** The last name of the type as the parser spells it: `int4`, `bpchar`, `varchar`, `serial`. */
export function rawTypeName(typeName: TypeName): string {
  const names = stringList(typeName.names);
  return (names[names.length - 1] ?? '').toLowerCase();
}

export function columnSites(stmt: Statement): ColumnSite[] {
  const create = stmt.as('CreateStmt');
  if (create) return createTableSites(stmt, create.relation, create.tableElts ?? []);
  const alter = stmt.as('AlterTableStmt');
  if (!alter || alter.objtype !== 'OBJECT_TABLE') return [];
  const out: ColumnSite[] = [];
  for (const node of alter.cmds ?? []) {
    const cmd = (node as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd;
    const def = asColumnDef(cmd?.def);
    if (!cmd || !def?.typeName) continue;
    if (cmd.subtype === 'AT_AddColumn') {
      out.push({ stmt, relation: alter.relation, column: def.colname ?? '', typeName: def.typeName, context: 'add-column', key: ownKey(def) });
    } else if (cmd.subtype === 'AT_AlterColumnType') {
      out.push({ stmt, relation: alter.relation, column: cmd.name ?? '', typeName: def.typeName, context: 'alter-type' });
    }
  }
  return out;
}

function createTableSites(stmt: Statement, relation: RangeVar | undefined, elements: Node[]): ColumnSite[] {
  // Table-level PRIMARY KEY (…) and FOREIGN KEY (…) make their columns keys too.
  const tableKeys = new Map<string, KeyKind>();
  for (const element of elements) {
    const c = asConstraint(element);
    if (c?.contype === 'CONSTR_PRIMARY') for (const name of stringList(c.keys)) tableKeys.set(name, 'primary key');
    if (c?.contype === 'CONSTR_FOREIGN') for (const name of stringList(c.fk_attrs)) if (!tableKeys.has(name)) tableKeys.set(name, 'foreign key column');
  }
  const out: ColumnSite[] = [];
  for (const element of elements) {
    const def = asColumnDef(element);
    if (!def?.typeName) continue;
    const column = def.colname ?? '';
    out.push({ stmt, relation, column, typeName: def.typeName, context: 'create-table', key: ownKey(def) ?? tableKeys.get(column) });
  }
  return out;
}

/** The key kind a column definition declares for itself, strongest first. */
function ownKey(def: ColumnDef): KeyKind | undefined {
  const kinds = (def.constraints ?? []).map((n) => asConstraint(n)?.contype);
  if (kinds.includes('CONSTR_PRIMARY')) return 'primary key';
  if (kinds.includes('CONSTR_IDENTITY')) return 'identity column';
  if (def.typeName && /serial$|^serial[248]$/.test(rawTypeName(def.typeName))) return 'serial column';
  if (kinds.includes('CONSTR_FOREIGN')) return 'foreign key column';
  return undefined;
}
