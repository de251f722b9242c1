/**
 * The subcommands of an ALTER TABLE with the text range of each. The parse tree gives subcommands no
 * location, so ranges come from the statement's comma-separated segments, which match the commands
 * one to one; the ranges are computed on first use only, since most commands are never reported.
 */
import type { AlterTableCmd, AlterTableStmt, ColumnDef, Constraint, Node } from '@pgsql/types';
import { relationKey, typeBaseName } from '../../dialects/postgres/ast';
import { alterCommandRanges, firstLineRange } from '../../dialects/postgres/ranges';
import type { Statement } from '../../dialects/postgres/statement';
import type { TextRange } from '../../types';
import type { RuleContext } from '../define';

export interface AlterCommand {
  cmd: AlterTableCmd;
  /** The command's own text, e.g. `ADD COLUMN c int NOT NULL` or `ALTER COLUMN c SET NOT NULL`. */
  range(): TextRange;
}

const rangeCache = new WeakMap<Statement, TextRange[]>();

/** The commands of an ALTER TABLE on a table (not on an index, view or foreign table). */
export function alterTableCommands(alter: AlterTableStmt, stmt: Statement): AlterCommand[] {
  if (alter.objtype !== 'OBJECT_TABLE') return [];
  const cmds = (alter.cmds ?? []).map((c) => (c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd);
  return cmds.flatMap((cmd, i) => {
    if (!cmd) return [];
    return [{ cmd, range: () => commandRange(stmt, alter, i, cmds.length) }];
  });
}

function commandRange(stmt: Statement, alter: AlterTableStmt, index: number, count: number): TextRange {
  let ranges = rangeCache.get(stmt);
  if (!ranges) {
    ranges = alterCommandRanges(stmt, alter.relation?.location);
    rangeCache.set(stmt, ranges);
  }
  // A segment count that differs from the command count means syntax the splitter did not foresee:
  // the statement's first line is a safe anchor then.
  return ranges.length === count ? ranges[index] : firstLineRange(stmt);
}

/** The column definition of an `ADD COLUMN` command. */
export function addedColumn(cmd: AlterTableCmd): ColumnDef | undefined {
  if (cmd.subtype !== 'AT_AddColumn') return undefined;
  return (cmd.def as { ColumnDef?: ColumnDef } | undefined)?.ColumnDef;
}

/** The constraint of an `ADD CONSTRAINT` command (or of `ADD PRIMARY KEY`, `ADD UNIQUE` …). */
export function addedConstraint(cmd: AlterTableCmd): Constraint | undefined {
  if (cmd.subtype !== 'AT_AddConstraint') return undefined;
  return (cmd.def as { Constraint?: Constraint } | undefined)?.Constraint;
}

/** The inline constraints of a column definition (NOT NULL, DEFAULT, CHECK, REFERENCES …). */
export function columnConstraints(def: ColumnDef): Constraint[] {
  return (def.constraints ?? []).flatMap((c: Node) => {
    const constraint = (c as { Constraint?: Constraint }).Constraint;
    return constraint ? [constraint] : [];
  });
}

/**
 * The range of one inline constraint of a column: from its first word to the end of the last token
 * before the next constraint (or before the end of the command).
 */
export function inlineConstraintRange(stmt: Statement, def: ColumnDef, constraint: Constraint, commandRange: TextRange): TextRange {
  const start = stmt.offsetOf(constraint.location);
  const later = columnConstraints(def)
    .map((c) => (c.location === undefined ? Infinity : stmt.offsetOf(c.location)))
    .filter((offset) => offset > start);
  const limit = Math.min(commandRange.end, ...later);
  let end = start;
  for (const t of stmt.tokens()) {
    if (t.start >= start && t.end <= limit && t.name !== 'SQL_COMMENT' && t.name !== 'C_COMMENT') end = t.end;
  }
  return { start, end: Math.max(end, start) };
}

/** True when the ADD COLUMN says IF NOT EXISTS and the column is already there: the command does nothing. */
export function addsNothing(cmd: AlterTableCmd, existingColumns: ReadonlyMap<string, unknown> | undefined): boolean {
  const def = addedColumn(cmd);
  return Boolean(cmd.missing_ok && def?.colname && existingColumns?.has(def.colname));
}

const SERIAL = /^(small|big)?serial[248]?$/;

/** serial, bigserial, smallserial, serial4 …: a column filled from a new sequence. */
export function isSerialColumn(def: ColumnDef): boolean {
  return SERIAL.test(typeBaseName(def.typeName));
}

/** The column's DEFAULT expression, if it has a non-null one. */
export function defaultExpression(def: ColumnDef): Node | undefined {
  const expr = columnConstraints(def).find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr;
  return (expr as { A_Const?: { isnull?: boolean } } | undefined)?.A_Const?.isnull ? undefined : expr;
}

/** True when ADD COLUMN computes a value for each existing row: a default, identity, generated or serial column. */
export function fillsExistingRows(def: ColumnDef): boolean {
  if (defaultExpression(def) !== undefined || isSerialColumn(def)) return true;
  return columnConstraints(def).some((c) => c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED');
}

export interface AddedColumn {
  def: ColumnDef;
  command: AlterCommand;
}

/**
 * The ADD COLUMN commands of an ALTER TABLE on an existing table (a table created earlier in the file
 * is empty, so nothing added to it is hazardous), leaving out IF NOT EXISTS ones that add nothing.
 */
export function columnsAddedToExistingTable(ctx: RuleContext, alter: AlterTableStmt, stmt: Statement): AddedColumn[] {
  if (ctx.isNewTable(alter.relation)) return [];
  const columns = ctx.schema.table(relationKey(alter.relation))?.columns;
  return alterTableCommands(alter, stmt).flatMap((command) => {
    const def = addedColumn(command.cmd);
    return def && !addsNothing(command.cmd, columns) ? [{ def, command }] : [];
  });
}

export interface AddedConstraint {
  constraint: Constraint;
  command: AlterCommand;
}

/** The ADD CONSTRAINT commands of an ALTER TABLE on an existing table. */
export function constraintsAddedToExistingTable(ctx: RuleContext, alter: AlterTableStmt, stmt: Statement): AddedConstraint[] {
  if (ctx.isNewTable(alter.relation)) return [];
  return alterTableCommands(alter, stmt).flatMap((command) => {
    const constraint = addedConstraint(command.cmd);
    return constraint ? [{ constraint, command }] : [];
  });
}
