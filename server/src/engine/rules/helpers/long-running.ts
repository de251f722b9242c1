/**
 * Statements whose run time grows with the size of an existing table: rewrites, full scans, index
 * builds and row-by-row changes. A table created earlier in the file is empty and never counts.
 */
import type { AlterTableCmd, AlterTableStmt, ColumnDef, Constraint, Node, RangeVar } from '@pgsql/types';
import { relationKey, relationLabel, typeLabel, walk } from '../../dialects/postgres/ast';
import type { Statement } from '../../dialects/postgres/statement';
import type { TableModel } from '../../schema/model';
import type { RuleContext } from '../define';
import { columnConstraints, defaultExpression, isSerialColumn } from './alter-table-commands';
import { classifyDefault } from './default-volatility';
import { notNullWithoutScan } from './not-null-proof';
import { rowFilter } from './row-filter';
import { classifyTypeChange } from './type-change';

export interface LongWork {
  /** What the statement does, as a verb phrase: `rewrites users and its indexes`. */
  work: string;
  /** The table it works on, as written. */
  table: string;
  /** Parse-tree location of the table's name in the statement. */
  location?: number;
}

const REWRITING_SUBCOMMANDS = new Set(['AT_SetTableSpace', 'AT_SetLogged', 'AT_SetUnLogged', 'AT_SetAccessMethod']);

/** What makes the statement long on an existing table, or undefined when it is quick. */
export function longRunningWork(ctx: RuleContext, stmt: Statement): LongWork | undefined {
  const on = (rv: RangeVar | undefined, work: (table: string) => string): LongWork | undefined =>
    rv && !ctx.isNewTable(rv) ? { work: work(relationLabel(rv)), table: relationLabel(rv), location: rv.location } : undefined;
  const node = stmt.node as Record<string, Record<string, unknown>> | undefined;
  const p = node?.[stmt.kind];
  if (!p) return undefined;
  switch (stmt.kind) {
    case 'AlterTableStmt': {
      const kind = alterWork(ctx, p as AlterTableStmt);
      return kind ? on(p.relation as RangeVar, (t) => (kind === 'rewrites' ? `rewrites ${t} and its indexes` : `${kind} ${t}`)) : undefined;
    }
    case 'IndexStmt':
      return on(p.relation as RangeVar, (t) => `builds an index on ${t}`);
    case 'ReindexStmt':
      if (p.kind === 'REINDEX_OBJECT_INDEX') return on(p.relation as RangeVar, (t) => `rebuilds index ${t}`);
      return p.kind === 'REINDEX_OBJECT_TABLE' ? on(p.relation as RangeVar, (t) => `rebuilds the indexes of ${t}`) : undefined;
    case 'ClusterStmt':
      return on(p.relation as RangeVar | undefined, (t) => `rewrites ${t} and its indexes`);
    case 'RefreshMatViewStmt':
      return on(p.relation as RangeVar, (t) => `recomputes ${t}`);
    case 'VacuumStmt': {
      if (!p.is_vacuumcmd) return undefined; // ANALYZE reads a sample only
      const full = walkFinds(p.options, (kind, x) => kind === 'DefElem' && x.defname === 'full');
      const rv = ((p.rels as Node[] | undefined) ?? []).map((r) => (r as { VacuumRelation?: { relation?: RangeVar } }).VacuumRelation?.relation)[0];
      return on(rv, (t) => (full ? `rewrites ${t} and its indexes` : `vacuums all of ${t}`));
    }
    case 'UpdateStmt':
    case 'DeleteStmt': {
      const filter = rowFilter(p.whereClause as Node | undefined);
      if (filter === 'bounded') return undefined;
      const verb = stmt.kind === 'UpdateStmt' ? 'updates' : 'deletes';
      return on(p.relation as RangeVar, (t) => (filter === 'all' ? `${verb} every row of ${t}` : `${verb} rows of ${t} found by a full scan`));
    }
    case 'InsertStmt':
    case 'CreateTableAsStmt': {
      const query = (stmt.kind === 'InsertStmt' ? p.selectStmt : p.query) as Node | undefined;
      if (stmt.kind === 'CreateTableAsStmt' && (p.into as { skipData?: boolean } | undefined)?.skipData) return undefined;
      return on(unlimitedSource(query), (t) => `copies the rows of ${t}`);
    }
    default:
      return undefined;
  }
}

