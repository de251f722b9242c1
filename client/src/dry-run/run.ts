/**
 * Running a dry run from VS Code: ask before touching a production database, send the request to the
 * language server (which runs it, so the extension host never holds a database), show progress with
 * a Cancel button wired to the request's cancellation, and open the report.
 */
import { commands, ProgressLocation, Uri, window, workspace, type CancellationToken, type Disposable, type LogOutputChannel } from 'vscode';
import { Redactor } from '../../../server/src/db/redact';
import { DRY_RUN_METHOD, type DryRunConnection, type DryRunFile, type DryRunParams, type DryRunProgressParams, type DryRunResult } from '../../../server/src/protocol/dry-run';
import type { DryRunReportView } from '../views/dry-run-report';
import type { ConnectionStore, SavedConnection } from './connections';

/** What the dry-run commands need from the extension. */
export interface DryRunHost {
  readonly connections: ConnectionStore;
  readonly reportView: DryRunReportView;
  readonly output: LogOutputChannel;
  /** The folder where the embedded engine caches replayed histories (created if missing). */
  storageDir(): Promise<string>;
  /** The URL sealed for the running language server. */
  seal(url: string): string;
  request<R>(method: string, params: unknown, token?: CancellationToken): Promise<R>;
  onProgress(token: string, listener: (progress: DryRunProgressParams) => void): Disposable;
}

let progressTokens = 0;

/** Refuses (with a way to trust the workspace) when the workspace is not trusted. */
export async function requireTrust(): Promise<boolean> {
  if (workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const answer = await window.showWarningMessage('Safe Migrations runs migrations only in a trusted workspace: a dry run executes the SQL of this workspace.', manage);
  if (answer === manage) void commands.executeCommand('workbench.trust.manage');
  return false;
}

/** A modal question before every dry run on a connection marked production. */
export async function confirmProduction(connection: SavedConnection | undefined, what: string): Promise<boolean> {
  if (!connection?.production) return true;
  const go = 'Dry Run on Production';
  const answer = await window.showWarningMessage(
    `Dry-run ${what} on the production connection "${connection.label}"?`,
    {
      modal: true,
      detail:
        'The migration runs for real inside a transaction that is always rolled back. While it runs, its locks block production queries on the tables it touches (each statement waits at most 300 ms for a lock), and a table rewrite writes a full copy of the table before the rollback.',
    },
    go,
  );
  return answer === go;
}

/** The files with the text of their editors when those have unsaved changes. */
function filesToSend(uris: Uri[]): DryRunFile[] {
  return uris.map((uri) => {
    const open = workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    return open?.isDirty ? { uri: uri.toString(), text: open.getText() } : { uri: uri.toString() };
  });
}

function describeTarget(connection: SavedConnection | undefined): string {
  return connection ? `on "${connection.label}"` : 'on embedded PostgreSQL';
}

export async function executeDryRun(host: DryRunHost, uris: Uri[], connection: SavedConnection | undefined, what: string): Promise<DryRunResult | undefined> {
  if (!(await requireTrust())) return undefined;
  if (!(await confirmProduction(connection, what))) return undefined;
  const redactor = new Redactor(connection?.url);
  const wire: DryRunConnection | undefined = connection && { label: connection.label, production: connection.production, sealedUrl: host.seal(connection.url) };
  const progressToken = `dry-run-${++progressTokens}`;
  host.output.info(`Dry run of ${what} ${describeTarget(connection)} started.`);
  try {
    const params: DryRunParams = {
      files: filesToSend(uris),
      ...(wire ? { connection: wire } : {}),
      storageDir: await host.storageDir(),
      workspaceTrusted: workspace.isTrusted,
      progressToken,
    };
    const result = await window.withProgress(
      { location: ProgressLocation.Notification, title: `Safe Migrations: dry run of ${what} ${describeTarget(connection)}`, cancellable: true },
      async (progress, token) => {
        let reported = 0;
        const listening = host.onProgress(progressToken, (p) => {
          const share = p.phase === 'tracing' && p.total ? Math.floor(((p.done ?? 0) / p.total) * 100) : 0;
          progress.report({ message: redactor.text(p.message), increment: share > reported ? share - reported : undefined });
          reported = Math.max(reported, share);
        });
        try {
          return await host.request<DryRunResult>(DRY_RUN_METHOD, params, token);
        } finally {
          listening.dispose();
        }
      },
    );
    host.output.info(`Dry run of ${what} ${describeTarget(connection)}: ${redactor.text(result.verdict)} (${result.status}, ${Math.round(result.durationMs)} ms)`);
    host.reportView.show(result);
    return result;
  } catch (error) {
    const message = redactor.text(error instanceof Error ? error.message : String(error));
    host.output.error(`Dry run of ${what} ${describeTarget(connection)} failed: ${message}`);
    void window.showErrorMessage(`Safe Migrations: the dry run of ${what} failed: ${message}`);
    return undefined;
  }
}
