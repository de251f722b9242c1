/**
 * ADD CONSTRAINT … UNIQUE builds its index under ACCESS EXCLUSIVE. Instead: build the unique index
 * CONCURRENTLY in a non-transactional migration, then attach it with ADD CONSTRAINT … UNIQUE USING
 * INDEX, a catalog update under a brief lock.
 */
import type { Constraint } from '@pgsql/types';
import { relationLabel, stringList } from '../../dialects/postgres/ast';
import { describeLock } from '../../locks/modes';
import type { Generator } from '../generator';
import { commandAt, generatedName, quoteIdent, relationSql, removeStatement, siblingSql } from '../sql';

export const addUniqueConstraint: Generator = {
  rule: 'add-unique-constraint',
  draft({ stmt, finding, text }) {
    const alter = stmt.as('AlterTableStmt');
    const found = commandAt(stmt, finding.range);
    const constraint = (found?.cmd.def as { Constraint?: Constraint } | undefined)?.Constraint;
    if (!alter?.relation?.relname || !found || found.count > 1 || !constraint || constraint.contype !== 'CONSTR_UNIQUE' || constraint.indexname) return null;
    // Options the index and USING INDEX would have to carry over are left to a person.
    if (constraint.deferrable || constraint.including?.length || constraint.options?.length || constraint.nulls_not_distinct || constraint.where_clause) return null;
    const columns = stringList(constraint.keys);
    if (!columns.length) return null;
    const name = constraint.conname ?? generatedName(alter.relation.relname, ...columns, 'key');
    const rel = relationSql(alter.relation);
    const table = relationLabel(alter.relation);
    const list = columns.map(quoteIdent).join(', ');
    return {
      title: `Build the unique index ${name} concurrently, then attach it with ADD CONSTRAINT … UNIQUE USING INDEX`,
      edits: [removeStatement(text, stmt)],
      steps: [
        {
          name: `create unique index ${name} concurrently`,
          up: `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(name)} ON ${rel} (${list});`,
          down: `DROP INDEX CONCURRENTLY IF EXISTS ${siblingSql(alter.relation, name)};`,
          nonTransactional: true,
        },
        {
          name: `add unique constraint ${name}`,
          up: `ALTER TABLE ${rel} ADD CONSTRAINT ${quoteIdent(name)} UNIQUE USING INDEX ${quoteIdent(name)};`,
          down: `ALTER TABLE ${rel} DROP CONSTRAINT ${quoteIdent(name)};`,
          nonTransactional: false,
        },
      ],
      phases: [
        { name: 'build', step: 0, summary: `CREATE UNIQUE INDEX CONCURRENTLY ${name} while reads and writes go on.`, lock: describeLock('ShareUpdateExclusiveLock', table) },
        { name: 'constrain', step: 1, summary: `ADD CONSTRAINT ${name} UNIQUE USING INDEX: the index becomes the constraint, no build.`, lock: `${describeLock('AccessExclusiveLock', table)}, for a moment` },
      ],
      notes: ['If the concurrent build fails (duplicates exist) it leaves an INVALID index: remove the duplicates, drop the index, run it again.'],
    };
  },
};
