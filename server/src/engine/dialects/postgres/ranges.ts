/**
 * Precise ranges for findings. The parse tree only records where a node starts; where it ends comes
 * from PostgreSQL's scanner tokens, so a diagnostic covers the offending part (a column definition,
 * the words NOT NULL, `CREATE INDEX … ON t`) and not the whole statement.
 */
import type { TextRange } from '../../types';
import type { Token } from './parser';
import type { Statement } from './statement';

const OPEN = new Set(['(', '[']);
const CLOSE = new Set([')', ']']);

function tokenIndexAt(tokens: Token[], offset: number): number {
  // First token that ends after the offset (the token containing it, or the next one).
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid].end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The range of the token that starts at (or contains) a parse-tree location. */
export function tokenRange(stmt: Statement, location: number | undefined, count = 1): TextRange {
  const start = stmt.offsetOf(location);
  const tokens = stmt.codeTokens();
  const i = tokenIndexAt(tokens, start);
  if (i >= tokens.length) return { start, end: Math.max(start, stmt.range.end) };
  const last = tokens[Math.min(tokens.length - 1, i + count - 1)];
  return { start: Math.min(start, tokens[i].start), end: last.end };
}

/**
 * From a parse-tree location to the end of its clause: up to (not including) the next comma or closing
 * parenthesis at the same nesting depth, or the end of the statement.
 */
export function clauseRange(stmt: Statement, location: number | undefined): TextRange {
  const start = stmt.offsetOf(location);
  const tokens = stmt.codeTokens();
  let depth = 0;
  let end = start;
  for (let i = tokenIndexAt(tokens, start); i < tokens.length; i++) {
    const t = tokens[i];
    if (t.start >= stmt.range.end) break;
    if (OPEN.has(t.text)) depth++;
    else if (CLOSE.has(t.text)) {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && (t.text === ',' || t.text === ';')) break;
    end = t.end;
  }
  return { start, end: Math.max(end, start) };
}

/** A possibly qualified name starting at a location: `users`, `app."Users"`, `db.app.users`. */
export function nameRange(stmt: Statement, location: number | undefined): TextRange {
  const start = stmt.offsetOf(location);
  const tokens = stmt.codeTokens();
  let i = tokenIndexAt(tokens, start);
  if (i >= tokens.length) return { start, end: stmt.range.end };
  const first = tokens[i];
  while (i + 2 < tokens.length && tokens[i + 1].text === '.') i += 2;
  return { start: first.start, end: tokens[i].end };
}

/** From the start of the statement to the end of the name at `location` (e.g. `CREATE INDEX … ON t`). */
export function headRange(stmt: Statement, location: number | undefined): TextRange {
  if (location === undefined) return firstLineRange(stmt);
  return { start: stmt.range.start, end: nameRange(stmt, location).end };
}

/** The statement's range clipped to its first line, for statements with no better anchor. */
export function firstLineRange(stmt: Statement): TextRange {
  const text = stmt.text;
  const eol = text.indexOf('\n');
  return { start: stmt.range.start, end: eol < 0 ? stmt.range.end : stmt.range.start + eol };
}

/**
 * The text ranges of the comma-separated subcommands of an ALTER TABLE (or ALTER TYPE …), in order:
 * `ALTER TABLE t ADD COLUMN a int, DROP COLUMN b` gives the ranges of `ADD COLUMN a int` and
 * `DROP COLUMN b`. The first subcommand starts after the relation name at `relationLocation`.
 */
export function alterCommandRanges(stmt: Statement, relationLocation: number | undefined): readonly TextRange[] {
  // Several rules ask for the same statement's subcommand ranges: split it once per statement.
  const cached = commandRangeCache.get(stmt);
  if (cached && cached.relationLocation === relationLocation) return cached.ranges;
  const ranges = splitAlterCommands(stmt, relationLocation);
  commandRangeCache.set(stmt, { relationLocation, ranges });
  return ranges;
}

const commandRangeCache = new WeakMap<Statement, { relationLocation: number | undefined; ranges: readonly TextRange[] }>();

function splitAlterCommands(stmt: Statement, relationLocation: number | undefined): TextRange[] {
  const tokens = stmt.codeTokens();
  const relStart = stmt.offsetOf(relationLocation);
  let i = tokenIndexAt(tokens, relStart);
  // Skip the (possibly qualified) relation name: name ( . name )*
  i++;
  while (i + 1 < tokens.length && tokens[i].text === '.') i += 2;
  const ranges: TextRange[] = [];
  let depth = 0;
  let segStart = -1;
  let segEnd = -1;
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.start >= stmt.range.end) break;
    if (depth === 0 && t.text === ',') {
      if (segStart >= 0) ranges.push({ start: segStart, end: segEnd });
      segStart = -1;
      continue;
    }
    if (OPEN.has(t.text)) depth++;
    else if (CLOSE.has(t.text)) depth--;
    if (segStart < 0) segStart = t.start;
    segEnd = t.end;
  }
  if (segStart >= 0) ranges.push({ start: segStart, end: segEnd });
  return ranges;
}

/**
 * The range of a run of keywords (e.g. `NOT NULL`, `DEFAULT`) found at or after a location inside the
 * statement; undefined when they do not occur.
 */
export function keywordsRange(stmt: Statement, words: string[], from?: number, to?: number): TextRange | undefined {
  const tokens = stmt.codeTokens();
  const startAt = from ?? stmt.range.start;
  const endAt = to ?? stmt.range.end;
  for (let i = tokenIndexAt(tokens, startAt); i + words.length <= tokens.length; i++) {
    if (tokens[i].start >= endAt) break;
    let match = true;
    for (let k = 0; k < words.length && match; k++) match = tokens[i + k].text.toUpperCase() === words[k];
    if (match) return { start: tokens[i].start, end: tokens[i + words.length - 1].end };
  }
  return undefined;
}
