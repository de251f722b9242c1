/**
 * Token lookups shared by the compatibility and convention rules: the scanner's tokens of a statement
 * without comments, and small searches over them.
 */
import type { Token } from '../../dialects/postgres/parser';
import type { Statement } from '../../dialects/postgres/statement';
import type { TextRange } from '../../types';

/** The statement's tokens without comments and without the terminating semicolon. */
export function codeTokens(stmt: Statement): Token[] {
  return stmt.codeTokens();
}

/**
 * Where the statement's code ends: its last token (a statement's range may run on over whitespace or
 * comments before its semicolon).
 */
export function codeEnd(stmt: Statement): number {
  const tokens = codeTokens(stmt);
  return tokens.length ? tokens[tokens.length - 1].end : stmt.range.end;
}

/** Index of the first token that ends after `offset` (the token containing it, or the next one). */
export function tokenIndexAt(tokens: Token[], offset: number): number {
  const i = tokens.findIndex((t) => t.end > offset);
  return i < 0 ? tokens.length : i;
}

/** True when the token is the keyword `word` (upper case), not a quoted identifier of that name. */
export function isKeyword(token: Token | undefined, word: string): boolean {
  return token !== undefined && token.isKeyword && token.text.toUpperCase() === word;
}

/** The range of the last token that is the keyword `word` inside [from, to), if any. */
export function lastKeywordRange(stmt: Statement, word: string, from = stmt.range.start, to = stmt.range.end): TextRange | undefined {
  const tokens = codeTokens(stmt).filter((t) => t.start >= from && t.end <= to && isKeyword(t, word));
  const last = tokens[tokens.length - 1];
  return last ? { start: last.start, end: last.end } : undefined;
}

/** Trims a range to its last token, dropping a trailing `CASCADE` or `RESTRICT` (DROP … CASCADE → DROP …). */
export function withoutDropBehavior(stmt: Statement, range: TextRange): TextRange {
  const inside = codeTokens(stmt).filter((t) => t.start >= range.start && t.end <= range.end);
  const last = inside[inside.length - 1];
  if (!last) return range;
  if (inside.length > 1 && (isKeyword(last, 'CASCADE') || isKeyword(last, 'RESTRICT'))) return { start: range.start, end: inside[inside.length - 2].end };
  return { start: range.start, end: last.end };
}

/** The identifier token that spells `name` (unquoted in any case, or quoted exactly) at or after `from`. */
export function identifierToken(stmt: Statement, name: string, from: number): Token | undefined {
  return codeTokens(stmt).find((t) => t.start >= from && (t.text === `"${name.replace(/"/g, '""')}"` || t.text.toLowerCase() === name));
}

/** The first token spelled `text` (e.g. `(`) at or after `from`. */
export function nextToken(stmt: Statement, text: string, from: number): Token | undefined {
  return codeTokens(stmt).find((t) => t.start >= from && t.text === text);
}
