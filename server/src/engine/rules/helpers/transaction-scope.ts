/**
 * Which transaction a statement runs in, as a value that can be compared between statements: the
 * explicit BEGIN that opened it, or the runner's transaction around the whole file.
 */
import type { Statement } from '../../dialects/postgres/statement';
import type { RuleContext } from '../define';

export type TransactionScope = Statement | 'runner';

/** The transaction the statement being visited runs in, or undefined outside any transaction. */
export function currentTransaction(ctx: RuleContext): TransactionScope | undefined {
  if (ctx.transaction.explicit) return ctx.transaction.begin ?? 'runner';
  return ctx.transaction.wrapped ? 'runner' : undefined;
}
