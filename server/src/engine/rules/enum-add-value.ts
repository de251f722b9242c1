/**
 * ALTER TYPE … ADD VALUE inside a transaction fails before PostgreSQL 12 (unless the type was created
 * in the same transaction). From 12 it is allowed, but the new value cannot be used until the
 * transaction commits: a later statement of the same transaction that uses it fails with "unsafe use
 * of new value". PostgreSQL 18 (measured) allows the use when the type itself was created in the same
 * transaction; PostgreSQL 15 (measured) does not.
 */
import type { AlterEnumStmt } from '@pgsql/types';
import { qualifiedKey, stringList, walk } from '../dialects/postgres/ast';
import { tokenRange } from '../dialects/postgres/ranges';
import type { Statement } from '../dialects/postgres/statement';
import type { TextRange } from '../types';
import { defineRule } from './define';
import { currentTransaction, type TransactionScope } from './helpers/transaction-scope';

interface AddedValue {
  type: string;
  value: string;
  scope: TransactionScope;
}

/** `ALTER TYPE mood ADD VALUE 'ok'`: up to the new value's literal, without BEFORE/AFTER. */
function addValueRange(stmt: Statement): TextRange {
  const literal = stmt.tokens().find((t) => t.name === 'SCONST' && t.start < stmt.range.end);
  return { start: stmt.range.start, end: literal ? literal.end : stmt.range.end };
}

export default defineRule({
  id: 'enum-add-value',
  meta: {
    category: 'transaction',
    severity: 'warning',
    summary: 'ALTER TYPE … ADD VALUE fails in a transaction before PostgreSQL 12; from 12 the new value is unusable until commit.',
    messages: {
      inTransactionBefore12:
        'ALTER TYPE {{type}} ADD VALUE cannot run inside a transaction block on PostgreSQL {{version}} (allowed from 12): the migration fails. It takes no table lock.',
      usedBeforeCommit:
        "'{{value}}' was added to enum {{type}} earlier in this transaction and cannot be used until the transaction commits: this statement fails with \"unsafe use of new value\".",
    },
    help: 'Add the enum value in a migration of its own (on PostgreSQL before 12, one that runs outside a transaction), and use it only in later migrations.',
    fix: 'suggestion',
  },
  check(ctx) {
    const added: AddedValue[] = [];
    // Enum types created in this file, with the transaction that created them.
    const created = new Map<string, TransactionScope | undefined>();
    const createdInThisTransaction = (type: string, scope: TransactionScope | undefined) =>
      scope !== undefined && created.has(type) && created.get(type) === scope;

    return {
      CreateEnumStmt(create) {
        created.set(qualifiedKey(stringList(create.typeName)), currentTransaction(ctx));
      },
      AlterEnumStmt(alter: AlterEnumStmt, stmt) {
        if (alter.oldVal !== undefined || alter.newVal === undefined) return; // RENAME VALUE
        const scope = currentTransaction(ctx);
        if (!scope) return;
        const typeKey = qualifiedKey(stringList(alter.typeName));
        const type = stringList(alter.typeName).join('.');
        if (!ctx.atLeast(12)) {
          // Before 12 the server allows it only for a type created in the same transaction.
          if (createdInThisTransaction(typeKey, scope)) return;
          const version = ctx.serverVersion.major;
          ctx.report({ stmt, range: addValueRange(stmt), messageId: 'inTransactionBefore12', data: { type, version } });
          return;
        }
        if (ctx.atLeast(18) && createdInThisTransaction(typeKey, scope)) return;
        added.push({ type, value: alter.newVal, scope });
      },
      any(stmt) {
        const scope = currentTransaction(ctx);
        const live = added.filter((a) => a.scope === scope);
        if (live.length === 0 || stmt.kind === 'AlterEnumStmt') return;
        walk(stmt.node, (kind, payload) => {
          if (kind !== 'A_Const') return;
          const text = (payload as { sval?: { sval?: string } }).sval?.sval;
          const use = text === undefined ? undefined : live.find((a) => a.value === text);
          if (!use) return;
          const location = (payload as { location?: number }).location;
          ctx.report({ stmt, range: tokenRange(stmt, location), messageId: 'usedBeforeCommit', data: { value: use.value, type: use.type } });
        });
      },
    };
  },
});
