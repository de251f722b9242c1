/**
 * What the dry run decides before touching any database: which statements it refuses, which cannot
 * run in a transaction (and what runs instead), how a history is split for replay, how passwords are
 * kept out of text, and the one-line verdict.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { planHistory, planMigration } from '../../server/src/db/plan';
import { Redactor, redactUrl } from '../../server/src/db/redact';
import type { DryRunReport, LockReport, StatementReport } from '../../server/src/db/report';
import { verdictOf } from '../../server/src/db/verdict';

before(() => loadPostgresParser());

describe('refusals', () => {
  const refusedLines = (sql: string) => planMigration(sql).refused.map((r) => r.line);

  test('transaction control of every spelling is refused with its line', () => {
    const sql = ['BEGIN;', 'START TRANSACTION;', 'SAVEPOINT a;', 'RELEASE SAVEPOINT a;', 'ROLLBACK TO SAVEPOINT a;', 'END;', 'ABORT;', 'COMMIT;', "PREPARE TRANSACTION 'x';", 'ROLLBACK;'].join('\n');
    assert.deepEqual(refusedLines(sql), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test('COPY FROM STDIN with its data, COPY PROGRAM and COPY TO a server file are refused; the data block is not a second refusal', () => {
    const sql = 'COPY users FROM stdin;\n1\tx\n\\.\nCOPY users FROM PROGRAM \'cat /etc/passwd\';\nCOPY users TO \'/tmp/out\';\nCOPY users FROM \'/tmp/in.csv\';';
    const plan = planMigration(sql);
    assert.deepEqual(plan.refused.map((r) => r.line), [1, 4, 5]);
    assert.match(plan.refused[0].reason, /FROM STDIN/);
    assert.match(plan.refused[1].reason, /PROGRAM runs a command/);
    assert.deepEqual(plan.steps.map((s) => s.line), [6]);
  });

  test('psql meta-commands, syntax errors and SQL run through another connection are refused', () => {
    const plan = planMigration("\\i other.sql\nALTER TABLE t ADD COLUMN;\nSELECT dblink_exec('conn', 'DROP TABLE t');");
    assert.deepEqual(plan.refused.map((r) => r.line), [1, 2, 3]);
    assert.match(plan.refused[0].reason, /psql meta-command \\i/);
    assert.match(plan.refused[1].reason, /^syntax error/);
    assert.match(plan.refused[2].reason, /dblink_exec\(\) runs SQL on another connection/);
  });

  test('ordinary migrations, DO blocks and functions with COMMIT in their body are not refused', () => {
    // Inside the dry run's transaction block PostgreSQL itself rejects a COMMIT from PL/pgSQL.
    const plan = planMigration('ALTER TABLE t ADD COLUMN a int;\nDO $$ BEGIN COMMIT; END $$;\nCREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ SELECT 1 $$;');
    assert.deepEqual(plan.refused, []);
    assert.equal(plan.steps.length, 3);
  });
});

describe('statements that cannot run in a transaction', () => {
  test('CONCURRENTLY statements keep their effect in the transaction without the keyword', () => {
    const plan = planMigration(
      'CREATE INDEX /* CONCURRENTLY in a comment */ CONCURRENTLY i ON t (a);\nDROP INDEX CONCURRENTLY IF EXISTS audit.j;\nALTER TABLE p DETACH PARTITION p1 CONCURRENTLY;',
    );
    const [create, drop, detach] = plan.steps;
    assert.equal(create.nonTransactional?.inTransaction, 'CREATE INDEX /* CONCURRENTLY in a comment */  i ON t (a)');
    assert.deepEqual(create.nonTransactional?.locks, [{ names: ['t'], of: 'relation', mode: 'ShareUpdateExclusiveLock' }]);
    assert.equal(drop.nonTransactional?.inTransaction, 'DROP INDEX  IF EXISTS audit.j');
    assert.deepEqual(drop.nonTransactional?.locks, [{ names: ['audit', 'j'], of: 'index', mode: 'ShareUpdateExclusiveLock' }]);
    assert.equal(detach.nonTransactional?.inTransaction, 'ALTER TABLE p DETACH PARTITION p1 ');
    assert.deepEqual(detach.nonTransactional?.locks.map((l) => [l.names.join('.'), l.mode]), [
      ['p', 'ShareUpdateExclusiveLock'],
      ['p1', 'ShareUpdateExclusiveLock'],
    ]);
  });

  test('VACUUM, REINDEX, databases and settings are traced outside but leave nothing to apply', () => {
    const plan = planMigration('VACUUM;\nVACUUM FULL t;\nREINDEX TABLE CONCURRENTLY t;\nREINDEX SCHEMA app;\nCREATE DATABASE x;\nALTER SYSTEM SET work_mem = 1;');
    assert.ok(plan.steps.every((s) => s.nonTransactional && s.nonTransactional.inTransaction === undefined));
    const [vacuum, full, reindex, schema, db] = plan.steps.map((s) => s.nonTransactional!);
    assert.deepEqual(vacuum.locks, [{ names: [], of: 'every', mode: 'ShareUpdateExclusiveLock', label: 'every table' }]);
    assert.deepEqual(full.locks, [{ names: ['t'], of: 'relation', mode: 'AccessExclusiveLock' }]);
    assert.equal(reindex.reason, 'REINDEX CONCURRENTLY cannot run inside a transaction block');
    assert.deepEqual(schema.locks, [{ names: [], of: 'every', mode: 'ShareLock', label: 'every table in schema app' }]);
    assert.deepEqual(db.locks, []);
  });

  test('ANALYZE, plain CREATE INDEX and REINDEX TABLE run in the transaction', () => {
    const plan = planMigration('ANALYZE t;\nCREATE INDEX i ON t (a);\nREINDEX TABLE t;');
    assert.ok(plan.steps.every((s) => s.nonTransactional === undefined));
  });
});

