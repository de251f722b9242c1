/**
 * Statements PostgreSQL refuses to run inside a transaction block. The dry run cannot observe their
 * locks (there is no transaction to hold them while pg_locks is read), so their lock modes come from
 * the engine's static statement → lock table (PostgreSQL's documented levels); the embedded engine
 * runs them on a throw-away copy to see whether they succeed, how long they take and what they rewrite.
 */
import type { Node } from '@pgsql/types';
import type { Statement } from '../engine/dialects/postgres/statement';
import type { LockMode } from '../engine/locks/modes';
import { statementLocks } from '../engine/locks/statement-locks';

export interface StaticLockTarget {
  /** The name as written: `['users']` or `['audit', 'events']`; empty for `every`. */
  names: string[];
  /** `relation`: the named relation; `index`: the named index and its table; `every`: all tables (`label`). */
  of: 'relation' | 'index' | 'every';
  mode: LockMode;
  label?: string;
}

export interface NonTransactional {
  /** Why it cannot run in the dry run's transaction. */
  reason: string;
  locks: StaticLockTarget[];
  /**
   * The same change as it would run inside a transaction (CONCURRENTLY removed), so that the embedded
   * engine can apply its effect for the statements that follow; undefined when the statement leaves
   * nothing later statements could depend on (VACUUM, REINDEX, databases, settings).
   */
  inTransaction?: string;
}

/** Statements whose effect is outside the database's schema: no table locks, nothing later depends on. */
const OUTSIDE_SCHEMA: Record<string, string> = {
  CreatedbStmt: 'CREATE DATABASE',
  DropdbStmt: 'DROP DATABASE',
  AlterSystemStmt: 'ALTER SYSTEM',
  CreateTableSpaceStmt: 'CREATE TABLESPACE',
  DropTableSpaceStmt: 'DROP TABLESPACE',
  CreateSubscriptionStmt: 'CREATE SUBSCRIPTION',
  DropSubscriptionStmt: 'DROP SUBSCRIPTION',
  AlterSubscriptionStmt: 'ALTER SUBSCRIPTION',
};

const hasDefElem = (params: Node[] | undefined, name: string): boolean =>
  (params ?? []).some((p) => (p as { DefElem?: { defname?: string } }).DefElem?.defname === name);

/** What the statement is, when it cannot run in a transaction block; undefined otherwise. */
function label(stmt: Statement): { what: string; keepsEffect: boolean; every?: string } | undefined {
  const outside = OUTSIDE_SCHEMA[stmt.kind];
  if (outside) return { what: outside, keepsEffect: false };
  if (stmt.as('IndexStmt')?.concurrent) return { what: 'CREATE INDEX CONCURRENTLY', keepsEffect: true };
  const drop = stmt.as('DropStmt');
  if (drop?.concurrent && drop.removeType === 'OBJECT_INDEX') return { what: 'DROP INDEX CONCURRENTLY', keepsEffect: true };
  const reindex = stmt.as('ReindexStmt');
  if (reindex) {
    const concurrent = hasDefElem(reindex.params, 'concurrently');
    const scope = { REINDEX_OBJECT_SCHEMA: 'SCHEMA', REINDEX_OBJECT_DATABASE: 'DATABASE', REINDEX_OBJECT_SYSTEM: 'SYSTEM' }[reindex.kind as string];
    if (!concurrent && !scope) return undefined;
    const every = scope === 'SCHEMA' ? `every table in schema ${reindex.name ?? '?'}` : scope ? 'every table' : undefined;
    return { what: `REINDEX${scope ? ` ${scope}` : ''}${concurrent ? ' CONCURRENTLY' : ''}`, keepsEffect: false, every };
  }
  const alter = stmt.as('AlterTableStmt');
  const detaches = (alter?.cmds ?? []).some((c) => {
    const cmd = (c as { AlterTableCmd?: { subtype?: string; def?: { PartitionCmd?: { concurrent?: boolean } } } }).AlterTableCmd;
    return cmd?.subtype === 'AT_DetachPartition' && cmd.def?.PartitionCmd?.concurrent;
  });
  if (detaches) return { what: 'DETACH PARTITION … CONCURRENTLY', keepsEffect: true };
  const vacuum = stmt.as('VacuumStmt');
  if (vacuum?.is_vacuumcmd) {
    const full = hasDefElem(vacuum.options, 'full');
    return { what: `VACUUM${full ? ' FULL' : ''}`, keepsEffect: false, every: vacuum.rels?.length ? undefined : 'every table' };
  }
  return undefined;
}

export function nonTransactional(stmt: Statement): NonTransactional | undefined {
  const found = label(stmt);
  if (!found) return undefined;
  const locks: StaticLockTarget[] = statementLocks(stmt.node).map((lock) => ({
    names: lock.label.split('.'),
    of: lock.kind === 'index' ? 'index' : 'relation',
    mode: lock.mode,
  }));
  if (found.every) {
    const mode: LockMode = found.what.includes('CONCURRENTLY') || found.what === 'VACUUM' ? 'ShareUpdateExclusiveLock' : found.what === 'VACUUM FULL' ? 'AccessExclusiveLock' : 'ShareLock';
    locks.push({ names: [], of: 'every', mode, label: found.every });
  }
  const result: NonTransactional = { reason: `${found.what} cannot run inside a transaction block`, locks };
  if (found.keepsEffect) {
    const sql = withoutConcurrently(stmt);
    if (sql) result.inTransaction = sql;
  }
  return result;
}

/** The statement's text with its CONCURRENTLY keyword removed (token-exact, so comments and quotes are safe). */
function withoutConcurrently(stmt: Statement): string | undefined {
  const token = stmt.tokens().find((t) => t.isKeyword && t.name === 'CONCURRENTLY');
  if (!token) return undefined;
  const sql = stmt.text;
  const from = token.start - stmt.range.start;
  const to = token.end - stmt.range.start;
  return `${sql.slice(0, from)}${sql.slice(to)}`;
}
