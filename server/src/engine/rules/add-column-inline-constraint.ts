/**
 * ADD COLUMN with an inline CHECK, UNIQUE, PRIMARY KEY or REFERENCES does the constraint's expensive
 * part in the same ACCESS EXCLUSIVE step as the column: a CHECK is verified by scanning the table, a
 * UNIQUE or PRIMARY KEY builds its index, a REFERENCES also locks the referenced table against writes
 * while the rows are validated. None of these can use the online forms (NOT VALID, CONCURRENTLY).
 */
import type { Constraint } from '@pgsql/types';
import { relationLabel } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import { defineRule } from './define';
import { columnConstraints, columnsAddedToExistingTable, inlineConstraintRange } from './helpers/alter-table-commands';

const RECIPES: Record<string, string> = {
  check: 'ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in a later migration',
  index: 'CREATE UNIQUE INDEX CONCURRENTLY in a migration outside a transaction, then ADD CONSTRAINT … USING INDEX',
  references: 'ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a later migration',
};

function messageFor(c: Constraint): 'check' | 'index' | 'references' | undefined {
  switch (c.contype) {
    case 'CONSTR_CHECK':
      return 'check';
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY':
      return 'index';
    case 'CONSTR_FOREIGN':
      return 'references';
    default:
      return undefined;
  }
}

export default defineRule({
  id: 'add-column-inline-constraint',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'ADD COLUMN with an inline CHECK, UNIQUE, PRIMARY KEY or REFERENCES on an existing table.',
    messages: {
      check: 'The inline CHECK on new column {{column}} is verified by scanning all of {{table}} while holding an {{lock}}.',
      index: 'The inline {{kind}} on new column {{column}} builds its index on {{table}} while holding an {{lock}}, for the whole build.',
      references:
        'The inline REFERENCES on new column {{column}} takes an {{lock}}, plus a {{referencedLock}}, while it scans {{table}} to validate the rows.',
    },
    help: 'Add {{column}} without the constraint, then add the constraint on its own: {{recipe}}.',
    fix: 'suggestion',
  },
  check(ctx) {
    return {
      AlterTableStmt(alter, stmt) {
        const table = relationLabel(alter.relation);
        for (const { def, command } of columnsAddedToExistingTable(ctx, alter, stmt)) {
          for (const constraint of columnConstraints(def)) {
            const messageId = messageFor(constraint);
            if (!messageId) continue;
            const referenced = relationLabel(constraint.pktable);
            ctx.report({
              stmt,
              range: inlineConstraintRange(stmt, def, constraint, command.range()),
              messageId,
              data: {
                column: def.colname ?? '?',
                table,
                kind: constraint.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE',
                lock: describeLock('AccessExclusiveLock', table),
                referencedLock: describeLock('ShareRowExclusiveLock', referenced),
                recipe: RECIPES[messageId],
              },
            });
          }
        }
      },
    };
  },
});
