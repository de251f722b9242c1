/**
 * The dry-run requests of the language server: `safeMigrations/dryRun` runs migrations inside a
 * transaction that is always rolled back (the embedded engine in its own child process, or a server)
 * and answers with the report, each statement placed in its file, and where the trace confirms or
 * contradicts the linter; `safeMigrations/pendingMigrations` reads a server's history table.
 *
 * Nothing runs unless the client says the workspace is trusted. The request's cancellation stops the
 * dry run (the backend stops the embedded engine, or cancels the statement on the server). Connection
 * strings arrive sealed and every message that leaves this module is redacted.
 */
import { isAbsolute } from 'node:path';
import { ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { DryRunError, dryRun, Redactor, verdictOf, type DryRunEngine, type DryRunReport } from '../../db/dry-run';
import { redactUrl } from '../../db/redact';
import {
  DRY_RUN_ERRORS,
  DRY_RUN_METHOD,
  DRY_RUN_PROGRESS_METHOD,
  PENDING_MIGRATIONS_METHOD,
  type DryRunConnection,
  type DryRunParams,
  type DryRunProgressParams,
  type DryRunResult,
  type PendingMigrationsParams,
  type PendingMigrationsResult,
} from '../../protocol/dry-run';
import { unseal } from '../../protocol/sealed-secret';
import { combineTexts, placeRefusal, placeStatement } from '../dry-run/combine';
import { lintAgreement } from '../dry-run/lint-agreement';
import { migrationFolder, overlaySource, pathOfUri, resolveTarget, TargetError, type MigrationTarget } from '../dry-run/migration-target';
import { pendingMigrations } from '../dry-run/pending';
import { lintSetup } from '../lint-setup';
import type { ProjectConfigCache } from '../project-config';
import type { EditorLayer } from '../settings';

/** More files than anyone has pending; a bound on what one request may ask for. */
const MAX_FILES = 500;

export interface DryRunHost {
  /** The editor settings for a document (undefined before initialize). */
  settings(uri: string): Promise<EditorLayer | undefined>;
  projectConfig: ProjectConfigCache;
  /** Key for sealed connection strings, handed over by the client at start. */
  sealKey: string | undefined;
  log(message: string): void;
}

export function registerDryRunHandlers(connection: Connection, host: DryRunHost): void {
  connection.onRequest(DRY_RUN_METHOD, (params: unknown, token: CancellationToken) =>
    handleDryRun(params, token, host, (progress) => void connection.sendNotification(DRY_RUN_PROGRESS_METHOD, progress)),
  );
  connection.onRequest(PENDING_MIGRATIONS_METHOD, (params: unknown) => handlePending(params, host));
}

function fail(message: string, code: number = DRY_RUN_ERRORS.failed): ResponseError<void> {
  return new ResponseError(code, message);
}

const UNTRUSTED = 'Safe Migrations runs no migration in an untrusted workspace: trust the workspace to dry-run it.';

/** The connection URL of a request, opened; throws a ResponseError that never contains it. */
function connectionUrl(connection: DryRunConnection | undefined, sealKey: string | undefined): string | undefined {
  if (connection === undefined) return undefined;
  if (typeof connection !== 'object' || connection === null || typeof connection.label !== 'string') throw fail('connection must be an object with a label');
  if (typeof connection.sealedUrl === 'string') {
    const url = unseal(connection.sealedUrl, sealKey);
    if (url instanceof Error) throw fail(`the connection "${connection.label}" could not be read: ${url.message}`);
    return url;
  }
  if (typeof connection.url === 'string' && connection.url) return connection.url;
  throw fail(`the connection "${connection.label}" has no URL`);
}

export async function handleDryRun(raw: unknown, token: CancellationToken, host: DryRunHost, progress: (p: DryRunProgressParams) => void): Promise<DryRunResult> {
  const params = raw as DryRunParams;
  if (!params || typeof params !== 'object') throw fail('the dry-run request needs parameters');
  if (params.workspaceTrusted !== true) throw fail(UNTRUSTED, DRY_RUN_ERRORS.untrusted);
  if (!Array.isArray(params.files) || params.files.length === 0) throw fail('no migration file given');
  if (params.files.length > MAX_FILES) throw fail(`at most ${MAX_FILES} migrations can be dry-run at once`);
  if (params.files.some((f) => !f || typeof f.uri !== 'string' || (f.text !== undefined && typeof f.text !== 'string'))) throw fail('each file needs a uri (and optionally its text)');
  if (params.storageDir !== undefined && (typeof params.storageDir !== 'string' || !isAbsolute(params.storageDir))) throw fail('storageDir must be an absolute path');
  const url = connectionUrl(params.connection, host.sealKey);
  const redactor = new Redactor(url);
  const engine: DryRunEngine = url ? 'postgres' : 'pglite';
  try {
    return await runDryRun(params, url, engine, token, host, progress);
  } catch (error) {
    if (error instanceof ResponseError) throw error;
    if (error instanceof DryRunError || error instanceof TargetError) throw fail(redactor.message(error));
    host.log(`Dry run failed: ${redactor.text((error as Error)?.stack ?? String(error))}`);
    throw fail(`the dry run failed: ${redactor.message(error)}`);
  }
}

async function runDryRun(
  params: DryRunParams,
  url: string | undefined,
  engine: DryRunEngine,
  token: CancellationToken,
  host: DryRunHost,
  progress: (p: DryRunProgressParams) => void,
): Promise<DryRunResult> {
  const targets: MigrationTarget[] = [];
  let serverVersion = { major: 16, minor: 0 };
  for (const [i, file] of params.files.entries()) {
    const settings = (await host.settings(file.uri)) ?? { config: {}, debounceMs: 0, problems: [] };
    const project = host.projectConfig.forUri(file.uri);
    const { config } = lintSetup(file.uri, file.text ?? '', settings, project);
    if (i === 0) serverVersion = config.serverVersion;
    // The embedded engine replays what comes before the first file; a server already has it.
    targets.push(resolveTarget({ uri: file.uri, text: file.text, project, config, withHistory: i === 0 && engine === 'pglite' }));
  }
  const combined = combineTexts(targets.map((t) => t.text));
  const single = targets.length === 1;
  const label = single ? targets[0].name : `${targets.length} migrations (${targets[0].name} … ${targets[targets.length - 1].name})`;

  const controller = new AbortController();
  const cancelled = token.onCancellationRequested(() => controller.abort());
  let report: DryRunReport;
  try {
    report = await dryRun({
      engine,
      url,
      file: label,
      text: combined.text,
      history: targets[0].history,
      signal: controller.signal,
      storageDir: params.storageDir,
      onProgress: (p) => {
        if (!params.progressToken) return;
        const at = p.statement ? placeStatement(combined, p.statement) : undefined;
        const message = at && !single ? `traced ${targets[at.file].name} line ${at.line}` : p.message;
        progress({ token: params.progressToken, phase: p.phase, message, done: p.done, total: p.total });
      },
    });
  } finally {
    cancelled.dispose();
  }

  const statements = report.statements.map((s) => placeStatement(combined, s));
  const refused = report.refused.map((r) => placeRefusal(combined, r));
  const files = targets.map((t, i) => ({ uri: t.uri, name: t.name, framework: t.framework, historyFiles: i === 0 ? t.history.length : 0 }));
  const agreement = lintAgreement(
    targets.map((t, i) => ({ file: i, text: t.text, findings: t.findings, schemaBefore: t.schemaBefore, statements: statements.filter((s) => s.file === i) })),
    serverVersion,
  );
  const result: DryRunResult = {
    ...report,
    statements,
    refused,
    files,
    lintAgreement: agreement,
    ...(params.connection ? { connectionLabel: params.connection.label } : {}),
  };
  if (!single) result.verdict = placedVerdict(result, report, targets);
  // The backend redacts its report; this pass covers what was added here (file names, messages).
  return new Redactor(url).value(result);
}

/** The verdict with its line numbers in their files, for several migrations run as one. */
function placedVerdict(result: DryRunResult, report: DryRunReport, targets: MigrationTarget[]): string {
  const local = verdictOf({ ...report, statements: result.statements, refused: result.refused });
  const named = (file: number, line: number) => `${targets[file].name} line ${line}`;
  if (result.status === 'refused' && result.refused[0]) return local.replace(`line ${result.refused[0].line}:`, `${named(result.refused[0].file, result.refused[0].line)}:`);
  const last = result.statements[result.statements.length - 1];
  if (result.status === 'failed' && last) return local.replace(`failed at line ${last.line}:`, `failed at ${named(last.file, last.line)}:`);
  return local;
}

export async function handlePending(raw: unknown, host: DryRunHost): Promise<PendingMigrationsResult> {
  const params = raw as PendingMigrationsParams;
  if (!params || typeof params !== 'object') throw fail('the request needs parameters');
  if (params.workspaceTrusted !== true) throw fail(UNTRUSTED, DRY_RUN_ERRORS.untrusted);
  if (typeof params.folderUri !== 'string') throw fail('folderUri must be a file: URI');
  if (!params.connection) throw fail('pending migrations are read from a server: give a connection');
  const url = connectionUrl(params.connection, host.sealKey)!;
  const redactor = new Redactor(url);
  try {
    const path = pathOfUri(params.folderUri);
    const root = /\.sql$/i.test(path) ? migrationFolder(path, host.projectConfig.forUri(params.folderUri)) : path;
    return await pendingMigrations(root, overlaySource(root, new Map()), url, redactor);
  } catch (error) {
    if (error instanceof DryRunError || error instanceof TargetError) throw fail(redactor.message(error));
    host.log(`Reading pending migrations from ${redactUrl(url)} failed: ${redactor.text((error as Error)?.stack ?? String(error))}`);
    throw fail(`could not read the pending migrations: ${redactor.message(error)}`);
  }
}