function walkFinds(node: unknown, test: (kind: string, payload: Record<string, unknown>) => boolean): boolean {
  let found = false;
  walk(node, (kind, payload) => {
    if (!found && test(kind, payload)) found = true;
  });
  return found;
}

/** The first table an INSERT … SELECT or CREATE TABLE AS reads without a LIMIT. */
function unlimitedSource(query: Node | undefined): RangeVar | undefined {
  const select = (query as { SelectStmt?: { fromClause?: Node[]; limitCount?: Node } } | undefined)?.SelectStmt;
  if (!select?.fromClause || select.limitCount) return undefined;
  let source: RangeVar | undefined;
  walk(select.fromClause, (kind, payload) => {
    if (!source && kind === 'RangeVar') source = payload as RangeVar;
  });
  return source;
}

/** `rewrites` / `scans all of` / `builds an index on` for the slowest subcommand of an ALTER TABLE. */
function alterWork(ctx: RuleContext, alter: AlterTableStmt): string | undefined {
  if (alter.objtype !== 'OBJECT_TABLE' && alter.objtype !== 'OBJECT_MATVIEW') return undefined;
  const table = ctx.schema.table(relationKey(alter.relation));
  let found: string | undefined;
  for (const c of alter.cmds ?? []) {
    const cmd = (c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd;
    const work = cmd && subcommandWork(ctx, cmd, table?.columns.get(cmd.name ?? '')?.type, table);
    if (work === 'rewrites') return work;
    found ??= work;
  }
  return found;
}

function subcommandWork(ctx: RuleContext, cmd: AlterTableCmd, oldType: string | undefined, table: TableModel | undefined): string | undefined {
  if (REWRITING_SUBCOMMANDS.has(cmd.subtype ?? '')) return 'rewrites';
  const def = (cmd.def as { ColumnDef?: ColumnDef } | undefined)?.ColumnDef;
  const constraint = (cmd.def as { Constraint?: Constraint } | undefined)?.Constraint;
  switch (cmd.subtype) {
    case 'AT_AlterColumnType': {
      if (!def?.typeName || def.raw_default) return 'rewrites'; // USING recomputes every row
      const verdict = classifyTypeChange(oldType, typeLabel(def.typeName), ctx.atLeast(12));
      return verdict.kind === 'none' ? undefined : 'rewrites';
    }
    case 'AT_AddColumn':
      return def ? addColumnWork(ctx, def) : undefined;
    case 'AT_AddConstraint':
      return constraint ? constraintWork(constraint) : undefined;
    case 'AT_ValidateConstraint':
    case 'AT_AttachPartition':
      return 'scans all of';
    case 'AT_SetNotNull':
      return notNullWithoutScan(table, cmd.name ?? '', ctx.atLeast(12)) ? undefined : 'scans all of';
    default:
      return undefined;
  }
}

function addColumnWork(ctx: RuleContext, def: ColumnDef): string | undefined {
  const constraints = columnConstraints(def);
  const fills = constraints.some((c) => c.contype === 'CONSTR_IDENTITY' || (c.contype === 'CONSTR_GENERATED' && c.generated_kind !== 'v'));
  const expr = defaultExpression(def);
  const volatile = expr !== undefined && (!ctx.atLeast(11) || classifyDefault(expr).kind !== 'stable');
  if (fills || volatile || isSerialColumn(def)) return 'rewrites';
  for (const c of constraints) {
    const work = constraintWork(c);
    if (work) return work;
  }
  return undefined;
}

function constraintWork(c: Constraint): string | undefined {
  if (c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_EXCLUSION') return c.indexname ? undefined : 'builds an index on';
  if ((c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_FOREIGN') && !c.skip_validation) return 'scans all of';
  return undefined;
}
