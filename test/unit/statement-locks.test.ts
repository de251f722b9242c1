/**
 * The static lock table against PostgreSQL's documented lock levels, as observed in pg_locks on
 * PostgreSQL 15 and 18 (strongest mode per relation; relations the statement creates are not listed).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPostgresParser, parseFile } from '../../server/src/engine/index';
import { statementLocks, strongestMode, type LockContext } from '../../server/src/engine/locks/statement-locks';
import { SchemaModel } from '../../server/src/engine/schema/model';
import { schemaLockContext } from '../../server/src/engine/rules/helpers/relation-locks';

const AE = 'AccessExclusiveLock';
const EX = 'ExclusiveLock';
const SRE = 'ShareRowExclusiveLock';
const SH = 'ShareLock';
const SUE = 'ShareUpdateExclusiveLock';
const RE = 'RowExclusiveLock';
const RS = 'RowShareLock';
const AS = 'AccessShareLock';

/** `{ 'public.users': 'AccessExclusiveLock' }` for one statement. */
function locksOf(sql: string, context?: LockContext): Record<string, string> {
  const [stmt] = parseFile(sql).statements;
  assert.ok(stmt?.node, `does not parse: ${sql}`);
  return Object.fromEntries(statementLocks(stmt.node, context).map((l) => [l.key, l.mode]));
}

