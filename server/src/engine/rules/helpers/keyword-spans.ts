/**
 * Finding ranges over a statement's leading keywords: `CREATE INDEX CONCURRENTLY`, `DETACH PARTITION p
 * CONCURRENTLY`, `ALTER TABLE users`. Built from scanner tokens, so comments and quoted names that
 * happen to spell a keyword are never matched.
 */
import { firstLineRange, nameRange } from '../../dialects/postgres/ranges';
import type { Statement } from '../../dialects/postgres/statement';
import type { TextRange } from '../../types';
import { codeTokens, isKeyword } from './statement-tokens';

/** The first `count` tokens of the statement: `CREATE DATABASE`, `VACUUM`. */
export function leadingTokens(stmt: Statement, count: number): TextRange {
  const tokens = codeTokens(stmt);
  if (tokens.length === 0) return firstLineRange(stmt);
  return { start: tokens[0].start, end: tokens[Math.min(count, tokens.length) - 1].end };
}

/**
 * From the keyword `from` (or the statement's start) to the keyword `to`, both included; a `to` inside
 * an option list is extended to the list's closing parenthesis: `REINDEX (VERBOSE, CONCURRENTLY)`.
 */
export function keywordSpan(stmt: Statement, to: string, from?: string): TextRange | undefined {
  const tokens = codeTokens(stmt);
  const first = from ? tokens.findIndex((t) => isKeyword(t, from)) : 0;
  if (first < 0 || tokens.length === 0) return undefined;
  let depth = 0;
  for (let i = first; i < tokens.length; i++) {
    const text = tokens[i].text;
    if (text === '(') depth++;
    else if (text === ')') depth--;
    if (!isKeyword(tokens[i], to)) continue;
    let last = i;
    while (depth > 0 && last + 1 < tokens.length) {
      last++;
      if (tokens[last].text === '(') depth++;
      else if (tokens[last].text === ')') depth--;
    }
    return { start: tokens[first].start, end: tokens[last].end };
  }
  return undefined;
}

/** From the statement's first word to the end of the name at `location`: `ALTER TABLE app.users`. */
export function headToName(stmt: Statement, location: number | undefined): TextRange {
  const tokens = codeTokens(stmt);
  const start = tokens[0]?.start ?? stmt.range.start;
  if (location === undefined) return { ...firstLineRange(stmt), start };
  return { start, end: nameRange(stmt, location).end };
}

/**
 * Where a statement takes its lock on the relation named at `location`: `ALTER TABLE users` when the
 * name is on the statement's first line; just the name when it sits inside parentheses further down
 * (`REFERENCES users` deep inside a CREATE TABLE); otherwise the statement's first line. A finding
 * never spans a whole statement.
 */
export function lockSiteRange(stmt: Statement, location: number | undefined): TextRange {
  const head = headToName(stmt, location);
  if (location === undefined) return head;
  const firstLine = firstLineRange(stmt);
  if (head.end <= firstLine.end) return head;
  const at = stmt.offsetOf(location);
  let depth = 0;
  for (const t of codeTokens(stmt)) {
    if (t.start >= at) break;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
  }
  return depth > 0 ? nameRange(stmt, location) : { ...firstLine, start: head.start };
}
