/**
 * An UPDATE or DELETE that sweeps a whole existing table in one statement holds a row lock on every
 * row it changes until it commits (blocking the application's writes to those rows), writes the whole
 * table to WAL at once (replicas fall behind), and leaves every old row version for vacuum. With DDL
 * in the same transaction the DDL's ACCESS EXCLUSIVE lock is held for the whole backfill as well.
 */
import type { Node, RangeVar } from '@pgsql/types';
import { relationLabel } from '../dialects/postgres/ast';
import type { Statement } from '../dialects/postgres/statement';
import { defineRule } from './define';
import { HeldExclusiveLocks, lineOf } from './helpers/held-locks';
import { lockSiteRange } from './helpers/keyword-spans';
import { rowFilter } from './helpers/row-filter';

export default defineRule({
  id: 'unbatched-backfill',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'UPDATE or DELETE of a whole existing table in one statement instead of in key-range batches.',
    messages: {
      noWhere:
        '{{verb}} without WHERE changes every row of {{table}} in one statement: each changed row stays locked against other writers until commit, and the whole table goes to WAL and to vacuum at once.{{held}}',
      notKeyRange:
        '{{verb}} of {{table}} with a WHERE that is not a key range can match most of the table in one statement: each changed row stays locked against other writers until commit, and all of it goes to WAL and to vacuum at once.{{held}}',
    },
    help: 'Backfill in batches by primary key (`WHERE id >= $1 AND id < $2`, or `WHERE id IN (SELECT id … LIMIT 1000)`), each batch committed on its own, outside the DDL migration.',
    fix: 'suggestion',
  },
  check(ctx) {
    const held = new HeldExclusiveLocks();
    const checkWrite = (verb: string, relation: RangeVar | undefined, where: Node | undefined, stmt: Statement) => {
      if (!relation || ctx.isNewTable(relation)) return;
      const filter = rowFilter(where);
      if (filter === 'bounded') return;
      const holders = ctx.inTransaction() ? held.list() : [];
      const heldNote = holders.length
        ? ` The ACCESS EXCLUSIVE lock taken on line ${lineOf(ctx, holders[0].stmt)} (${holders.map((h) => h.label).join(', ')}) is held for the whole backfill, blocking all reads and writes of it.`
        : '';
      ctx.report({
        stmt,
        range: lockSiteRange(stmt, relation.location),
        messageId: filter === 'all' ? 'noWhere' : 'notKeyRange',
        data: { verb, table: relationLabel(relation), held: heldNote },
      });
    };
    return {
      UpdateStmt(update, stmt) {
        checkWrite('UPDATE', update.relation, update.whereClause, stmt);
      },
      DeleteStmt(del, stmt) {
        checkWrite('DELETE', del.relation, del.whereClause, stmt);
      },
      any(stmt) {
        held.observe(ctx, stmt);
      },
    };
  },
});
