/**
 * The text range of a column's type as written: `varchar(20)`, `character varying(20)`,
 * `timestamp(3) without time zone`, `pg_catalog.int4`, `int[]`. The parse tree only records where a
 * type starts, so the end is found by walking PostgreSQL's scanner tokens.
 */
import type { TypeName } from '@pgsql/types';
import type { Statement } from '../../dialects/postgres/statement';
import type { TextRange } from '../../types';
import { codeTokens, tokenIndexAt } from './statement-tokens';

/** Words that continue a multi-word type name (`double precision`, `with time zone`, `day to second`). */
const CONTINUATIONS = new Set(['VARYING', 'PRECISION', 'WITH', 'WITHOUT', 'TIME', 'ZONE', 'ARRAY', 'YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'TO']);

export function typeNameRange(stmt: Statement, typeName: TypeName): TextRange {
  const start = stmt.offsetOf(typeName.location);
  const tokens = codeTokens(stmt);
  let i = tokenIndexAt(tokens, start);
  if (i >= tokens.length) return { start, end: stmt.range.end };
  let end = tokens[i].end;
  for (i++; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === '.' && i + 1 < tokens.length) {
      end = tokens[++i].end;
    } else if (t.text === '(' || t.text === '[') {
      const close = matching(tokens, i);
      if (close < 0) break;
      end = tokens[close].end;
      i = close;
    } else if (t.isKeyword && CONTINUATIONS.has(t.text.toUpperCase())) {
      end = t.end;
    } else break;
  }
  return { start: Math.min(start, tokens[tokenIndexAt(tokens, start)].start), end };
}

function matching(tokens: { text: string }[], open: number): number {
  const opener = tokens[open].text;
  const closer = opener === '(' ? ')' : ']';
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i].text === opener) depth++;
    else if (tokens[i].text === closer && --depth === 0) return i;
  }
  return -1;
}