const CASES: [string, Record<string, string>][] = [
  // ALTER TABLE: the strongest lock of its subcommands
  ['ALTER TABLE users ADD COLUMN x int', { 'public.users': AE }],
  ['ALTER TABLE users ADD COLUMN x int REFERENCES orgs (id)', { 'public.users': AE, 'public.orgs': SRE }],
  ['ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id)', { 'public.users': SRE, 'public.orgs': SRE }],
  ['ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID', { 'public.users': SRE, 'public.orgs': SRE }],
  ['ALTER TABLE users VALIDATE CONSTRAINT users_email_check', { 'public.users': SUE }],
  ['ALTER TABLE users ADD CONSTRAINT c CHECK (n > 0) NOT VALID', { 'public.users': AE }],
  ['ALTER TABLE users ADD CONSTRAINT u UNIQUE (email)', { 'public.users': AE }],
  ['ALTER TABLE users ADD CONSTRAINT ex EXCLUDE USING btree (id WITH =)', { 'public.users': AE }],
  ['ALTER TABLE users ALTER COLUMN n SET STATISTICS 100', { 'public.users': SUE }],
  ['ALTER TABLE users ALTER COLUMN n SET (n_distinct = 10)', { 'public.users': SUE }],
  ['ALTER TABLE users SET (fillfactor = 70, autovacuum_enabled = false, toast.autovacuum_enabled = false)', { 'public.users': SUE }],
  ['ALTER TABLE users SET (parallel_workers = 2, toast_tuple_target = 256, vacuum_truncate = false)', { 'public.users': SUE }],
  ['ALTER TABLE users SET (fillfactor = 70, user_catalog_table = true)', { 'public.users': AE }],
  ['ALTER TABLE users RESET (fillfactor)', { 'public.users': SUE }],
  ['ALTER TABLE users CLUSTER ON users_email_idx', { 'public.users': SUE }],
  ['ALTER TABLE users SET WITHOUT CLUSTER', { 'public.users': SUE }],
  ['ALTER TABLE users ENABLE TRIGGER users_trg', { 'public.users': SRE }],
  ['ALTER TABLE users DISABLE TRIGGER ALL', { 'public.users': SRE }],
  ['ALTER TABLE users ALTER COLUMN n SET STATISTICS 5, ALTER COLUMN n SET DEFAULT 1', { 'public.users': AE }],
  ['ALTER TABLE users ALTER COLUMN n SET NOT NULL', { 'public.users': AE }],
  ['ALTER TABLE users ALTER COLUMN n DROP NOT NULL', { 'public.users': AE }],
  ['ALTER TABLE users ALTER COLUMN n TYPE bigint', { 'public.users': AE }],
  ['ALTER TABLE users DROP COLUMN n', { 'public.users': AE }],
  ['ALTER TABLE users OWNER TO app', { 'public.users': AE }],
  ['ALTER TABLE users ENABLE ROW LEVEL SECURITY', { 'public.users': AE }],
  ['ALTER TABLE users REPLICA IDENTITY FULL', { 'public.users': AE }],
  ['ALTER TABLE users SET UNLOGGED', { 'public.users': AE }],
  ['ALTER TABLE users SET TABLESPACE fast', { 'public.users': AE }],
  ['ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM (1) TO (2)', { 'public.events': SUE, 'public.events_2025': AE }],
  ['ALTER TABLE events DETACH PARTITION events_2024', { 'public.events': AE, 'public.events_2024': AE }],
  ['ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY', { 'public.events': SUE, 'public.events_2024': SUE }],
  ['ALTER TABLE events DETACH PARTITION events_2024 FINALIZE', { 'public.events': SUE }],
  ['ALTER TABLE child INHERIT parent', { 'public.child': AE, 'public.parent': SUE }],
  ['ALTER INDEX users_email_idx SET (fillfactor = 70)', { 'public.users_email_idx': SUE }],
  ['ALTER INDEX users_email_idx SET TABLESPACE fast', { 'public.users_email_idx': AE }],
  ['ALTER INDEX parent_idx ATTACH PARTITION part_idx', { 'public.parent_idx': SUE, 'public.part_idx': AE }],
  ['ALTER MATERIALIZED VIEW user_counts SET (autovacuum_enabled = false)', { 'public.user_counts': SUE }],
  ['ALTER VIEW active_users SET (security_barrier = true)', { 'public.active_users': AE }],
  // renames and schema moves
  ['ALTER TABLE users RENAME TO people', { 'public.users': AE }],
  ['ALTER TABLE users RENAME COLUMN n TO m', { 'public.users': AE }],
  ['ALTER TABLE users RENAME CONSTRAINT c TO d', { 'public.users': AE }],
  ['ALTER INDEX users_email_idx RENAME TO e2', { 'public.users_email_idx': SUE }],
  ['ALTER TRIGGER users_trg ON users RENAME TO t2', { 'public.users': AE }],
  ['ALTER TYPE mood RENAME ATTRIBUTE a TO b', {}],
  ['ALTER TABLE app.users SET SCHEMA archive', { 'app.users': AE }],
  // indexes
  ['CREATE INDEX i ON users (n)', { 'public.users': SH }],
  ['CREATE UNIQUE INDEX CONCURRENTLY i ON app.users (n)', { 'app.users': SUE }],
  ['DROP INDEX users_email_idx', { 'public.users_email_idx': AE }],
  ['DROP INDEX CONCURRENTLY users_email_idx', { 'public.users_email_idx': SUE }],
  ['REINDEX TABLE users', { 'public.users': SH }],
  ['REINDEX TABLE CONCURRENTLY users', { 'public.users': SUE }],
  ['REINDEX INDEX users_email_idx', { 'public.users_email_idx': AE }],
  ['REINDEX (CONCURRENTLY) INDEX users_email_idx', { 'public.users_email_idx': SUE }],
  // whole-table operations
  ['DROP TABLE audit, app.logs', { 'public.audit': AE, 'app.logs': AE }],
  ['DROP VIEW active_users', { 'public.active_users': AE }],
  ['DROP MATERIALIZED VIEW user_counts', { 'public.user_counts': AE }],
  ['DROP SEQUENCE s', { 'public.s': AE }],
  ['DROP TRIGGER users_trg ON users', { 'public.users': AE }],
  ['DROP POLICY users_pol ON app.users', { 'app.users': AE }],
  ['DROP RULE orgs_rule ON orgs', { 'public.orgs': AE }],
  ['DROP FUNCTION f()', {}],
  ['TRUNCATE audit, logs', { 'public.audit': AE, 'public.logs': AE }],
  ['VACUUM users', { 'public.users': SUE }],
  ['VACUUM FULL users', { 'public.users': AE }],
  ['VACUUM (FULL, ANALYZE) users', { 'public.users': AE }],
  ['ANALYZE users', { 'public.users': SUE }],
  ['CLUSTER users USING users_email_idx', { 'public.users': AE }],
  ['REFRESH MATERIALIZED VIEW user_counts', { 'public.user_counts': AE }],
  ['REFRESH MATERIALIZED VIEW CONCURRENTLY user_counts', { 'public.user_counts': EX }],
  ['LOCK TABLE audit', { 'public.audit': AE }],
  ['LOCK audit IN SHARE MODE', { 'public.audit': SH }],
  ['LOCK TABLE audit, logs IN ROW EXCLUSIVE MODE', { 'public.audit': RE, 'public.logs': RE }],
  // triggers, policies, rules, statistics, comments, sequences
  ['CREATE TRIGGER t AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION f()', { 'public.users': SRE }],
  ['CREATE CONSTRAINT TRIGGER t AFTER INSERT ON users FROM orgs FOR EACH ROW EXECUTE FUNCTION f()', { 'public.users': SRE, 'public.orgs': AS }],
  ['CREATE POLICY p ON users USING (true)', { 'public.users': AE }],
  ['ALTER POLICY p ON users USING (false)', { 'public.users': AE }],
  ['CREATE RULE r AS ON UPDATE TO audit DO ALSO NOTHING', { 'public.audit': AE }],
  ['CREATE STATISTICS st ON email, n FROM users', { 'public.users': SUE }],
  ["COMMENT ON TABLE users IS 'x'", { 'public.users': SUE }],
  ["COMMENT ON COLUMN app.users.n IS 'x'", { 'app.users': SUE }],
  ["COMMENT ON INDEX users_email_idx IS 'x'", { 'public.users_email_idx': SUE }],
  ["COMMENT ON CONSTRAINT c ON users IS 'x'", { 'public.users': AS }],
  ["COMMENT ON FUNCTION f() IS 'x'", {}],
  ['ALTER SEQUENCE s RESTART', { 'public.s': SRE }],
  ['ALTER SEQUENCE s OWNED BY users.n', { 'public.s': SRE, 'public.users': AS }],
  // CREATE TABLE and views
  ['CREATE TABLE t (id bigint REFERENCES users (id))', { 'public.users': SRE }],
  ['CREATE TABLE t (id bigint, CONSTRAINT fk FOREIGN KEY (id) REFERENCES users (id))', { 'public.users': SRE }],
  ['CREATE TABLE e PARTITION OF events FOR VALUES FROM (1) TO (2)', { 'public.events': AE }],
  ['CREATE TABLE t2 (x int) INHERITS (parent)', { 'public.parent': SUE }],
  ['CREATE TABLE t3 (LIKE users)', { 'public.users': AS }],
  ['CREATE TABLE t4 AS SELECT * FROM users', { 'public.users': AS }],
  ['CREATE MATERIALIZED VIEW mv AS SELECT * FROM users JOIN orgs ON orgs.id = users.org_id', { 'public.users': AS, 'public.orgs': AS }],
  ['CREATE VIEW v AS SELECT id FROM users', { 'public.users': AS }],
  ['CREATE OR REPLACE VIEW active_users AS SELECT * FROM users', { 'public.active_users': AE, 'public.users': AS }],
  // queries
  ['INSERT INTO audit VALUES (1)', { 'public.audit': RE }],
  ['INSERT INTO audit SELECT id FROM users WHERE org_id IN (SELECT id FROM orgs)', { 'public.audit': RE, 'public.users': AS, 'public.orgs': AS }],
  ['UPDATE users SET n = 2 FROM orgs WHERE orgs.id = users.org_id', { 'public.users': RE, 'public.orgs': AS }],
  ['DELETE FROM users USING orgs WHERE orgs.id = users.org_id', { 'public.users': RE, 'public.orgs': AS }],
  ['WITH a AS (SELECT id FROM orgs) DELETE FROM audit WHERE id IN (SELECT id FROM a)', { 'public.audit': RE, 'public.orgs': AS }],
  ['WITH d AS (DELETE FROM audit RETURNING id) INSERT INTO child SELECT id FROM d', { 'public.audit': RE, 'public.child': RE }],
  ['MERGE INTO audit a USING users u ON a.id = u.id WHEN NOT MATCHED THEN INSERT VALUES (u.id)', { 'public.audit': RE, 'public.users': AS }],
  ['SELECT * FROM users', { 'public.users': AS }],
  ['SELECT * FROM users FOR UPDATE', { 'public.users': RS }],
  ['SELECT * FROM users JOIN orgs ON true FOR UPDATE OF users', { 'public.users': RS, 'public.orgs': AS }],
  ["COPY audit FROM '/dev/null'", { 'public.audit': RE }],
  ["COPY audit TO '/dev/null'", { 'public.audit': AS }],
  ["COPY (SELECT * FROM users) TO '/dev/null'", { 'public.users': AS }],
  ['EXPLAIN UPDATE users SET n = 1', { 'public.users': RE }],
  ["SELECT set_config('lock_timeout', '1s', true)", {}],
  ["SET lock_timeout = '2s'", {}],
];

