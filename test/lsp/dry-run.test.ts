/**
 * The language server's dry-run requests, over stdio as an editor sends them: a fixture migration run
 * on the embedded engine (PGlite) after its earlier migrations, its report, locks and the comparison
 * with the linter; cancellation with $/cancelRequest; refusal in an untrusted workspace; and, on the
 * PostgreSQL test server, sealed connection strings whose password never shows anywhere, the pending
 * migrations read from Flyway's history table, and those migrations dry-run together.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, ResponseError } from 'vscode-languageserver-protocol/node';
import { flywayChecksum } from '../../server/src/engine/index';
import {
  DRY_RUN_ERRORS,
  DRY_RUN_METHOD,
  DRY_RUN_PROGRESS_METHOD,
  PENDING_MIGRATIONS_METHOD,
  type DryRunParams,
  type DryRunProgressParams,
  type DryRunResult,
  type PendingMigrationsParams,
  type PendingMigrationsResult,
} from '../../server/src/protocol/dry-run';
import { newSealKey, seal, SEAL_KEY_ENV } from '../../server/src/protocol/sealed-secret';
import { requireServer, SERVER_URL, urlFor, withClient } from '../db/helpers';
import { LspTestClient, ROOT } from './harness';

const PASSWORD = 'Pa55-w0rd-never-shown';

describe('dry-run requests', { timeout: 180_000 }, () => {
  let client: LspTestClient;
  let workspace: string;
  let storage: string;
  let settings: Record<string, unknown> = {};
  const key = newSealKey();
  const progress: DryRunProgressParams[] = [];

  const uri = (name: string) => pathToFileURL(join(workspace, 'migrations', name)).href;
  const params = (files: DryRunParams['files'], extra: Partial<DryRunParams> = {}): DryRunParams => ({ files, storageDir: storage, workspaceTrusted: true, ...extra });
  const dryRun = (p: DryRunParams, token?: CancellationTokenSource) =>
    token ? client.connection.sendRequest<DryRunResult>(DRY_RUN_METHOD, p, token.token) : client.connection.sendRequest<DryRunResult>(DRY_RUN_METHOD, p);
  /** Everything the server sent or printed, to look for leaked secrets. */
  const everything = () => JSON.stringify(client.notifications) + JSON.stringify(progress) + client.stderr;

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'sm-lsp-dry-run-'));
    cpSync(join(ROOT, 'test', 'fixtures', 'e2e-workspace'), workspace, { recursive: true });
    storage = join(workspace, '.storage');
    // The key reaches the server in its environment, as the VS Code client hands it over.
    process.env[SEAL_KEY_ENV] = key;
    try {
      client = await LspTestClient.start({ settings: () => settings });
    } finally {
      delete process.env[SEAL_KEY_ENV];
    }
    client.connection.onNotification(DRY_RUN_PROGRESS_METHOD, (p: DryRunProgressParams) => {
      progress.push(p);
    });
  });

  after(async () => {
    await client?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('dry-runs a migration on PGlite after its earlier migrations and compares the trace with the linter', async () => {
    const report = await dryRun(params([{ uri: uri('V3__index_accounts_email.sql') }], { progressToken: 'p1' }));
    assert.equal(report.status, 'ok', report.verdict);
    assert.equal(report.engine, 'pglite');
    assert.equal(report.files[0].framework, 'flyway');
    assert.equal(report.files[0].historyFiles, 2, 'V1 and V2 are replayed first');
    assert.equal(report.history?.files, 2);
    assert.equal(report.statements.length, 1);
    const [index] = report.statements;
    assert.equal(index.line, 2);
    assert.equal(index.file, 0);
    assert.match(index.sql, /^CREATE INDEX accounts_email_idx/);
    const lock = index.locks.find((l) => l.relation === 'public.accounts');
    assert.equal(lock?.mode, 'ShareLock');
    assert.deepEqual(lock?.blocks, ['writes']);
    assert.equal(report.verdict, 'blocks writes on accounts');

    const [agreement] = report.lintAgreement.statements;
    assert.equal(agreement.line, 2);
    const finding = agreement.findings.find((f) => f.rule === 'create-index-concurrently');
    assert.equal(finding?.outcome, 'confirmed');
    assert.equal(finding?.text, 'confirmed: create-index-concurrently (ShareLock observed on accounts, blocks writes)');
    assert.deepEqual(agreement.locks, [{ relation: 'public.accounts', expected: 'ShareLock', observed: 'ShareLock', verdict: 'same' }]);
    assert.ok(report.lintAgreement.confirmed >= 1);
    assert.equal(report.lintAgreement.contradicted, 0);

    const mine = progress.filter((p) => p.token === 'p1');
    assert.ok(mine.some((p) => p.phase === 'tracing'), `progress: ${JSON.stringify(mine)}`);
    assert.equal(mine[mine.length - 1].phase, 'done');
  });

  it('traces the editor text over the file on disk, and confirms a rewrite the linter predicted', async () => {
    const text = '-- typed in the editor, not saved\nALTER TABLE accounts ADD COLUMN score int DEFAULT (random() * 100)::int;\n';
    const report = await dryRun(params([{ uri: uri('V3__index_accounts_email.sql'), text }]));
    assert.equal(report.status, 'ok', report.verdict);
    assert.equal(report.statements.length, 1);
    assert.deepEqual(report.statements[0].rewrites, ['public.accounts']);
    assert.match(report.verdict, /^rewrites accounts while blocking reads and writes/);
    const finding = report.lintAgreement.statements[0].findings.find((f) => f.rule === 'add-column-volatile-default');
    assert.equal(finding?.outcome, 'confirmed');
    assert.equal(finding?.text, 'confirmed: add-column-volatile-default (rewrote accounts)');
  });

  it('says where the trace contradicts the linter (a rewrite predicted for PostgreSQL 10 that 18 does not do)', async () => {
    settings = { postgresVersion: '10' };
    await client.configurationChanged();
    try {
      const text = 'ALTER TABLE accounts ADD COLUMN plan text NOT NULL DEFAULT \'free\';\n';
      const report = await dryRun(params([{ uri: uri('V3__index_accounts_email.sql'), text }]));
      assert.equal(report.status, 'ok', report.verdict);
      assert.deepEqual(report.statements[0].rewrites, []);
      const finding = report.lintAgreement.statements[0].findings.find((f) => f.rule === 'add-column-volatile-default');
      assert.equal(finding?.outcome, 'contradicted');
      assert.equal(finding?.text, 'contradicted: add-column-volatile-default (no table was rewritten)');
      assert.equal(report.lintAgreement.contradicted, 1);
    } finally {
      settings = {};
      await client.configurationChanged();
    }
  });

  it('stops a running dry run when the request is cancelled ($/cancelRequest)', async () => {
    const text = 'ALTER TABLE accounts ADD COLUMN a int;\nSELECT pg_sleep(30);\n';
    const source = new CancellationTokenSource();
    let cancelledAt = 0;
    const watch = client.connection.onNotification(DRY_RUN_PROGRESS_METHOD, (p: DryRunProgressParams) => {
      if (p.token === 'cancel-me' && p.phase === 'tracing' && p.done === 1 && !cancelledAt) {
        cancelledAt = performance.now();
        source.cancel();
      }
    });
    try {
      const report = await dryRun(params([{ uri: uri('V3__index_accounts_email.sql'), text }], { progressToken: 'cancel-me' }), source);
      const answeredIn = performance.now() - cancelledAt;
      assert.ok(cancelledAt > 0, 'the request was cancelled while tracing');
      assert.ok(answeredIn < 3000, `answered ${Math.round(answeredIn)} ms after the cancel`);
      assert.equal(report.status, 'cancelled');
      assert.equal(report.statements.length, 1);
      assert.equal(report.notRun, 1);
    } finally {
      watch.dispose();
    }
    // The next dry run starts a new embedded database.
    const next = await dryRun(params([{ uri: uri('V3__index_accounts_email.sql') }]));
    assert.equal(next.status, 'ok');
  });

  it('refuses to run anything when the client says the workspace is untrusted', async () => {
    for (const [method, body] of [
      [DRY_RUN_METHOD, params([{ uri: uri('V3__index_accounts_email.sql') }], { workspaceTrusted: false })],
      [PENDING_MIGRATIONS_METHOD, { folderUri: uri(''), connection: { label: 'x', production: false, url: SERVER_URL }, workspaceTrusted: false }],
      [DRY_RUN_METHOD, { files: [{ uri: uri('V3__index_accounts_email.sql') }] }],
    ] as const) {
      await assert.rejects(client.connection.sendRequest(method, body), (error: ResponseError<unknown>) => {
        assert.equal(error.code, DRY_RUN_ERRORS.untrusted);
        assert.match(error.message, /untrusted workspace/);
        return true;
      });
    }
  });

  it('rejects bad requests with a clear message', async () => {
    const cases: [unknown, RegExp][] = [
      [params([]), /no migration file given/],
      [params([{ uri: 'untitled:Untitled-1' }]), /only files on disk can be dry-run/],
      [params([{ uri: uri('V9__missing.sql') }]), /cannot read .*V9__missing\.sql/],
      [params([{ uri: uri('V3__index_accounts_email.sql') }], { storageDir: 'relative/dir' }), /storageDir must be an absolute path/],
    ];
    for (const [body, message] of cases) {
      await assert.rejects(client.connection.sendRequest(DRY_RUN_METHOD, body), (error: ResponseError<unknown>) => {
        assert.equal(error.code, DRY_RUN_ERRORS.failed);
        assert.match(error.message, message);
        return true;
      });
    }
  });

  describe('on the PostgreSQL server', () => {
    let database: string | undefined;
    let url = '';

    /** A database of its own, where Flyway has applied V1 and V2 (made by the first test that needs it). */
    let ready: Promise<void> | undefined;
    const serverReady = async (t: TestContext): Promise<boolean> => {
      if (!(await requireServer(t))) return false;
      ready ??= createDatabase();
      await ready;
      return true;
    };
    const createDatabase = async (): Promise<void> => {
      database = `sm_lsp_dry_run_${process.pid}_${Date.now().toString(36)}`;
      await withClient(SERVER_URL, (c) => c.query(`CREATE DATABASE ${database}`));
      // A password the trust-authenticated test server ignores: it must never come back in clear.
      const withPassword = new URL(urlFor(database));
      withPassword.username = withPassword.username || 'postgres';
      withPassword.password = PASSWORD;
      url = withPassword.toString();
      await withClient(url, async (c) => {
        await c.query(`CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL,
          script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success bool NOT NULL)`);
        for (const [rank, file] of ['V1__create_accounts.sql', 'V2__create_orders.sql'].entries()) {
          const text = readFileSync(join(workspace, 'migrations', file), 'utf8');
          await c.query(text);
          await c.query('INSERT INTO flyway_schema_history VALUES ($1, $2, $3, $4, $5, $6, $7, now(), 5, true)', [rank + 1, String(rank + 1), file, 'SQL', file, flywayChecksum(text), 'postgres']);
        }
        await c.query("INSERT INTO accounts (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 50) g");
      });
    };

    after(async () => {
      if (database) await withClient(SERVER_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    });

    const connection = (sealed = true) => ({ label: 'test server', production: false, ...(sealed ? { sealedUrl: seal(url, key) } : { url }) });

    it('dry-runs on the server with a sealed connection string whose password never shows', async (t) => {
      if (!(await serverReady(t))) return;
      const before = everything().length;
      const report = await dryRun(params([{ uri: uri('V3__index_accounts_email.sql') }], { connection: connection(), progressToken: 'server' }));
      assert.equal(report.status, 'ok', report.verdict);
      assert.equal(report.engine, 'postgres');
      assert.equal(report.connectionLabel, 'test server');
      assert.match(report.serverVersion, /^15/);
      assert.equal(report.statements[0].locks.find((l) => l.relation === 'public.accounts')?.mode, 'ShareLock');
      assert.equal(report.lintAgreement.statements[0].findings.find((f) => f.rule === 'create-index-concurrently')?.outcome, 'confirmed');
      assert.match(report.server ?? '', /:\*\*\*@/);
      assert.ok(!JSON.stringify(report).includes(PASSWORD), 'the report shows the password');
      assert.ok(!everything().slice(before).includes(PASSWORD), 'a notification or the log shows the password');
      // Nothing was committed: the index does not exist.
      const indexes = await withClient(url, (c) => c.query("SELECT 1 FROM pg_indexes WHERE indexname = 'accounts_email_idx'"));
      assert.equal(indexes.rowCount, 0);
    });

    it('never repeats the password in errors, sealed or not', async (t) => {
      if (!(await serverReady(t))) return;
      const unreachable = url.replace(/:5432\//, ':1/');
      const attempts: DryRunParams[] = [
        params([{ uri: uri('V3__index_accounts_email.sql') }], { connection: { label: 'down', production: false, sealedUrl: seal(unreachable, key) } }),
        params([{ uri: uri('V3__index_accounts_email.sql') }], { connection: { label: 'down', production: false, url: unreachable } }),
        params([{ uri: uri('V3__index_accounts_email.sql') }], { connection: { label: 'other key', production: false, sealedUrl: seal(url, newSealKey()) } }),
      ];
      const messages: string[] = [];
      for (const body of attempts) {
        await assert.rejects(dryRun(body), (error: ResponseError<unknown>) => {
          messages.push(error.message);
          return error.code === DRY_RUN_ERRORS.failed;
        });
      }
      assert.match(messages[0], /could not connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\//);
      assert.match(messages[1], /could not connect/);
      assert.match(messages[2], /"other key" could not be read: the sealed connection string was not made for this language server process/);
      for (const m of messages) assert.ok(!m.includes(PASSWORD), `the error shows the password: ${m}`);
      assert.ok(!everything().includes(PASSWORD), 'a notification or the log shows the password');
    });

    it('reads the pending migrations from flyway_schema_history', async (t) => {
      if (!(await serverReady(t))) return;
      const request: PendingMigrationsParams = { folderUri: pathToFileURL(join(workspace, 'migrations')).href, connection: connection(), workspaceTrusted: true };
      const pending = await client.connection.sendRequest<PendingMigrationsResult>(PENDING_MIGRATIONS_METHOD, request);
      assert.equal(pending.framework, 'flyway');
      assert.equal(pending.table, 'flyway_schema_history');
      assert.equal(pending.reliable, true, pending.reason);
      assert.equal(pending.applied, 2);
      assert.deepEqual(pending.pending.map((m) => m.name), ['V3__index_accounts_email.sql', 'V4__index_orders_created_at.sql']);
      assert.equal(pending.migrations.length, 4);
      // Asked with a migration of the folder instead of the folder: the same answer.
      const viaFile = await client.connection.sendRequest<PendingMigrationsResult>(PENDING_MIGRATIONS_METHOD, { ...request, folderUri: uri('V1__create_accounts.sql') });
      assert.deepEqual(viaFile.pending.map((m) => m.name), pending.pending.map((m) => m.name));
    });

    it('says why when the server has no history table to tell what is pending', async (t) => {
      if (!(await serverReady(t))) return;
      await withClient(url, (c) => c.query('ALTER TABLE flyway_schema_history RENAME TO flyway_history_elsewhere'));
      try {
        const answer = await client.connection.sendRequest<PendingMigrationsResult>(PENDING_MIGRATIONS_METHOD, {
          folderUri: pathToFileURL(join(workspace, 'migrations')).href,
          connection: connection(),
          workspaceTrusted: true,
        });
        assert.equal(answer.reliable, false);
        assert.match(answer.reason ?? '', /no flyway_schema_history table/);
        assert.deepEqual(answer.pending, []);
        assert.equal(answer.migrations.length, 4, 'every migration is offered to pick from');
      } finally {
        await withClient(url, (c) => c.query('ALTER TABLE flyway_history_elsewhere RENAME TO flyway_schema_history'));
      }
    });

    it('dry-runs the pending migrations together, each statement placed in its file', async (t) => {
      if (!(await serverReady(t))) return;
      const report = await dryRun(params([{ uri: uri('V3__index_accounts_email.sql') }, { uri: uri('V4__index_orders_created_at.sql') }], { connection: connection() }));
      assert.equal(report.status, 'ok', report.verdict);
      assert.deepEqual(report.files.map((f) => f.name), ['V3__index_accounts_email.sql', 'V4__index_orders_created_at.sql']);
      assert.deepEqual(report.statements.map((s) => [s.file, s.line, s.tracedOn]), [
        [0, 2, 'transaction'],
        [1, 2, 'not-run'],
      ]);
      assert.equal(report.statements[0].locks.find((l) => l.relation === 'public.accounts')?.mode, 'ShareLock');
      // The server's accounts hold rows: building the index reads them all.
      assert.equal(report.verdict, 'blocks writes on accounts, scans accounts');
      assert.ok(!JSON.stringify(report).includes(PASSWORD));
    });
  });
});
