/**
 * The subcommands of an ALTER TABLE, each with the text range of its own clause. The range is worked
 * out from the statement's tokens on first read only: rules look at every ALTER TABLE but report few,
 * and tokenizing them all was a large part of a lint. Several rules ask for the same statement's
 * commands, so the list is made once per statement (Statement objects are made anew by each lint).
 */
import type { AlterTableCmd, AlterTableStmt } from '@pgsql/types';
import { alterCommandRanges, firstLineRange } from '../../dialects/postgres/ranges';
import type { Statement } from '../../dialects/postgres/statement';
import type { TextRange } from '../../types';

export interface AlterCommand {
  readonly cmd: AlterTableCmd;
  /** `DROP COLUMN c CASCADE`, `ALTER COLUMN c DROP NOT NULL` … (read it only when reporting: see above). */
  readonly range: TextRange;
}

const cache = new WeakMap<Statement, { alter: AlterTableStmt; commands: readonly AlterCommand[] }>();

/** The commands, shared between rules: do not change the list. */
export function alterCommands(stmt: Statement, alter: AlterTableStmt): readonly AlterCommand[] {
  const cached = cache.get(stmt);
  if (cached?.alter === alter) return cached.commands;
  const cmds = alter.cmds ?? [];
  const commands: AlterCommand[] = [];
  for (let i = 0; i < cmds.length; i++) {
    const cmd = (cmds[i] as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd;
    if (cmd) commands.push(new LazyRangeCommand(stmt, alter, cmd, i, cmds.length));
  }
  cache.set(stmt, { alter, commands });
  return commands;
}

class LazyRangeCommand implements AlterCommand {
  constructor(
    private readonly stmt: Statement,
    private readonly alter: AlterTableStmt,
    readonly cmd: AlterTableCmd,
    private readonly index: number,
    private readonly count: number,
  ) {}

  get range(): TextRange {
    const ranges = alterCommandRanges(this.stmt, this.alter.relation?.location);
    // The clause ranges come from commas at depth 0; should they not line up with the parse tree, the
    // statement's first line is still a truthful (if wider) place to report.
    return ranges.length === this.count ? ranges[this.index] : firstLineRange(this.stmt);
  }
}