describe('statementLocks', () => {
  before(() => loadPostgresParser());

  for (const [sql, expected] of CASES) {
    it(sql, () => assert.deepEqual(locksOf(sql), expected));
  }

  it('gives the parent of an attached partition ACCESS EXCLUSIVE before PostgreSQL 12', () => {
    const sql = 'ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM (1) TO (2)';
    assert.deepEqual(locksOf(sql, { serverVersion: { major: 11, minor: 0 } }), { 'public.events': AE, 'public.events_2025': AE });
  });

  it('GRANT on a table reads it on PostgreSQL 18 only', () => {
    assert.deepEqual(locksOf('GRANT SELECT ON users, app.t TO reader', { serverVersion: { major: 18, minor: 0 } }), { 'public.users': AS, 'app.t': AS });
    assert.deepEqual(locksOf('GRANT SELECT ON users TO reader', { serverVersion: { major: 15, minor: 0 } }), {});
    assert.deepEqual(locksOf('GRANT SELECT ON ALL TABLES IN SCHEMA app TO reader', { serverVersion: { major: 18, minor: 0 } }), {});
  });

  it('renames an index under ACCESS EXCLUSIVE before PostgreSQL 12', () => {
    assert.deepEqual(locksOf('ALTER INDEX i RENAME TO j', { serverVersion: { major: 11, minor: 0 } }), { 'public.i': AE });
  });

  it('reports each relation once, with its strongest mode, the altered table first', () => {
    const [stmt] = parseFile('ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (boss_id) REFERENCES users (id), ADD COLUMN x int').statements;
    const locks = statementLocks(stmt.node);
    assert.deepEqual(locks.map((l) => [l.key, l.mode, l.label, l.kind]), [['public.users', AE, 'users', 'table']]);
    assert.equal(stmt.text.slice(stmt.offsetOf(locks[0].location)).startsWith('users'), true, 'location points at the name');
  });

  it('labels relations as written and names their kind', () => {
    const [stmt] = parseFile('REFRESH MATERIALIZED VIEW CONCURRENTLY reports.daily').statements;
    assert.deepEqual(statementLocks(stmt.node).map((l) => [l.key, l.label, l.kind]), [['reports.daily', 'reports.daily', 'materialized-view']]);
  });

  describe('with what the schema model knows', () => {
    const history = [
      'CREATE TABLE orgs (id bigint PRIMARY KEY);',
      'CREATE TABLE users (id bigint PRIMARY KEY, org_id bigint, email text, CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id));',
      'CREATE TABLE sessions (id bigint, user_id bigint REFERENCES users (id));',
      'CREATE INDEX users_email_idx ON users (email);',
    ];
    let context: LockContext;
    before(() => {
      const schema = new SchemaModel();
      for (const stmt of parseFile(history.join('\n')).statements) schema.apply(stmt, 'history');
      context = schemaLockContext(schema, { major: 16, minor: 0 });
    });

    it("DROP INDEX also locks the index's table", () => {
      assert.deepEqual(locksOf('DROP INDEX users_email_idx', context), { 'public.users_email_idx': AE, 'public.users': AE });
      assert.deepEqual(locksOf('DROP INDEX CONCURRENTLY users_email_idx', context), { 'public.users_email_idx': SUE, 'public.users': SUE });
    });

    it('REINDEX INDEX takes SHARE on the table and ACCESS EXCLUSIVE on the index', () => {
      assert.deepEqual(locksOf('REINDEX INDEX users_email_idx', context), { 'public.users_email_idx': AE, 'public.users': SH });
    });

    it('dropping a foreign key locks the referenced table too', () => {
      assert.deepEqual(locksOf('ALTER TABLE users DROP CONSTRAINT users_org_fk', context), { 'public.users': AE, 'public.orgs': AE });
    });

    it('validating a foreign key takes ROW SHARE on the referenced table', () => {
      assert.deepEqual(locksOf('ALTER TABLE users VALIDATE CONSTRAINT users_org_fk', context), { 'public.users': SUE, 'public.orgs': RS });
    });

    it('DROP TABLE locks the tables linked to it by foreign keys', () => {
      assert.deepEqual(locksOf('DROP TABLE users CASCADE', context), { 'public.users': AE, 'public.orgs': AE, 'public.sessions': AE });
    });

    it('TRUNCATE … CASCADE empties the referencing tables, transitively', () => {
      assert.deepEqual(locksOf('TRUNCATE orgs CASCADE', context), { 'public.orgs': AE, 'public.users': AE, 'public.sessions': AE });
      assert.deepEqual(locksOf('TRUNCATE orgs', context), { 'public.orgs': AE });
    });
  });
});

describe('strongestMode', () => {
  it('picks the strongest of several modes', () => {
    assert.equal(strongestMode([AS, SRE, RE]), SRE);
    assert.equal(strongestMode([]), undefined);
  });
});
