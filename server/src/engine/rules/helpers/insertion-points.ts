/**
 * Where IF [NOT] EXISTS or OR REPLACE goes in a statement: before the object's name, which follows a
 * fixed run of keywords (`DROP MATERIALIZED VIEW`, `CREATE INDEX CONCURRENTLY`, `ADD COLUMN`).
 */
import type { Token } from '../../dialects/postgres/parser';
import type { Statement } from '../../dialects/postgres/statement';
import { codeTokens, isKeyword } from './statement-tokens';

/** Keywords after DROP that name the object type, per DropStmt.removeType. */
export const DROP_TYPE_WORDS: Partial<Record<string, number>> = {
  OBJECT_TABLE: 1, OBJECT_INDEX: 1, OBJECT_VIEW: 1, OBJECT_MATVIEW: 2, OBJECT_SEQUENCE: 1, OBJECT_TYPE: 1,
  OBJECT_DOMAIN: 1, OBJECT_SCHEMA: 1, OBJECT_EXTENSION: 1, OBJECT_FUNCTION: 1, OBJECT_PROCEDURE: 1,
  OBJECT_ROUTINE: 1, OBJECT_AGGREGATE: 1, OBJECT_TRIGGER: 1, OBJECT_POLICY: 1, OBJECT_RULE: 1,
  OBJECT_FOREIGN_TABLE: 2, OBJECT_COLLATION: 1, OBJECT_CONVERSION: 1, OBJECT_SERVER: 1, OBJECT_PUBLICATION: 1,
  OBJECT_STATISTIC_EXT: 1, OBJECT_EVENT_TRIGGER: 2, OBJECT_ACCESS_METHOD: 2, OBJECT_OPERATOR: 1, OBJECT_CAST: 1,
  OBJECT_OPCLASS: 2, OBJECT_OPFAMILY: 2, OBJECT_TRANSFORM: 1, OBJECT_LANGUAGE: 1, OBJECT_FDW: 3,
  OBJECT_TSCONFIGURATION: 3, OBJECT_TSDICTIONARY: 3, OBJECT_TSPARSER: 3, OBJECT_TSTEMPLATE: 3,
};

export interface KeywordRun {
  /** The keywords, e.g. `DROP MATERIALIZED VIEW`. */
  words: string;
  /** The last keyword of the run; the object's name (or IF [NOT] EXISTS) follows it. */
  last: Token;
  /** The token after the run: the name, when the statement has no IF [NOT] EXISTS. */
  next: Token | undefined;
  /** End of the possibly qualified name that starts at `next` (`app.users`). */
  nameEnd: number;
}

/**
 * Starting at the token at `from`, the keyword `first` followed by `count` keywords, plus any of the
 * `optional` keywords directly after them. Undefined when the statement does not read like that.
 */
export function keywordRun(stmt: Statement, from: number, first: string, count: number, optional: string[] = []): KeywordRun | undefined {
  const tokens = codeTokens(stmt);
  let i = tokens.findIndex((t) => t.start >= from);
  if (i < 0 || !isKeyword(tokens[i], first)) return undefined;
  const start = i;
  for (let k = 0; k < count; k++) if (!tokens[++i]?.isKeyword) return undefined;
  while (optional.some((w) => isKeyword(tokens[i + 1], w))) i++;
  let j = i + 1;
  while (j + 2 < tokens.length && tokens[j + 1].text === '.') j += 2;
  const words = tokens.slice(start, i + 1).map((t) => t.text.toUpperCase()).join(' ');
  return { words, last: tokens[i], next: tokens[i + 1], nameEnd: tokens[j]?.end ?? tokens[i].end };
}
