/** Small SQL text helpers for the generators: identifiers, relation names, removing a statement. */
import type { AlterTableCmd, RangeVar } from '@pgsql/types';
import { alterCommandRanges } from '../dialects/postgres/ranges';
import type { Statement } from '../dialects/postgres/statement';
import type { TextEdit, TextRange } from '../types';

/** Quotes an identifier unless it is a plain lower-case name PostgreSQL would leave as is. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** The relation as SQL, qualified when the migration qualified it. */
export function relationSql(rv: RangeVar | undefined): string {
  if (!rv?.relname) return '';
  return rv.schemaname ? `${quoteIdent(rv.schemaname)}.${quoteIdent(rv.relname)}` : quoteIdent(rv.relname);
}

/** An index or constraint name in the relation's schema (indexes live beside their table). */
export function siblingSql(rv: RangeVar | undefined, name: string): string {
  return rv?.schemaname ? `${quoteIdent(rv.schemaname)}.${quoteIdent(name)}` : quoteIdent(name);
}

/** PostgreSQL truncates identifiers to 63 bytes; generated names stay within that. */
export function generatedName(...parts: string[]): string {
  return parts.join('_').slice(0, 63);
}

/** Removes a statement with its semicolon and the rest of its line, so that no blank statement is left. */
export function removeStatement(text: string, stmt: Statement): TextEdit {
  let end = stmt.range.end;
  if (text[end] === ';') end++;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  if (text[end] === '\r') end++;
  if (text[end] === '\n') end++;
  return { range: { start: stmt.range.start, end }, newText: '' };
}

/** The ALTER TABLE subcommand whose text overlaps the range (a finding's), with its own range. */
export function commandAt(stmt: Statement, range: TextRange): { cmd: AlterTableCmd; range: TextRange; count: number } | undefined {
  const alter = stmt.as('AlterTableStmt');
  if (!alter) return undefined;
  const ranges = alterCommandRanges(stmt, alter.relation?.location);
  const cmds = alter.cmds ?? [];
  for (let i = 0; i < Math.min(ranges.length, cmds.length); i++) {
    const r = ranges[i];
    const cmd = (cmds[i] as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd;
    if (cmd && r.start < Math.max(range.end, range.start + 1) && range.start < r.end) return { cmd, range: r, count: cmds.length };
  }
  return undefined;
}
