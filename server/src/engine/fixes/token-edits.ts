/**
 * Small edits placed by scanner tokens, for the rules' autofixes. Every helper returns undefined when
 * the text does not look as expected: a fix that is not offered is better than one that breaks SQL.
 */
import { alterCommandRanges } from '../dialects/postgres/ranges';
import type { Statement } from '../dialects/postgres/statement';
import type { Fix, TextEdit } from '../types';

/** Inserts `text` right after the statement's first code token spelled `keyword` (e.g. INDEX). */
export function insertAfterKeyword(stmt: Statement, keyword: string, text: string): TextEdit | undefined {
  const token = stmt.codeTokens().find((t) => t.text.toUpperCase() === keyword);
  return token ? { range: { start: token.end, end: token.end }, newText: text } : undefined;
}

/** Replaces the code token that starts at `offset` when its text (unquoted, any case) is `expected`. */
export function replaceTokenAt(stmt: Statement, offset: number, expected: string, newText: string): TextEdit | undefined {
  const token = stmt.codeTokens().find((t) => t.start === offset);
  if (!token || token.text.replace(/^"|"$/g, '').toLowerCase() !== expected) return undefined;
  return { range: { start: token.start, end: token.end }, newText };
}

/**
 * Appends `text` at the end of the index-th subcommand of an ALTER TABLE (before its comma or the
 * semicolon, after any trailing options): undefined when the subcommands cannot be told apart.
 */
export function appendToAlterCommand(stmt: Statement, relationLocation: number | undefined, index: number, count: number, text: string): TextEdit | undefined {
  const ranges = alterCommandRanges(stmt, relationLocation);
  if (ranges.length !== count || !ranges[index]) return undefined;
  const end = ranges[index].end;
  return { range: { start: end, end }, newText: text };
}

export function autofix(title: string, edits: (TextEdit | undefined)[]): Fix[] | undefined {
  if (edits.length === 0 || edits.some((e) => e === undefined)) return undefined;
  return [{ title, kind: 'autofix', edits: edits as TextEdit[] }];
}
