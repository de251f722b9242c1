/**
 * CREATE/DROP INDEX CONCURRENTLY, REINDEX … CONCURRENTLY (or of a whole schema, system or database),
 * DETACH PARTITION … CONCURRENTLY and VACUUM fail inside a transaction block. The statement moves, as
 * written, to a migration of its own that runs outside a transaction (the layout adds the framework's
 * marker), alone in it: frameworks that send a file as one query run a lone statement outside a
 * transaction block and several in an implicit one.
 *
 * Later statements of the current migration that name what it builds or touches move after it, so
 * they still run after it (ADD CONSTRAINT … USING INDEX after the index it uses); each one that also
 * refuses a transaction gets a migration of its own as well.
 *
 * Timeouts are not repeated in the new migration: a concurrent build waits for every older
 * transaction, and a lock_timeout would make it give up on a busy server; settings that change what
 * the statement means (search_path, role) are.
 *
 * CREATE/DROP DATABASE, ALTER SYSTEM and CREATE/DROP TABLESPACE get no plan: they change the cluster
 * or the server's configuration and files, not this database's schema, and belong outside the
 * migration history.
 */
import type { IndexStmt } from '@pgsql/types';
import { relationLabel } from '../../dialects/postgres/ast';
import type { Statement } from '../../dialects/postgres/statement';
import { describeLock } from '../../locks/modes';
import type { Generator } from '../generator';
import { schemaBefore } from '../schema-at';
import { siblingSql } from '../sql';
import { followingSteps, itemOf, lockSummary, movedWith, refusesTransaction, removalEdits, serverVersionOf, stepName, stepSql } from '../recipes/move-statements';

const OUTSIDE_THE_HISTORY = new Set(['CreatedbStmt', 'DropdbStmt', 'AlterSystemStmt', 'CreateTableSpaceStmt', 'DropTableSpaceStmt']);

/** The down of a concurrent build: drop the index the same way, if it is there. */
function downOf(stmt: Statement): string | undefined {
  const index: IndexStmt | undefined = stmt.as('IndexStmt');
  return index?.idxname ? `DROP INDEX CONCURRENTLY IF EXISTS ${siblingSql(index.relation, index.idxname)};` : undefined;
}

export const concurrentlyInTransaction: Generator = {
  rule: 'concurrently-in-transaction',
  draft(input) {
    const { stmt, text, statements, ctx } = input;
    if (OUTSIDE_THE_HISTORY.has(stmt.kind) || !refusesTransaction(stmt)) return null;
    const moved = movedWith(statements, [stmt.index]);
    if (moved.some((i) => !statements[i].node)) return null;
    const tail = moved.filter((i) => i !== stmt.index);
    const { sql, dropped } = stepSql(statements, [itemOf(stmt)], 'session');
    const down = downOf(stmt);
    const following = followingSteps(input, tail, 1, 'the statement that refuses a transaction');
    const schema = schemaBefore(ctx, stmt, statements);
    const index = stmt.as('IndexStmt');
    const lock = lockSummary([stmt.node], schema, serverVersionOf(ctx));
    const what = stmt.text.split('\n')[0];
    return {
      title: `Run ${what} in a migration of its own, outside a transaction`,
      edits: removalEdits(text, statements, moved),
      steps: [{ name: stepName(stmt), up: sql, ...(down ? { down } : {}), nonTransactional: true }, ...following.steps],
      phases: [
        {
          name: stmt.kind === 'IndexStmt' ? 'build' : 'expand',
          step: 0,
          summary: `${what} runs on its own outside a transaction, where PostgreSQL allows it.`,
          lock: index ? `${describeLock('ShareUpdateExclusiveLock', relationLabel(index.relation))}, while it waits for older transactions and builds` : lock,
        },
        ...following.phases,
      ],
      notes: [
        ...(dropped.length ? [`Not repeated in the migration that runs outside a transaction (a concurrent operation waits for older transactions by design): ${dropped.join('; ')}.`] : []),
        ...(index ? ['If the concurrent build fails it leaves an INVALID index behind: drop it (DROP INDEX CONCURRENTLY) before running the migration again.'] : []),
        ...following.notes,
      ],
    };
  },
};
