/**
 * CREATE INDEX → CREATE INDEX CONCURRENTLY IF NOT EXISTS in a migration of its own that runs outside
 * a transaction. IF NOT EXISTS makes a re-run after a failed build harmless once the invalid index is
 * dropped; the statement leaves the current migration.
 */
import { relationLabel } from '../../dialects/postgres/ast';
import { describeLock } from '../../locks/modes';
import type { Generator } from '../generator';
import { removeStatement, siblingSql } from '../sql';

export const createIndexConcurrently: Generator = {
  rule: 'create-index-concurrently',
  draft({ stmt, text }) {
    const index = stmt.as('IndexStmt');
    if (!index || index.concurrent) return null;
    const tokens = stmt.codeTokens();
    const indexWord = tokens.findIndex((t) => t.name === 'INDEX');
    if (indexWord < 0) return null;
    const at = tokens[indexWord].end;
    // IF NOT EXISTS needs a name; an unnamed index gets PostgreSQL's generated one and no guard.
    const insert = ` CONCURRENTLY${index.idxname && !index.if_not_exists ? ' IF NOT EXISTS' : ''}`;
    const sql = `${text.slice(stmt.range.start, at)}${insert}${text.slice(at, stmt.range.end)};`;
    const table = relationLabel(index.relation);
    const name = index.idxname ? `${index.idxname}` : `index on ${table}`;
    return {
      title: `Build ${name} concurrently in a migration of its own, outside a transaction`,
      edits: [removeStatement(text, stmt)],
      steps: [
        {
          name: index.idxname ? `create index ${index.idxname} concurrently` : `create index on ${index.relation?.relname ?? 'table'} concurrently`,
          up: sql,
          ...(index.idxname ? { down: `DROP INDEX CONCURRENTLY IF EXISTS ${siblingSql(index.relation, index.idxname)};` } : {}),
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
