/** Suggestions that replace a column's type, keeping any array suffix (`varchar(20)[]` → `text[]`). */
import type { Statement } from '../../dialects/postgres/statement';
import type { Fix, TextRange } from '../../types';

/** The type as written, e.g. `character varying(20)`. */
export function writtenText(stmt: Statement, range: TextRange): string {
  return stmt.text.slice(range.start - stmt.range.start, range.end - stmt.range.start);
}

export function replaceTypeFix(stmt: Statement, range: TextRange, replacement: string, title: string): Fix {
  const written = writtenText(stmt, range);
  const arraySuffix = /(\s*\[[\s\S]*|\s+array\b[\s\S]*)$/i.exec(written)?.[0] ?? '';
  return { title, kind: 'suggestion', edits: [{ range, newText: `${replacement}${arraySuffix}` }] };
}
