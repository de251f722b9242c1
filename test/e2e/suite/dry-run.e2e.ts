import * as assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, migrationUri, openMigration, waitFor, workspaceRoot } from './helpers';

/** What the dry-run commands return (the report the view shows); only the fields checked here. */
interface DryRunResult {
  status: string;
  verdict: string;
  engine: string;
  server?: string;
  connectionLabel?: string;
  files: { name: string; historyFiles: number }[];
  statements: { line: number; locks: { relation: string; mode: string }[] }[];
  lintAgreement: { statements: { findings: { rule: string; outcome: string; text: string }[] }[] };
}

const REPORT_VIEW = 'safeMigrations.dryRunReport';
const PASSWORD = 'e2e-Pa55word-not-shown';

function reportTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.includes(REPORT_VIEW));
}

/** The test server with a password in its URL (the trust-authenticated server ignores it). */
function serverUrl(): string {
  const url = new URL(process.env.SAFE_MIGRATIONS_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test');
  url.username = url.username || 'postgres';
  url.password = PASSWORD;
  return url.toString();
}

/** Whether anything listens at the test server's address (when nothing does, the server test is skipped, except in CI). */
function serverListening(): Promise<boolean> {
  const url = new URL(serverUrl());
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 5432) });
    socket.setTimeout(3000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('dry run', () => {
  after(closeAllEditors);

  it('Dry Run This Migration runs the file on embedded PostgreSQL and opens the report', async () => {
    await closeAllEditors();
    const uri = migrationUri('V3__index_accounts_email.sql');
    await openMigration('V3__index_accounts_email.sql');
    const report = await vscode.commands.executeCommand<DryRunResult>('safeMigrations.dryRunMigration', uri, { connection: 'embedded' });
    assert.ok(report, 'the command returned no report');
    assert.equal(report.status, 'ok', report.verdict);
    assert.equal(report.engine, 'pglite');
    assert.equal(report.verdict, 'blocks writes on accounts');
    assert.equal(report.files[0].historyFiles, 2, 'V1 and V2 were replayed first');
    assert.equal(report.statements[0].locks.find((l) => l.relation === 'public.accounts')?.mode, 'ShareLock');
    const finding = report.lintAgreement.statements.flatMap((s) => s.findings).find((f) => f.rule === 'create-index-concurrently');
    assert.equal(finding?.outcome, 'confirmed');
    const [tab] = await waitFor('the dry-run report view', () => {
      const tabs = reportTabs();
      return tabs.length > 0 && tabs;
    });
    assert.equal(tab.label, 'Dry Run: V3__index_accounts_email.sql');
  });

  it('offers a Dry run CodeLens on migration files', async () => {
    const uri = migrationUri('V4__index_orders_created_at.sql');
    await openMigration('V4__index_orders_created_at.sql');
    const lenses = await waitFor('the Dry run CodeLens', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return found?.some((l) => l.command?.command === 'safeMigrations.dryRunMigration') && found;
    });
    const lens = lenses.find((l) => l.command?.command === 'safeMigrations.dryRunMigration')!;
    assert.match(lens.command!.title, /Dry run/);
    assert.equal(lens.range.start.line, 0);
    assert.equal((lens.command!.arguments?.[0] as vscode.Uri).toString(), uri.toString());
  });

  describe('on a saved connection', () => {
    const label = 'e2e test server';
    const folder = () => vscode.Uri.joinPath(workspaceRoot(), 'e2e-dry-run');
    const probe = () => vscode.Uri.joinPath(folder(), 'V1__probe.sql');

    after(async () => {
      await vscode.commands.executeCommand('safeMigrations.removeConnection', label).then(undefined, () => undefined);
      await vscode.workspace.fs.delete(folder(), { recursive: true }).then(undefined, () => undefined);
    });

    it('keeps the URL in secret storage only, and dry-runs pending migrations on the server', async function () {
      this.timeout(120_000);
      if (!(await serverListening())) {
        if (process.env.CI === 'true') assert.fail('the PostgreSQL test server is unreachable; CI=true, so this fails instead of skipping');
        console.log('PostgreSQL test server unreachable (set SAFE_MIGRATIONS_TEST_PG_URL): skipping the connection test');
        this.skip();
      }
      const saved = await vscode.commands.executeCommand<string>('safeMigrations.addConnection', { label, url: serverUrl(), production: false });
      assert.equal(saved, label);
      // Settings hold no URL: neither the user's nor the workspace's.
      const inspected = JSON.stringify(vscode.workspace.getConfiguration('safeMigrations').inspect('dryRun.connection'));
      assert.ok(!inspected.includes(PASSWORD));
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('safeMigrations.addConnection', { label, url: serverUrl() })),
        /exists already/,
      );

      // A migration that needs nothing on the server: it creates and indexes a table of its own.
      await vscode.workspace.fs.writeFile(probe(), new TextEncoder().encode('CREATE TABLE e2e_probe (id bigint PRIMARY KEY, name text);\nCREATE INDEX e2e_probe_name_idx ON e2e_probe (name);\n'));
      // The server has no Flyway history for this folder: the command runs the files given instead of asking.
      const report = await vscode.commands.executeCommand<DryRunResult | undefined>('safeMigrations.dryRunPending', { connection: label, folder: folder(), files: [probe()] });
      assert.ok(report, 'no report (the reason is in the "Safe Migrations" output)');
      assert.equal(report.status, 'ok', report.verdict);
      assert.equal(report.engine, 'postgres');
      assert.equal(report.connectionLabel, label);
      assert.equal(report.verdict, 'blocks neither reads nor writes');
      assert.match(report.server ?? '', /:\*\*\*@/);
      assert.ok(!JSON.stringify(report).includes(PASSWORD), 'the report shows the password');
      await waitFor('the report view titled after the probe', () => reportTabs().some((t) => t.label === 'Dry Run: V1__probe.sql'));

      assert.equal(await vscode.commands.executeCommand('safeMigrations.removeConnection', label), true);
      assert.equal(await vscode.commands.executeCommand('safeMigrations.removeConnection', label), false);
    });
  });
});
