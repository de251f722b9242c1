import concurrentlyInTransaction from '../concurrently-in-transaction';
import type { Rule } from '../define';
import exclusiveLockHeld from '../exclusive-lock-held';
import lockTimeout from '../lock-timeout';
import mixedDdlDml from '../mixed-ddl-dml';
import multipleAlterTable from '../multiple-alter-table';
import statementTimeout from '../statement-timeout';
import transactionNesting from '../transaction-nesting';
import unbatchedBackfill from '../unbatched-backfill';

/** Transactions and timeouts: what runs in which transaction, for how long, holding which locks. */
export const TRANSACTIONS_RULES: Rule[] = [
  concurrentlyInTransaction,
  lockTimeout,
  statementTimeout,
  exclusiveLockHeld,
  multipleAlterTable,
  transactionNesting,
  unbatchedBackfill,
  mixedDdlDml,
];
