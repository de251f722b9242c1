/** The subcommands of an ALTER TABLE, each with the text range of its own clause. */
import type { AlterTableCmd, AlterTableStmt } from '@pgsql/types';
import { alterCommandRanges, firstLineRange } from '../../dialects/postgres/ranges';
import type { Statement } from '../../dialects/postgres/statement';
import type { TextRange } from '../../types';

export interface AlterCommand {
  cmd: AlterTableCmd;
  /** `DROP COLUMN c CASCADE`, `ALTER COLUMN c DROP NOT NULL` … */
  range: TextRange;
}

export function alterCommands(stmt: Statement, alter: AlterTableStmt): AlterCommand[] {
  const cmds = (alter.cmds ?? []).map((n) => (n as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd);
  const ranges = alterCommandRanges(stmt, alter.relation?.location);
  // The clause ranges come from commas at depth 0; should they not line up with the parse tree, the
  // statement's first line is still a truthful (if wider) place to report.
  const aligned = ranges.length === cmds.length;
  const out: AlterCommand[] = [];
  cmds.forEach((cmd, i) => {
    if (cmd) out.push({ cmd, range: aligned ? ranges[i] : firstLineRange(stmt) });
  });
  return out;
}
