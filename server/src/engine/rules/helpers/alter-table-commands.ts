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

/**
 * A dozen rules read the commands of every ALTER TABLE, so the list is made once per statement and
 * shared (callers must not change it). Statements are made anew by each lint, and a parse tree reused
 * from the parse cache gets a new Statement, so cached ranges always belong to the current text.
 */
const commandCache = new WeakMap<Statement, { alter: AlterTableStmt; commands: readonly AlterCommand[] }>();

/** The commands of an ALTER TABLE on a table (not on an index, view or foreign table). */
export function alterTableCommands(alter: AlterTableStmt, stmt: Statement): readonly AlterCommand[] {
  if (alter.objtype !== 'OBJECT_TABLE') return [];
  const cached = commandCache.get(stmt);
  if (cached?.alter === alter) return cached.commands;
  const cmds = alter.cmds ?? [];
  const commands: AlterCommand[] = [];
  for (let i = 0; i < cmds.length; i++) {
    const cmd = (cmds[i] as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd;
    if (cmd) commands.push({ cmd, range: () => commandRange(stmt, alter, i, cmds.length) });
  }
  commandCache.set(stmt, { alter, commands });
  return commands;
}

function commandRange(stmt: Statement, alter: AlterTableStmt, index: number, count: number): TextRange {
  const ranges = alterCommandRanges(stmt, alter.relation?.location);
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
export function columnConstraints(def: ColumnDef): readonly Constraint[] {
  // Many rules ask about the same column definition: answer each once.
  let found = constraintsOfDef.get(def);
  if (!found) {
    found = [];
    for (const c of def.constraints ?? []) {
      const constraint = (c as { Constraint?: Constraint }).Constraint;
      if (constraint) found.push(constraint);
    }
    constraintsOfDef.set(def, found);
  }
  return found;
}

const constraintsOfDef = new WeakMap<ColumnDef, Constraint[]>();

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

/** Once per statement, as for alterTableCommands: every rule sees the same schema while visiting it. */
const addedColumnsCache = new WeakMap<Statement, { alter: AlterTableStmt; added: readonly AddedColumn[] }>();

/**
 * The ADD COLUMN commands of an ALTER TABLE on an existing table (a table created earlier in the file
 * is empty, so nothing added to it is hazardous), leaving out IF NOT EXISTS ones that add nothing.
 */
export function columnsAddedToExistingTable(ctx: RuleContext, alter: AlterTableStmt, stmt: Statement): readonly AddedColumn[] {
  if (ctx.isNewTable(alter.relation)) return [];
  const cached = addedColumnsCache.get(stmt);
  if (cached?.alter === alter) return cached.added;
  const columns = ctx.schema.table(relationKey(alter.relation))?.columns;
  const added: AddedColumn[] = [];
  for (const command of alterTableCommands(alter, stmt)) {
    const def = addedColumn(command.cmd);
    if (def && !addsNothing(command.cmd, columns)) added.push({ def, command });
  }
  addedColumnsCache.set(stmt, { alter, added });
  return added;
}

export interface AddedConstraint {
  constraint: Constraint;
  command: AlterCommand;
}

/** The ADD CONSTRAINT commands of an ALTER TABLE on an existing table. */
export function constraintsAddedToExistingTable(ctx: RuleContext, alter: AlterTableStmt, stmt: Statement): readonly AddedConstraint[] {
  if (ctx.isNewTable(alter.relation)) return [];
  const added: AddedConstraint[] = [];
  for (const command of alterTableCommands(alter, stmt)) {
    const constraint = addedConstraint(command.cmd);
    if (constraint) added.push({ constraint, command });
  }
  return added;
}
