/**
 * The dry-run report page as a pure function: the verdict, the timeline grid (which tables have reads
 * and writes blocked at each statement, locks carried until the transaction ends), the lint
 * comparison, refused statements, and escaping of everything that comes from a migration.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, kindLabel, renderDryRunReport } from '../../client/src/views/dry-run-report-html';
import { lockGrid } from '../../client/src/views/lock-grid';
import type { LockReport } from '../../server/src/db/report';
import type { DryRunResult, DryRunStatement } from '../../server/src/protocol/dry-run';

const lock = (relation: string, mode: string, blocks: LockReport['blocks'], extra: Partial<LockReport> = {}): LockReport => ({
  relation,
  mode,
  blocks,
  kind: 'table',
  createdHere: false,
  source: 'pg_locks',
  ...extra,
});

const statement = (line: number, sql: string, kind: string, fields: Partial<DryRunStatement> = {}): DryRunStatement => ({
  file: 0,
  line,
  sql,
  kind,
  durationMs: 3,
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

/** A migration that rewrites users, then indexes orders, then updates users, as the server reports it. */
function report(fields: Partial<DryRunResult> = {}): DryRunResult {
  return {
    engine: 'pglite',
    serverVersion: '18.0',
    file: 'V5__mixed.sql',
    committed: false,
    status: 'ok',
    refused: [],
    statements: [
      statement(2, 'ALTER TABLE users ADD COLUMN score int DEFAULT random()', 'AlterTableStmt', {
        locks: [lock('public.users', 'AccessExclusiveLock', ['reads', 'writes'])],
        rewrites: ['public.users'],
      }),
      statement(4, 'CREATE INDEX orders_total_idx ON orders (total)', 'IndexStmt', {
        locks: [lock('public.orders', 'ShareLock', ['writes']), lock('public.orders_total_idx', 'AccessExclusiveLock', ['reads', 'writes'], { kind: 'index', createdHere: true })],
        scanned: ['public.orders'],
        rowsScanned: 12,
      }),
      statement(6, "UPDATE users SET score = 0 WHERE email LIKE '%@example.com'", 'UpdateStmt', {
        locks: [lock('public.users', 'RowExclusiveLock', [])],
        rows: 3,
        rowsTouched: 3,
      }),
    ],
    notRun: 0,
    verdict: 'rewrites users while blocking reads and writes, blocks writes on orders',
    notes: [],
    durationMs: 42,
    files: [{ uri: 'file:///ws/migrations/V5__mixed.sql', name: 'V5__mixed.sql', framework: 'flyway', historyFiles: 4 }],
    lintAgreement: {
      statements: [
        {
          file: 0,
          line: 4,
          locks: [{ relation: 'public.orders', expected: 'ShareLock', observed: 'ShareLock', verdict: 'same' }],
          findings: [
            {
              rule: 'create-index-concurrently',
              outcome: 'confirmed',
              message: 'CREATE INDEX takes a SHARE lock on orders',
              text: 'confirmed: create-index-concurrently (ShareLock observed on orders, blocks writes)',
            },
          ],
        },
        {
          file: 0,
          line: 2,
          locks: [],
          findings: [{ rule: 'add-column-volatile-default', outcome: 'contradicted', message: 'rewrites', text: 'contradicted: add-column-volatile-default (no table was rewritten)' }],
        },
      ],
      confirmed: 1,
      contradicted: 1,
      notChecked: 0,
    },
    history: { files: 4, statements: 9, cached: false, failed: [], durationMs: 30 },
    ...fields,
  };
}

/** The grid row of a table: its cells' data-blocks values and classes, in statement order. */
function gridRow(html: string, table: string): { blocks: string[]; classes: string[] } {
  const row = new RegExp(`<tr><th scope="row" class="row-head">${table}(?:<span[^>]*>[^<]*</span>)?</th>([^]*?)</tr>`).exec(html);
  assert.ok(row, `no grid row for ${table}`);
  const cells = [...row[1].matchAll(/<td class="([^"]*)"[^>]*?(?:data-blocks="([^"]*)")?>/g)];
  return { classes: cells.map((c) => c[1]), blocks: cells.map((c) => c[2] ?? 'free') };
}

