/**
 * Shared by the dry-run tests: fixtures, the PostgreSQL test server (skipped locally when it is not
 * reachable, a failure when CI=true), scratch databases, and a fingerprint of a database that changes
 * whenever anything in its schema, storage or data changes.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Client } from 'pg';
import { redactUrl } from '../../server/src/db/redact';
import type { HistoryFile } from '../../server/src/db/plan';
import type { DryRunReport, StatementReport } from '../../server/src/db/report';
import { EXPECTED, type Expected } from './expectations';

export const FIXTURES = join(__dirname, 'fixtures');

export function fixture(...path: string[]): string {
  return readFileSync(join(FIXTURES, ...path), 'utf8');
}

export function history(): HistoryFile[] {
  return readdirSync(join(FIXTURES, 'history'))
    .sort()
    .map((name) => ({ name: `history/${name}`, text: fixture('history', name) }));
}

export const MIGRATIONS = readdirSync(join(FIXTURES, 'migrations')).sort();

export const SERVER_URL = process.env.SAFE_MIGRATIONS_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function serverProblem(): Promise<string | undefined> {
  const client = new Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String((error as { code?: string }).code);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * True when the server answers. Otherwise the test is skipped with a clear message, except under
 * CI=true, where an unreachable server is a failure: CI must never skip the server tests.
 */
export async function requireServer(t: TestContext): Promise<boolean> {
  const problem = await serverProblem();
  if (!problem) return true;
  const where = `PostgreSQL test server at ${redactUrl(SERVER_URL)} is unreachable (${problem})`;
  if (process.env.CI === 'true') assert.fail(`${where}; CI=true, so the server tests fail instead of skipping`);
  t.skip(`${where}: skipping the server tests locally (start it, or set SAFE_MIGRATIONS_TEST_PG_URL)`);
  return false;
}

export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function urlFor(database: string, base = SERVER_URL): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A new database for this test run, with the fixture history applied; `drop()` removes it. */
export async function scratchDatabase(label: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `sm_dryrun_${label}_${process.pid}_${Date.now().toString(36)}`;
  await withClient(SERVER_URL, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = urlFor(name);
  await withClient(url, async (c) => {
    for (const file of history()) await c.query(file.text);
  });
  return {
    url,
    name,
    drop: () => withClient(SERVER_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * Everything a dry run must leave as it was: relations with their OIDs and files (a rewrite changes
 * relfilenode), columns, constraints with their validation state, index definitions, enum labels,
 * and a checksum of every user table's rows.
 */
export async function fingerprint(url: string): Promise<string> {
  return withClient(url, async (c) => {
    const catalog = await c.query<{ x: string }>(`
      SELECT format('rel %s.%s %s %s %s', n.nspname, c.relname, c.oid, c.relkind, c.relfilenode) AS x
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
      UNION ALL
      SELECT format('col %s.%s %s %s %s %s', c.relname, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                    pg_get_expr(d.adbin, d.adrelid))
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped
      UNION ALL
      SELECT format('con %s %s %s %s', conname, contype, convalidated, pg_get_constraintdef(oid)) FROM pg_constraint
       WHERE connamespace = 'public'::regnamespace
      UNION ALL
      SELECT format('idx %s', pg_get_indexdef(indexrelid)) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE c.relnamespace = 'public'::regnamespace
      UNION ALL
      SELECT format('enum %s %s', enumtypid::regtype, enumlabel) FROM pg_enum
      ORDER BY 1`);
    const tables = await c.query<{ t: string }>(`SELECT format('%I.%I', schemaname, relname) AS t FROM pg_stat_user_tables ORDER BY 1`);
    const data: string[] = [];
    for (const { t } of tables.rows) {
      const sum = await c.query<{ md5: string; n: string }>(`SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) AS md5, count(*) AS n FROM ${t} x`);
      data.push(`data ${t} ${sum.rows[0].n} ${sum.rows[0].md5}`);
    }
    return [...catalog.rows.map((r) => r.x), ...data].join('\n');
  });
}

/** Locks on tables that existed before the migration (what other sessions feel), strongest per table. */
export function existingTableLocks(statement: StatementReport): Record<string, { mode: string; blocks: string[] }> {
  const out: Record<string, { mode: string; blocks: string[] }> = {};
  for (const lock of statement.locks) {
    if (lock.createdHere || lock.kind === 'index' || lock.kind === 'sequence') continue;
    out[lock.relation] = { mode: lock.mode, blocks: lock.blocks };
  }
  return out;
}

/** Checks a report against the fixture's expectation (DRYRUN.md's table). */
export function assertMatches(name: string, report: DryRunReport, engine: 'pglite' | 'postgres'): void {
  const expected: Expected = EXPECTED[name];
  assert.ok(expected, `no expectation for ${name}`);
  assert.equal(report.committed, false);
  assert.equal(report.status, 'ok', `${name}: ${report.verdict}`);
  const [first] = report.statements;
  assert.ok(first, `${name}: no statement traced`);
  assert.equal(first.error, null, `${name}: ${first.error}`);
  assert.deepEqual(existingTableLocks(first), expected.locks, `${name}: locks`);
  if (expected.outside) {
    assert.equal(first.tracedOn, engine === 'pglite' ? 'pglite-copy' : 'not-run', `${name}: traced on`);
    assert.ok(first.locks.every((l) => l.source === 'static'), `${name}: static locks`);
    // Only the embedded engine runs the statement (on its copy); a server cannot without committing.
    assert.deepEqual(first.rewrites, engine === 'pglite' ? expected.rewrites : [], `${name}: rewrites`);
  } else {
    assert.equal(first.tracedOn, 'transaction');
    assert.deepEqual(first.rewrites, expected.rewrites, `${name}: rewrites`);
  }
  for (const table of expected.scanned ?? []) assert.ok(first.scanned.includes(table), `${name}: ${table} scanned (${first.scanned.join(', ')})`);
  if (expected.rows !== undefined) assert.equal(first.rows, expected.rows, `${name}: rows`);
  if (expected.verdict) assert.equal(report.verdict, expected.verdict, `${name}: verdict`);
}
