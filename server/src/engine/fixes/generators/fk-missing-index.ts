/**
 * A foreign key whose columns lead no index makes every DELETE (and key UPDATE) on the referenced
 * table scan the referencing one. The index goes in a new migration of its own, built CONCURRENTLY
 * outside a transaction; the current migration stays as it is.
 */
import type { AlterTableCmd, ColumnDef, Constraint, RangeVar } from '@pgsql/types';
import { relationKey, relationLabel, stringList } from '../../dialects/postgres/ast';
import type { Statement } from '../../dialects/postgres/statement';
import { describeLock } from '../../locks/modes';
import { hasIndexLeadingWith } from '../../rules/helpers/leading-index';
import type { SchemaModel, TableModel } from '../../schema/model';
import type { Generator, GeneratorInput } from '../generator';
import { schemaBefore } from '../schema-at';
import { generatedName, quoteIdent, relationSql, siblingSql } from '../sql';
import { type DraftSteps, nameTaken, pushStep } from './add-primary-key';

interface ForeignKey {
  relation: RangeVar;
  columns: string[];
  parent: RangeVar | undefined;
}

const asConstraint = (node: unknown) => (node as { Constraint?: Constraint } | undefined)?.Constraint;

/** The foreign key written at the offset: a table constraint, or an inline REFERENCES (marked on its column). */
function foreignKeyAt(stmt: Statement, offset: number): ForeignKey | undefined {
  const candidates: { location: number | undefined; relation: RangeVar | undefined; constraint: Constraint; columns: string[] }[] = [];
  const add = (relation: RangeVar | undefined, constraint: Constraint | undefined, location: number | undefined, column?: string) => {
    if (constraint?.contype === 'CONSTR_FOREIGN') candidates.push({ location, relation, constraint, columns: column ? [column] : stringList(constraint.fk_attrs) });
  };
  const addColumn = (relation: RangeVar | undefined, def: ColumnDef | undefined) => {
    for (const c of def?.constraints ?? []) add(relation, asConstraint(c), def?.location, def?.colname);
  };
  const create = stmt.as('CreateStmt');
  for (const element of create?.tableElts ?? []) {
    addColumn(create?.relation, (element as { ColumnDef?: ColumnDef }).ColumnDef);
    const constraint = asConstraint(element);
    add(create?.relation, constraint, constraint?.location);
  }
  const alter = stmt.as('AlterTableStmt');
  for (const c of alter?.cmds ?? []) {
    const cmd = (c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd;
    if (cmd?.subtype === 'AT_AddColumn') addColumn(alter?.relation, (cmd.def as { ColumnDef?: ColumnDef } | undefined)?.ColumnDef);
    if (cmd?.subtype === 'AT_AddConstraint') add(alter?.relation, asConstraint(cmd.def), asConstraint(cmd.def)?.location);
  }
  const found = candidates.find((c) => stmt.offsetOf(c.location) === offset);
  return found?.relation?.relname && found.columns.length ? { relation: found.relation, columns: found.columns, parent: found.constraint.pktable } : undefined;
}

/** The foreign key under the names the rest of the migration gives its table and columns (RENAME follows it). */
function afterRenames(fk: ForeignKey, later: Statement[]): ForeignKey {
  let { relation, columns } = fk;
  for (const stmt of later) {
    const rename = stmt.as('RenameStmt');
    if (!rename?.newname || relationKey(rename.relation) !== relationKey(relation)) continue;
    if (rename.renameType === 'OBJECT_TABLE') relation = { ...relation, relname: rename.newname };
    if (rename.renameType === 'OBJECT_COLUMN') columns = columns.map((c) => (c === rename.subname ? rename.newname! : c));
  }
  return { ...fk, relation, columns };
}

/** The schema as the whole migration leaves it: the new migration runs after all of it. */
export function schemaAtEnd(input: GeneratorInput): SchemaModel {
  const last = input.statements[input.statements.length - 1];
  const schema = schemaBefore(input.ctx, last, input.statements);
  schema.apply(last, 'current-file');
  return schema;
}

/** `<table>_<columns>_idx`, numbered like PostgreSQL does when the name is taken. */
export function freeIndexName(schema: SchemaModel, relation: RangeVar, table: TableModel | undefined, columns: string[]): string {
  for (let n = 0; ; n++) {
    const name = generatedName(relation.relname!, ...columns, n ? `idx${n}` : 'idx');
    if (!nameTaken(schema, relation, table, name)) return name;
  }
}

/** CREATE INDEX CONCURRENTLY on the key columns, in a migration of its own outside a transaction. */
export function pushForeignKeyIndex(draft: DraftSteps, relation: RangeVar, columns: string[], name: string, parent: string): void {
  const table = relationLabel(relation);
  pushStep(
    draft,
    {
      name: `create index ${name} concurrently`,
      up: `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(name)} ON ${relationSql(relation)} (${columns.map(quoteIdent).join(', ')});`,
      down: `DROP INDEX CONCURRENTLY IF EXISTS ${siblingSql(relation, name)};`,
      nonTransactional: true,
    },
    {
      name: 'build',
      summary: `CREATE INDEX CONCURRENTLY ${name} while reads and writes go on, so that deletes and key updates on ${parent} find the referencing rows of ${table} by index.`,
      lock: describeLock('ShareUpdateExclusiveLock', table),
    },
  );
}

export const fkMissingIndex: Generator = {
  rule: 'fk-missing-index',
  draft(input) {
    const written = foreignKeyAt(input.stmt, input.finding.range.start);
    if (!written) return null;
    const fk = afterRenames(written, input.statements.slice(input.stmt.index + 1));
    const schema = schemaAtEnd(input);
    const table = schema.table(relationKey(fk.relation));
    // CONCURRENTLY is not possible on a partitioned table (that needs the per-partition recipe).
    if (!table || table.partitioned || fk.columns.some((c) => !table.columns.has(c)) || hasIndexLeadingWith(table, fk.columns)) return null;
    const name = freeIndexName(schema, fk.relation, table, fk.columns);
    const draft: DraftSteps = { steps: [], phases: [] };
    pushForeignKeyIndex(draft, fk.relation, fk.columns, name, relationLabel(fk.parent));
    return {
      title: `Index ${relationLabel(fk.relation)} (${fk.columns.join(', ')}) concurrently in a migration of its own`,
      edits: [],
      steps: draft.steps,
      phases: draft.phases,
      notes: ['If the concurrent build fails it leaves an INVALID index: drop it and run the migration again.'],
    };
  },
};
