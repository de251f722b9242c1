/**
 * Transaction control that does not do what the file seems to intend. A BEGIN left open is rolled
 * back when the session ends (the changes silently vanish, or the runner's own COMMIT ends it in a
 * state nobody reviewed); a second BEGIN is ignored with a warning, so the first COMMIT ends both; a
 * COMMIT or ROLLBACK with no BEGIN does nothing. In a file the runner wraps in a transaction, a COMMIT
 * ends the runner's transaction early: the rest of the file runs without one, and a failure leaves the
 * migration half applied and not recorded.
 */
import type { Statement } from '../dialects/postgres/statement';
import { defineRule } from './define';
import { lineOf } from './helpers/held-locks';
import { leadingTokens } from './helpers/keyword-spans';
import { codeTokens } from './helpers/statement-tokens';
import type { TextRange } from '../types';

const OPENS = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START']);
const CLOSES = new Set(['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE']);
const NEEDS_BLOCK = new Set(['TRANS_STMT_SAVEPOINT', 'TRANS_STMT_RELEASE', 'TRANS_STMT_ROLLBACK_TO']);

const CONTROL_WORDS = new Set(['BEGIN', 'START', 'TRANSACTION', 'WORK', 'COMMIT', 'END', 'ROLLBACK', 'ABORT', 'PREPARE', 'SAVEPOINT', 'RELEASE', 'TO']);

/** The statement's leading keywords, without options or names: `BEGIN`, `START TRANSACTION`, `ROLLBACK TO SAVEPOINT`. */
function controlRange(stmt: Statement): TextRange {
  const tokens = codeTokens(stmt);
  let count = 0;
  while (count < tokens.length && tokens[count].isKeyword && CONTROL_WORDS.has(tokens[count].text.toUpperCase())) count++;
  return leadingTokens(stmt, Math.max(1, count));
}

export default defineRule({
  id: 'transaction-nesting',
  meta: {
    category: 'transaction',
    severity: 'warning',
    summary: 'BEGIN without COMMIT, a nested BEGIN, COMMIT without BEGIN, or transaction control in a file the runner wraps in a transaction.',
    messages: {
      unclosed:
        'This BEGIN has no COMMIT before the end of the file: the transaction is rolled back when the session ends, or committed by whatever the runner does next, so what the migration changed is left to chance.',
      nested:
        'BEGIN inside the transaction opened on line {{line}}: PostgreSQL ignores it with a warning ("there is already a transaction in progress"), so the first COMMIT ends both and later statements run outside any transaction.',
      noBegin:
        '{{what}} without an open transaction: PostgreSQL only warns ("there is no transaction in progress"), and the statements before it were already committed one by one.',
      savepointOutside: '{{what}} outside a transaction block fails with SQLSTATE 25P01 and stops the migration.',
      wrappedBegin:
        'The migration runner already wraps this file in a transaction: this {{what}} is ignored with a warning, and the COMMIT that follows ends the runner\'s transaction early.',
      wrappedEnd:
        '{{what}} in a file the migration runner wraps in a transaction ends the runner\'s transaction early: the statements after it run without one, and a failure leaves the migration half applied and not recorded.',
    },
    help: "Let the runner manage the transaction: remove BEGIN/COMMIT from the file, or mark the file as non-transactional in the framework and keep one BEGIN … COMMIT pair.",
    fix: 'none',
  },
  check(ctx) {
    return {
      TransactionStmt(tx, stmt) {
        const kind = tx.kind ?? '';
        const range = controlRange(stmt);
        const what = ctx.file.text.slice(range.start, range.end).toUpperCase().replace(/\s+/g, ' ');
        if (OPENS.has(kind)) {
          if (ctx.transaction.explicit && ctx.transaction.begin) {
            ctx.report({ stmt, range, messageId: 'nested', data: { line: lineOf(ctx, ctx.transaction.begin) } });
          } else if (ctx.transaction.wrapped) {
            ctx.report({ stmt, range, messageId: 'wrappedBegin', data: { what } });
          }
        } else if (CLOSES.has(kind)) {
          if (ctx.transaction.wrapped) ctx.report({ stmt, range, messageId: 'wrappedEnd', data: { what } });
          else if (!ctx.transaction.explicit) ctx.report({ stmt, range, messageId: 'noBegin', data: { what } });
        } else if (NEEDS_BLOCK.has(kind) && !ctx.inTransaction()) {
          ctx.report({ stmt, range, messageId: 'savepointOutside', data: { what } });
        }
      },
      end() {
        // In a wrapped file the nested BEGIN was already reported; its missing COMMIT is the runner's.
        const begin = ctx.transaction.begin;
        if (ctx.transaction.explicit && begin && !ctx.transaction.wrapped) ctx.report({ stmt: begin, range: controlRange(begin), messageId: 'unclosed' });
      },
    };
  },
});

