/**
 * Some statements refuse to run inside a transaction block (SQLSTATE 25001): the CONCURRENTLY forms
 * because they commit between their phases; VACUUM, CREATE/DROP DATABASE, ALTER SYSTEM, tablespaces and
 * REINDEX of a whole schema because they cannot be rolled back. Inside BEGIN … COMMIT, or in a file
 * the runner wraps in a transaction, the migration fails at that statement.
 */
import type { AlterTableCmd, PartitionCmd } from '@pgsql/types';
import type { Statement } from '../dialects/postgres/statement';
import type { TextRange } from '../types';
import { defineRule } from './define';
import { lineOf } from './helpers/held-locks';
import { keywordSpan, leadingTokens } from './helpers/keyword-spans';

const MANY_TABLES: Partial<Record<string, string>> = { REINDEX_OBJECT_SCHEMA: 'SCHEMA', REINDEX_OBJECT_SYSTEM: 'SYSTEM', REINDEX_OBJECT_DATABASE: 'DATABASE' };

interface Offender {
  /** What the statement is called in the message: `CREATE INDEX CONCURRENTLY`. */
  what: string;
  range: TextRange | undefined;
}

function detachesConcurrently(stmt: Statement): boolean {
  const cmds = stmt.as('AlterTableStmt')?.cmds ?? [];
  return cmds.some((c) => {
    const cmd = (c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd;
    return cmd?.subtype === 'AT_DetachPartition' && (cmd.def as { PartitionCmd?: PartitionCmd } | undefined)?.PartitionCmd?.concurrent === true;
  });
}

/** The statement's offending part, or undefined when it may run in a transaction. */
function offender(stmt: Statement): Offender | undefined {
  const concurrently = (what: string): Offender => ({ what, range: keywordSpan(stmt, 'CONCURRENTLY') });
  switch (stmt.kind) {
    case 'IndexStmt':
      return stmt.as('IndexStmt')!.concurrent ? concurrently('CREATE INDEX CONCURRENTLY') : undefined;
    case 'DropStmt': {
      const drop = stmt.as('DropStmt')!;
      return drop.concurrent && drop.removeType === 'OBJECT_INDEX' ? concurrently('DROP INDEX CONCURRENTLY') : undefined;
    }
    case 'ReindexStmt': {
      const reindex = stmt.as('ReindexStmt')!;
      const isConcurrent = (reindex.params ?? []).some((d) => (d as { DefElem?: { defname?: string } }).DefElem?.defname === 'concurrently');
      // REINDEX SCHEMA, SYSTEM and DATABASE never run in a transaction block, CONCURRENTLY or not.
      const many = MANY_TABLES[reindex.kind ?? ''];
      if (many) return { what: `REINDEX ${many}`, range: keywordSpan(stmt, many) };
      return isConcurrent ? concurrently('REINDEX CONCURRENTLY') : undefined;
    }
    case 'AlterTableStmt':
      return detachesConcurrently(stmt) ? { what: 'DETACH PARTITION … CONCURRENTLY', range: keywordSpan(stmt, 'CONCURRENTLY', 'DETACH') } : undefined;
    case 'VacuumStmt':
      // ANALYZE on its own may run in a transaction; VACUUM may not.
      return stmt.as('VacuumStmt')!.is_vacuumcmd ? { what: 'VACUUM', range: leadingTokens(stmt, 1) } : undefined;
    case 'CreatedbStmt':
      return { what: 'CREATE DATABASE', range: leadingTokens(stmt, 2) };
    case 'DropdbStmt':
      return { what: 'DROP DATABASE', range: leadingTokens(stmt, 2) };
    case 'AlterSystemStmt':
      return { what: 'ALTER SYSTEM', range: leadingTokens(stmt, 2) };
    case 'CreateTableSpaceStmt':
      return { what: 'CREATE TABLESPACE', range: leadingTokens(stmt, 2) };
    case 'DropTableSpaceStmt':
      return { what: 'DROP TABLESPACE', range: leadingTokens(stmt, 2) };
    default:
      return undefined;
  }
}

export default defineRule({
  id: 'concurrently-in-transaction',
  meta: {
    category: 'transaction',
    severity: 'error',
    summary: 'CONCURRENTLY, VACUUM, CREATE/DROP DATABASE and ALTER SYSTEM fail inside a transaction block.',
    messages: {
      explicit:
        '{{what}} cannot run inside a transaction block: the BEGIN on line {{line}} makes this statement fail with "cannot run inside a transaction block" (SQLSTATE 25001) and the whole migration roll back.',
      wrapped:
        '{{what}} cannot run inside a transaction block, and the migration runner wraps this file in one: the statement fails with SQLSTATE 25001 and the whole migration rolls back.',
    },
    help: "Move the statement to a migration of its own that runs outside a transaction (the framework's no-transaction marker, e.g. `-- +goose NO TRANSACTION`, `-- migrate:up transaction:false`, `runInTransaction:false`).",
    fix: 'suggestion',
  },
  check(ctx) {
    return {
      any(stmt) {
        if (!ctx.inTransaction()) return;
        const found = offender(stmt);
        if (!found) return;
        const range = found.range ?? leadingTokens(stmt, 2);
        if (ctx.transaction.explicit && ctx.transaction.begin) {
          ctx.report({ stmt, range, messageId: 'explicit', data: { what: found.what, line: lineOf(ctx, ctx.transaction.begin) } });
        } else {
          ctx.report({ stmt, range, messageId: 'wrapped', data: { what: found.what } });
        }
      },
    };
  },
});
