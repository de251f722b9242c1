/**
 * Finding ranges that the shared range helpers do not cover: a parenthesised clause, a statement up to
 * its trailing options, one ALTER TABLE subcommand, a column's name and type. All work on scanner
 * tokens, so quoted names and multi-byte text keep exact UTF-16 offsets.
 */
import type { ColumnDef } from '@pgsql/types';
import type { Token } from '../../dialects/postgres/parser';
import { alterCommandRanges, firstLineRange, nameRange } from '../../dialects/postgres/ranges';
import type { Statement } from '../../dialects/postgres/statement';
import type { TextRange } from '../../types';

/** The statement's tokens without comments and without anything past its end (the `;`). */
function codeTokens(stmt: Statement): Token[] {
  return stmt.codeTokens();
}

function firstTokenFrom(tokens: Token[], offset: number): number {
  const i = tokens.findIndex((t) => t.end > offset);
  return i < 0 ? tokens.length : i;
}

/** From `location` to the end of the first balanced `( … )` after it: `CHECK (VALUE > 0)`, `CONSTRAINT c CHECK (…)`. */
export function parenthesizedClauseRange(stmt: Statement, location: number | undefined): TextRange {
  const start = stmt.offsetOf(location);
  const tokens = codeTokens(stmt);
  let depth = 0;
  for (let i = firstTokenFrom(tokens, start); i < tokens.length; i++) {
    const text = tokens[i].text;
    if (text === '(') depth++;
    else if (text === ')' && --depth === 0) return { start, end: tokens[i].end };
  }
  return { start, end: stmt.range.end };
}

/**
 * From the start of the statement to the last token before the first top-level keyword of `stop`:
 * `DROP INDEX a, b CASCADE` with stop CASCADE gives `DROP INDEX a, b`.
 */
export function rangeBeforeKeywords(stmt: Statement, stop: string[]): TextRange {
  const tokens = codeTokens(stmt);
  let depth = 0;
  let end = stmt.range.start;
  for (const t of tokens) {
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.isKeyword && stop.includes(t.text.toUpperCase())) break;
    end = t.end;
  }
  return end > stmt.range.start ? { start: stmt.range.start, end } : firstLineRange(stmt);
}

/** From the keyword token just before `location` (e.g. ADD before `CONSTRAINT c CHECK …`) to the end of the statement. */
export function fromPreviousTokenRange(stmt: Statement, location: number | undefined): TextRange {
  const at = stmt.offsetOf(location);
  const tokens = codeTokens(stmt);
  const i = firstTokenFrom(tokens, at);
  const start = i > 0 ? tokens[i - 1].start : at;
  return { start, end: stmt.range.end };
}

/** The text range of the `index`-th subcommand of an ALTER TABLE (`ATTACH PARTITION c FOR VALUES …`). */
export function alterCommandRange(stmt: Statement, relationLocation: number | undefined, index: number): TextRange {
  return alterCommandRanges(stmt, relationLocation)[index] ?? firstLineRange(stmt);
}

/** A column's name and type, without its constraints: `data json`, `tags pg_catalog.json[]`. */
export function columnNameAndTypeRange(stmt: Statement, column: ColumnDef): TextRange {
  const start = stmt.offsetOf(column.location);
  if (column.typeName?.location === undefined) return { start, end: nameRange(stmt, column.location).end };
  let end = nameRange(stmt, column.typeName.location).end;
  const tokens = codeTokens(stmt);
  // Type modifiers and array brackets follow the name: `varchar(20)`, `json[]`, `int[3][3]`.
  for (let i = firstTokenFrom(tokens, end); i < tokens.length && (tokens[i].text === '(' || tokens[i].text === '['); ) {
    const close = tokens[i].text === '(' ? ')' : ']';
    let j = i;
    while (j < tokens.length && tokens[j].text !== close) j++;
    if (j >= tokens.length) break;
    end = tokens[j].end;
    i = j + 1;
  }
  return { start, end };
}

/** The source text of a range with runs of white space collapsed, for quoting SQL in a message. */
export function quotedText(stmt: Statement, range: TextRange): string {
  const text = stmt.text.slice(range.start - stmt.range.start, range.end - stmt.range.start);
  return text.replace(/\s+/g, ' ').trim();
}
