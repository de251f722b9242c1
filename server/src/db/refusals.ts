/**
 * Statements a dry run must refuse before running anything: they would end the dry run's transaction
 * (so that what follows really commits), need input the dry run cannot give, or have effects outside
 * the database that a rollback does not undo.
 */
import type { CopyStmt, TransactionStmt } from '@pgsql/types';
import { COPY_DATA, PSQL_META, SYNTAX_ERROR, type Statement } from '../engine/dialects/postgres/statement';
import { funcName, walk } from '../engine/dialects/postgres/ast';

const WRAP = 'the dry run runs the file in one transaction of its own and rolls it back; remove transaction control from the file to dry-run it';

const TRANSACTION: Record<string, string> = {
  TRANS_STMT_BEGIN: `BEGIN cannot be dry-run: ${WRAP}`,
  TRANS_STMT_START: `START TRANSACTION cannot be dry-run: ${WRAP}`,
  TRANS_STMT_COMMIT: `COMMIT would really commit: ${WRAP}`,
  TRANS_STMT_ROLLBACK: `ROLLBACK would end the dry run's transaction, so that the statements after it would commit: ${WRAP}`,
  TRANS_STMT_SAVEPOINT: `SAVEPOINT cannot be dry-run (a savepoint does not protect against a later COMMIT): ${WRAP}`,
  TRANS_STMT_RELEASE: `RELEASE SAVEPOINT cannot be dry-run: ${WRAP}`,
  TRANS_STMT_ROLLBACK_TO: `ROLLBACK TO SAVEPOINT cannot be dry-run: ${WRAP}`,
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION would keep the transaction after the dry run ends',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED would really commit a prepared transaction',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED would end a prepared transaction',
};

/** Functions that run SQL on another connection, which commits on its own. */
const OTHER_CONNECTION = new Set(['dblink', 'dblink_exec', 'dblink_send_query', 'dblink_open', 'pg_background_launch']);

/** Why the statement cannot be dry-run, or undefined when it can. */
export function refusal(stmt: Statement): string | undefined {
  if (stmt.kind === PSQL_META) {
    const command = stmt.text.split(/\s/, 1)[0];
    return `psql meta-command ${command}: only psql understands it, so the file cannot be dry-run as SQL; remove it or dry-run the SQL alone`;
  }
  if (stmt.kind === COPY_DATA) return undefined; // reported with its COPY … FROM stdin
  if (stmt.kind === SYNTAX_ERROR) return `syntax error: ${stmt.error?.message ?? 'the statement does not parse'}`;
  const tx = stmt.as('TransactionStmt');
  if (tx) return TRANSACTION[(tx as TransactionStmt).kind ?? ''] ?? `transaction control cannot be dry-run: ${WRAP}`;
  const copy = stmt.as('CopyStmt');
  if (copy) return copyRefusal(copy);
  let other: string | undefined;
  walk(stmt.node, (kind, payload) => {
    if (other || kind !== 'FuncCall') return;
    const name = funcName((payload as { funcname?: never[] }).funcname);
    if (OTHER_CONNECTION.has(name)) other = `${name}() runs SQL on another connection, which commits on its own and is not rolled back`;
  });
  return other;
}

function copyRefusal(copy: CopyStmt): string | undefined {
  if (copy.is_program) return 'COPY … PROGRAM runs a command on the database server, which a rollback does not undo';
  if (copy.is_from && !copy.filename) return 'COPY … FROM STDIN needs data sent by the client (psql), which a dry run cannot send';
  if (!copy.is_from && copy.filename) return 'COPY … TO a server file writes that file, which a rollback does not undo';
  if (!copy.is_from) return 'COPY … TO STDOUT sends data to the client and changes nothing to dry-run';
  return undefined;
}
