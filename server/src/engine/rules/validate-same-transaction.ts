/**
 * ADD CONSTRAINT … NOT VALID exists so that the validating scan can run later under a weak lock. If
 * VALIDATE CONSTRAINT runs in the same transaction, the strong lock the ADD took is still held (locks
 * last until commit), so the scan blocks the table exactly as a plain ADD CONSTRAINT would.
 */
import type { Constraint, Node } from '@pgsql/types';
import { relationKey, relationLabel, stringList, walk } from '../dialects/postgres/ast';
import type { Statement } from '../dialects/postgres/statement';
import { LineIndex } from '../lines';
import { describeLock, type LockMode } from '../locks/modes';
import { defineRule, type RuleContext } from './define';
import { addedConstraint, alterTableCommands } from './helpers/alter-table-commands';

interface PendingConstraint {
  transaction: string;
  line: number;
  lock: LockMode;
}

/** The name PostgreSQL gives an unnamed constraint (ChooseConstraintName), so VALIDATE can refer to it. */
function constraintName(c: Constraint, relname: string): string {
  if (c.conname) return c.conname;
  if (c.contype === 'CONSTR_FOREIGN') return `${relname}_${stringList(c.fk_attrs).join('_')}_fkey`;
  if (c.contype === 'CONSTR_NOTNULL') return `${relname}_${stringList(c.keys)[0]}_not_null`;
  const columns = new Set<string>();
  walk({ expr: c.raw_expr }, (kind, payload) => {
    if (kind !== 'ColumnRef') return;
    const names = stringList(payload.fields as Node[] | undefined);
    if (names.length) columns.add(names[names.length - 1]);
  });
  return columns.size === 1 ? `${relname}_${[...columns][0]}_check` : `${relname}_check`;
}

/**
 * Statements share a transaction when the runner wraps the file and no COMMIT or ROLLBACK came
 * between them (a BEGIN inside a wrapped file changes nothing), when they sit in one explicit BEGIN
 * block, or (in autocommit) when they are the same statement.
 */
function transactionOf(ctx: RuleContext, stmt: Statement, transactionEnds: number): string {
  if (ctx.transaction.wrapped) return `file@${transactionEnds}`;
  if (ctx.transaction.explicit) return `begin@${ctx.transaction.begin?.index ?? -1}`;
  return `statement@${stmt.index}`;
}

const ENDS_TRANSACTION = new Set(['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE']);

export default defineRule({
  id: 'validate-same-transaction',
  meta: {
    category: 'transaction',
    severity: 'warning',
    summary: 'VALIDATE CONSTRAINT in the same transaction as the ADD CONSTRAINT … NOT VALID it validates.',
    messages: {
      sameTransaction:
        'VALIDATE CONSTRAINT {{constraint}} runs in the same transaction as its ADD … NOT VALID (line {{line}}), so the validating scan of {{table}} runs while the transaction still holds the {{lock}}; NOT VALID gains nothing.',
    },
    help: 'Let the ADD … NOT VALID commit first: move VALIDATE CONSTRAINT {{constraint}} to a migration of its own, where it takes only a SHARE UPDATE EXCLUSIVE lock (reads and writes continue).',
    fix: 'suggestion',
  },
  check(ctx) {
    const pending = new Map<string, PendingConstraint>();
    let transactionEnds = 0;
    let lines: LineIndex | undefined;
    const lineOf = (offset: number) => (lines ??= new LineIndex(ctx.file.text)).position(offset).line + 1;
    return {
      TransactionStmt(tx) {
        if (tx.kind && ENDS_TRANSACTION.has(tx.kind)) transactionEnds++;
      },
      AlterTableStmt(alter, stmt) {
        if (ctx.isNewTable(alter.relation)) return;
        const tableKey = relationKey(alter.relation);
        const table = relationLabel(alter.relation);
        const transaction = transactionOf(ctx, stmt, transactionEnds);
        for (const { cmd, range } of alterTableCommands(alter, stmt)) {
          const constraint = addedConstraint(cmd);
          if (constraint?.skip_validation) {
            const name = constraintName(constraint, alter.relation?.relname ?? '');
            const lock = constraint.contype === 'CONSTR_FOREIGN' ? 'ShareRowExclusiveLock' : 'AccessExclusiveLock';
            pending.set(`${tableKey}|${name}`, { transaction, line: lineOf(stmt.range.start), lock });
          } else if (cmd.subtype === 'AT_ValidateConstraint' && cmd.name) {
            const added = pending.get(`${tableKey}|${cmd.name}`);
            if (!added || added.transaction !== transaction) continue;
            ctx.report({
              stmt,
              range: range(),
              messageId: 'sameTransaction',
              data: { constraint: cmd.name, line: added.line, table, lock: describeLock(added.lock, table) },
            });
          }
        }
      },
    };
  },
});
