/** Shared by rename-column and rename-table: where the RENAME clause is, and what it renames to. */
import type { RenameStmt } from '@pgsql/types';
import { nameRange } from '../../dialects/postgres/ranges';
import type { Statement } from '../../dialects/postgres/statement';
import type { TextRange } from '../../types';
import { codeEnd, codeTokens, isKeyword } from './statement-tokens';

/** `RENAME COLUMN a TO b` / `RENAME TO b`: from the RENAME keyword after the relation to the new name. */
export function renameClauseRange(stmt: Statement, rename: RenameStmt): TextRange {
  const after = nameRange(stmt, rename.relation?.location).end;
  const rename_ = codeTokens(stmt).find((t) => t.start >= after && isKeyword(t, 'RENAME'));
  return { start: rename_?.start ?? stmt.range.start, end: codeEnd(stmt) };
}

/** The relation's name as written in the statement (`app."Users"`), and its schema part (`app.`). */
export function writtenName(stmt: Statement, rename: RenameStmt): { name: string; schemaPrefix: string } {
  const range = nameRange(stmt, rename.relation?.location);
  const name = stmt.text.slice(range.start - stmt.range.start, range.end - stmt.range.start);
  if (!rename.relation?.schemaname) return { name, schemaPrefix: '' };
  const tokens = codeTokens(stmt).filter((t) => t.start >= range.start && t.end <= range.end);
  const dot = tokens.length >= 3 ? tokens[tokens.length - 2] : undefined;
  return { name, schemaPrefix: dot ? stmt.text.slice(range.start - stmt.range.start, dot.end - stmt.range.start) : '' };
}

/** The new name's token text as written (last token of the statement). */
export function writtenNewName(stmt: Statement): string {
  const tokens = codeTokens(stmt);
  return tokens[tokens.length - 1]?.text ?? '';
}
