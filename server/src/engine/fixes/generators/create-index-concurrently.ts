/**
 * CREATE INDEX → CREATE INDEX CONCURRENTLY IF NOT EXISTS in a migration of its own that runs outside
 * a transaction. IF NOT EXISTS makes a re-run after a failed build harmless once the invalid index is
 * dropped; the statement leaves the current migration.
 */
import type { IndexElem } from '@pgsql/types';
import { relationLabel } from '../../dialects/postgres/ast';
import { describeLock } from '../../locks/modes';
import type { Generator } from '../generator';
import { generatedName, quoteIdent, removeStatement, siblingSql } from '../sql';

export const createIndexConcurrently: Generator = {
  rule: 'create-index-concurrently',
  draft({ stmt, text }) {
    const index = stmt.as('IndexStmt');
    if (!index || index.concurrent) return null;
    const tokens = stmt.codeTokens();
    const indexWord = tokens.findIndex((t) => t.name === 'INDEX');
    if (indexWord < 0) return null;
    const at = tokens[indexWord].end;
    // An unnamed index on plain columns gets the name PostgreSQL would give it, so that IF NOT EXISTS
    // and the down can name it; an expression index keeps PostgreSQL's choice.
    const columns = (index.indexParams ?? []).map((p) => (p as { IndexElem?: IndexElem }).IndexElem?.name);
    const given = index.idxname ?? (index.relation?.relname && columns.length && columns.every(Boolean) ? generatedName(index.relation.relname, ...(columns as string[]), 'idx') : undefined);
    const insert = ` CONCURRENTLY${given && !index.if_not_exists ? ' IF NOT EXISTS' : ''}${given && !index.idxname ? ` ${quoteIdent(given)}` : ''}`;
    const sql = `${text.slice(stmt.range.start, at)}${insert}${text.slice(at, stmt.range.end)};`;
    const table = relationLabel(index.relation);
    const name = given ?? `index on ${table}`;
    return {
      title: `Build ${name} concurrently in a migration of its own, outside a transaction`,
      edits: [removeStatement(text, stmt)],
      steps: [
        {
          name: given ? `create index ${given} concurrently` : `create index on ${index.relation?.relname ?? 'table'} concurrently`,
          up: sql,
          down: given ? `DROP INDEX CONCURRENTLY IF EXISTS ${siblingSql(index.relation, given)};` : '-- Drop the index this step built: it has no name here, so PostgreSQL chose one (see \\d of the table).',
          nonTransactional: true,
        },
      ],
      phases: [
        {
          name: 'build',
          step: 0,
          summary: `CREATE INDEX CONCURRENTLY builds ${name} while reads and writes go on; it waits for transactions older than itself.`,
          lock: describeLock('ShareUpdateExclusiveLock', table),
        },
      ],
      notes: [
        'If the concurrent build fails it leaves an INVALID index behind: drop it (DROP INDEX CONCURRENTLY) before running the migration again.',
      ],
    };
  },
};