describe('history replay plan', () => {
  test('transaction control is dropped, psql commands and COPY data are skipped with their line, extensions noted', () => {
    const { files, extensions } = planHistory([
      { name: 'a.sql', text: 'BEGIN;\nCREATE EXTENSION IF NOT EXISTS "uuid-ossp";\nCREATE TABLE t (a int);\nCOMMIT;' },
      { name: 'b.sql', text: '\\connect other\nCOPY t FROM stdin;\n1\n\\.\nCREATE INDEX CONCURRENTLY i ON t (a);' },
    ]);
    assert.deepEqual(extensions, ['uuid-ossp']);
    assert.deepEqual(files[0].statements.map((s) => s.line), [2, 3]);
    assert.deepEqual(files[1].skipped.map((s) => s.line), [1, 2]);
    assert.deepEqual(files[1].statements, [{ line: 5, sql: 'CREATE INDEX CONCURRENTLY i ON t (a)', alone: true }]);
    assert.notEqual(files[0].hash, files[1].hash);
    assert.match(files[0].hash, /^[0-9a-f]{64}$/);
  });
});

describe('redaction', () => {
  const secret = 'p@ss:w/rd%21';
  const url = `postgres://app:${encodeURIComponent(secret)}@db.example.com:5432/prod?sslmode=require`;

  test('URLs are shown without their password', () => {
    assert.equal(redactUrl(url), 'postgres://app:***@db.example.com:5432/prod?sslmode=require');
    assert.equal(redactUrl('postgresql://u:x@h/db?password=other&a=1'), 'postgresql://u:***@h/db?password=***&a=1');
    assert.equal(redactUrl('postgres://u@h/db'), 'postgres://u@h/db');
  });

  test('every form of the password is removed from text and from reports', () => {
    const redactor = new Redactor(url);
    const text = `failed for ${url}; password ${secret}; encoded ${encodeURIComponent(secret)}`;
    const out = redactor.text(text);
    assert.ok(!out.includes(secret) && !out.includes(encodeURIComponent(secret)), out);
    const nested = redactor.value({ a: [`x ${secret}`], b: { c: secret } });
    assert.ok(!JSON.stringify(nested).includes(secret));
    assert.equal(redactor.safeUrl, 'postgres://app:***@db.example.com:5432/prod?sslmode=require');
  });
});

describe('verdict', () => {
  const lock = (relation: string, mode: string, blocks: LockReport['blocks'], createdHere = false): LockReport => ({
    relation,
    mode,
    blocks,
    kind: 'table',
    createdHere,
    source: 'pg_locks',
  });
  const statement = (fields: Partial<StatementReport>): StatementReport => ({
    line: 1,
    sql: '',
    kind: 'AlterTableStmt',
    durationMs: 1,
    rows: null,
    rowsScanned: 0,
    rowsTouched: 0,
    scanned: [],
    locks: [],
    rewrites: [],
    indexRebuilds: [],
    error: null,
    tracedOn: 'transaction',
    ...fields,
  });
  const report = (statements: StatementReport[], status: DryRunReport['status'] = 'ok'): Omit<DryRunReport, 'verdict'> => ({
    engine: 'pglite',
    serverVersion: '18.0',
    file: 'm.sql',
    committed: false,
    status,
    refused: [],
    statements,
    notRun: 0,
    notes: [],
    durationMs: 1,
  });

  test('names what is rewritten and blocked, and ignores tables the migration creates', () => {
    const ael = lock('public.users', 'AccessExclusiveLock', ['reads', 'writes']);
    assert.equal(verdictOf(report([statement({ locks: [ael], rewrites: ['public.users'] })])), 'rewrites users while blocking reads and writes');
    assert.equal(
      verdictOf(report([statement({ locks: [ael, lock('audit.orders', 'ShareRowExclusiveLock', ['writes'])], rewrites: ['public.users'] })])),
      'rewrites users while blocking reads and writes on users and writes on audit.orders',
    );
    const created = lock('public.fresh', 'AccessExclusiveLock', ['reads', 'writes'], true);
    assert.equal(verdictOf(report([statement({ locks: [created], rewrites: ['public.fresh'] })])), 'blocks neither reads nor writes');
  });

  test('says where it failed or that it was refused', () => {
    const failed = statement({ line: 4, error: 'relation "x" does not exist' });
    assert.equal(verdictOf(report([failed], 'failed')), 'failed at line 4: relation "x" does not exist');
    const refused = { ...report([], 'refused'), refused: [{ line: 2, reason: 'COMMIT would really commit' }, { line: 5, reason: 'x' }] };
    assert.equal(verdictOf(refused), 'refused, nothing was run: line 2: COMMIT would really commit (and 1 more)');
  });
});