describe('dry-run report page', () => {
  const html = renderDryRunReport(report(), { nonce: 'n0nce' });

  it('leads with the verdict', () => {
    assert.match(html, /<h1 class="verdict">rewrites users while blocking reads and writes, blocks writes on orders<\/h1>/);
    assert.match(html, /V5__mixed\.sql · PGlite \(embedded PostgreSQL 18\.0\) · 4 earlier migrations replayed · 42 ms · nothing was committed/);
  });

  it('draws a grid of tables × statements with blocked reads and writes, locks carried until the transaction ends', () => {
    // users: rewritten under ACCESS EXCLUSIVE at #1, still held at #2 and #3 (the UPDATE's ROW EXCLUSIVE is weaker).
    const users = gridRow(html, 'users');
    assert.deepEqual(users.blocks, ['rw', 'rw', 'rw']);
    assert.match(users.classes[0], /cell-acquired/);
    assert.match(users.classes[1], /cell-held/);
    assert.match(users.classes[2], /cell-held/);
    // orders: free until the index build takes SHARE (writes blocked), then held.
    const orders = gridRow(html, 'orders');
    assert.deepEqual(orders.blocks, ['free', 'w', 'w']);
    assert.match(orders.classes[1], /cell-acquired/);
    assert.match(html, /<span class="mark mark-rewrite">rewrite<\/span>/);
    assert.match(html, /held from the statement that takes it until the migration's transaction ends/);
    // The index the migration creates is nobody else's business: no row.
    assert.doesNotMatch(html, /row-head">orders_total_idx/);
    assert.match(html, /<ul class="legend"/);
    assert.match(html, /reads and writes blocked/);
    assert.match(html, /writes blocked, reads continue/);
  });

  it('shows each statement with its line, SQL, duration, rows, locks and rewrites', () => {
    assert.match(html, /<a href="#" class="goto" data-file="0" data-line="4">line 4<\/a> <span class="stmt-kind">CREATE INDEX<\/span> <span class="stmt-facts">3 ms<\/span>/);
    assert.match(html, /<pre class="sql"><code>CREATE INDEX orders_total_idx ON orders \(total\)<\/code><\/pre>/);
    assert.match(html, /<td>orders<span class="lock-kind">table<\/span><\/td><td>SHARE<\/td><td>blocks writes \(reads continue\)<\/td>/);
    assert.match(html, /<td>ACCESS EXCLUSIVE<\/td><td>nobody \(new\)<\/td><td>created by this migration/);
    assert.match(html, /Rewrites users: writes a full copy of the table/);
    assert.match(html, /3 ms · 3 rows/);
    assert.match(html, /Scanned 12 rows of orders/);
  });

  it('says where the trace confirms or contradicts the linter', () => {
    assert.match(html, /1 confirmed · 1 contradicted · 0 not observable by a dry run/);
    assert.match(html, /<li class="agree-confirmed">[^]*?confirmed: create-index-concurrently \(ShareLock observed on orders, blocks writes\)/);
    assert.match(html, /<li class="agree-contradicted">[^]*?contradicted: add-column-volatile-default \(no table was rewritten\)/);
    assert.match(html, /SHARE on orders, as predicted/);
  });

  it('lists refused statements with their reasons', () => {
    const refused = renderDryRunReport(
      report({ status: 'refused', statements: [], notRun: 3, refused: [{ file: 0, line: 1, reason: 'BEGIN cannot be dry-run: remove transaction control' }], verdict: 'refused, nothing was run: line 1: BEGIN cannot be dry-run' }),
      { nonce: 'x' },
    );
    assert.match(refused, /Refused: nothing was run/);
    assert.match(refused, /data-line="1">line 1<\/a>: BEGIN cannot be dry-run: remove transaction control/);
    assert.doesNotMatch(refused, /class="grid"/, 'no timeline when nothing ran');
  });

  it('escapes SQL, names and messages, so that a migration cannot inject markup or script', () => {
    const evil = renderDryRunReport(
      report({
        verdict: 'blocks <b>everything</b>',
        statements: [
          statement(1, "SELECT '</code></pre><script>alert(1)</script>'", 'SelectStmt', {
            locks: [lock('public."<img src=x onerror=alert(2)>"', 'AccessExclusiveLock', ['reads', 'writes'])],
            error: '<iframe src="javascript:alert(3)">',
          }),
        ],
        notes: ['"><script>alert(4)</script>'],
      }),
      { nonce: 'abc123' },
    );
    assert.equal((evil.match(/<script/g) ?? []).length, 1, 'only the page script');
    assert.match(evil, /<script nonce="abc123">/);
    assert.doesNotMatch(evil, /<img|<iframe|<b>/);
    assert.match(evil, /&lt;\/code&gt;&lt;\/pre&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(evil, /blocks &lt;b&gt;everything&lt;\/b&gt;/);
    assert.match(evil, /&quot;&gt;&lt;script&gt;alert\(4\)/);
  });

  it('allows only its own nonce-carrying style and script, and loads nothing from elsewhere', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    assert.equal(csp, "default-src 'none'; style-src 'nonce-n0nce'; script-src 'nonce-n0nce';");
    assert.match(html, /<style nonce="n0nce">/);
    assert.doesNotMatch(html, /https?:\/\//, 'no external resource');
    assert.doesNotMatch(html, / style="/, 'inline style attributes would be blocked by the policy');
    assert.doesNotMatch(html, / on[a-z]+="/, 'no inline event handlers');
  });

  it('puts statements of several migrations in their files, and does not carry locks across commits', () => {
    const two = report({
      files: [
        { uri: 'file:///m/V3__a.sql', name: 'V3__a.sql', historyFiles: 0 },
        { uri: 'file:///m/V4__b.sql', name: 'V4__b.sql', historyFiles: 0 },
      ],
      statements: [
        statement(2, 'ALTER TABLE users ADD COLUMN a int', 'AlterTableStmt', { locks: [lock('public.users', 'AccessExclusiveLock', ['reads', 'writes'])] }),
        statement(1, 'SELECT 1', 'SelectStmt', { file: 1 }),
      ],
      lintAgreement: { statements: [], confirmed: 0, contradicted: 0, notChecked: 0 },
    });
    const grid = lockGrid(two);
    assert.deepEqual(grid.rows[0].cells.map((c) => c.mode ?? null), ['AccessExclusiveLock', null]);
    const page = renderDryRunReport(two, { nonce: 'x' });
    assert.match(page, /<span class="col-file">V4__b\.sql<\/span>/);
    assert.match(page, /data-file="1" data-line="1">V4__b\.sql line 1<\/a>/);
    assert.match(page, /Each migration commits before the next starts/);
  });

  it('holds a lock taken outside the transaction only while its statement runs', () => {
    const grid = lockGrid({
      statements: [
        statement(1, 'CREATE INDEX CONCURRENTLY i ON users (a)', 'IndexStmt', { tracedOn: 'pglite-copy', locks: [lock('public.users', 'ShareUpdateExclusiveLock', [], { source: 'static' })] }),
        statement(2, 'SELECT 1', 'SelectStmt'),
      ],
    });
    assert.deepEqual(grid.rows[0].cells.map((c) => [c.mode ?? null, c.fromDocumentation]), [
      ['ShareUpdateExclusiveLock', true],
      [null, false],
    ]);
  });

  it('names statements by their kind', () => {
    assert.equal(kindLabel('AlterTableStmt'), 'ALTER TABLE');
    assert.equal(kindLabel('CreateDomainStmt'), 'CREATE DOMAIN');
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
