/**
 * The dry-run commands: Dry Run This Migration, Dry Run Pending Migrations, Add Connection and Remove
 * Connection. Each command also takes its answers as arguments, so that it can be run from a CodeLens,
 * a keybinding or a test without its prompts.
 */
import { ProgressLocation, Uri, window, workspace, type QuickPickItem } from 'vscode';
import { PENDING_MIGRATIONS_METHOD, type DryRunResult, type MigrationEntry, type PendingMigrationsParams, type PendingMigrationsResult } from '../../../server/src/protocol/dry-run';
import { SETTINGS_SECTION } from '../../../server/src/protocol/settings';
import { Redactor } from '../../../server/src/db/redact';
import { labelProblem, urlProblem, type SavedConnection } from './connections';
import { executeDryRun, requireTrust, type DryRunHost } from './run';

/** The value of safeMigrations.dryRun.connection (and of a command's `connection` argument) for the built-in engine. */
export const EMBEDDED = 'embedded';

export interface DryRunCommandOptions {
  /** `embedded`, or the label of a saved connection; default: the setting, else ask. */
  connection?: string;
}

export interface PendingCommandOptions extends DryRunCommandOptions {
  /** The migration folder (or a migration in it); default: the active editor's, else from the configuration file. */
  folder?: Uri | string;
  /** The migrations to run when the server's history cannot tell which are pending (instead of asking). */
  files?: (Uri | string)[];
}

const asUri = (value: Uri | string): Uri => (typeof value === 'string' ? Uri.parse(value) : value);

/** Where to dry-run: undefined for the embedded engine, a connection, or 'cancelled' when the person backed out. */
async function chooseTarget(host: DryRunHost, explicit: string | undefined, serverOnly: boolean): Promise<SavedConnection | undefined | 'cancelled'> {
  const connections = await host.connections.list();
  const wanted = explicit ?? workspace.getConfiguration(SETTINGS_SECTION).get<string>('dryRun.connection', '').trim();
  if (wanted === EMBEDDED && !serverOnly) return undefined;
  if (wanted && wanted !== EMBEDDED) {
    const found = connections.find((c) => c.label === wanted);
    if (found) return found;
    void window.showErrorMessage(`Safe Migrations: there is no saved connection named "${wanted}". Add it with "Safe Migrations: Add Connection".`);
    return 'cancelled';
  }
  if (connections.length === 0) {
    if (!serverOnly) return undefined;
    const add = 'Add Connection';
    const answer = await window.showWarningMessage('Safe Migrations: pending migrations are read from a database server; no connection is saved yet.', add);
    if (answer === add) await addConnection(host)();
    const now = await host.connections.list();
    return now.length === 1 ? now[0] : 'cancelled';
  }
  type Item = QuickPickItem & { connection?: SavedConnection };
  const items: Item[] = [
    ...(serverOnly ? [] : [{ label: '$(database) Embedded PostgreSQL (PGlite)', description: 'replays the earlier migrations; no server needed' } as Item]),
    ...connections.map((c): Item => ({ label: `$(server) ${c.label}`, description: c.production ? 'production: asks before each dry run' : undefined, connection: c })),
  ];
  const picked = await window.showQuickPick(items, { title: 'Safe Migrations: dry run on', placeHolder: 'Where to run the migration (inside a transaction that is rolled back)' });
  if (!picked) return 'cancelled';
  return picked.connection;
}

export function dryRunMigration(host: DryRunHost): (target?: unknown, options?: DryRunCommandOptions) => Promise<DryRunResult | undefined> {
  return async (target?: unknown, options: DryRunCommandOptions = {}) => {
    if (!(await requireTrust())) return undefined;
    const uri = target instanceof Uri ? target : typeof target === 'string' ? Uri.parse(target) : window.activeTextEditor?.document.uri;
    if (!uri || uri.scheme !== 'file') {
      void window.showWarningMessage('Safe Migrations: open a migration (a .sql file on disk) to dry-run it.');
      return undefined;
    }
    const connection = await chooseTarget(host, options.connection, false);
    if (connection === 'cancelled') return undefined;
    return executeDryRun(host, [uri], connection, workspace.asRelativePath(uri));
  };
}

export function dryRunPending(host: DryRunHost): (options?: PendingCommandOptions) => Promise<DryRunResult | undefined> {
  return async (options: PendingCommandOptions = {}) => {
    if (!(await requireTrust())) return undefined;
    const connection = await chooseTarget(host, options.connection, true);
    if (connection === 'cancelled' || connection === undefined) return undefined;
    const folder = options.folder ? asUri(options.folder) : await migrationFolder();
    if (!folder) return undefined;
    const redactor = new Redactor(connection.url);
    let answer: PendingMigrationsResult;
    try {
      const params: PendingMigrationsParams = {
        folderUri: folder.toString(),
        connection: { label: connection.label, production: connection.production, sealedUrl: host.seal(connection.url) },
        workspaceTrusted: workspace.isTrusted,
      };
      answer = await window.withProgress({ location: ProgressLocation.Window, title: `Safe Migrations: reading the applied migrations of "${connection.label}"` }, () => host.request<PendingMigrationsResult>(PENDING_MIGRATIONS_METHOD, params));
    } catch (error) {
      const message = redactor.text(error instanceof Error ? error.message : String(error));
      host.output.error(`Reading the pending migrations from "${connection.label}" failed: ${message}`);
      void window.showErrorMessage(`Safe Migrations: could not read the pending migrations from "${connection.label}": ${message}`);
      return undefined;
    }
    let files: Uri[];
    if (answer.reliable) {
      host.output.info(`"${connection.label}" (${answer.table}): ${answer.applied} of ${answer.migrations.length} migrations applied, ${answer.pending.length} pending.`);
      if (answer.pending.length === 0) {
        void window.showInformationMessage(`Safe Migrations: all ${answer.migrations.length} migrations are applied on "${connection.label}": nothing is pending.`);
        return undefined;
      }
      files = answer.pending.map((m) => Uri.parse(m.uri));
    } else {
      host.output.warn(`Could not tell which migrations are pending on "${connection.label}": ${answer.reason}`);
      const picked = options.files ? options.files.map(asUri) : await pickMigrations(answer, connection.label);
      if (!picked || picked.length === 0) return undefined;
      files = picked;
    }
    const what = files.length === 1 ? workspace.asRelativePath(files[0]) : `${files.length} pending migrations`;
    return executeDryRun(host, files, connection, what);
  };
}

/** The person picks the migrations (in the framework's order) when the history table cannot tell. */
async function pickMigrations(answer: PendingMigrationsResult, label: string): Promise<Uri[] | undefined> {
  if (answer.migrations.length === 0) {
    void window.showWarningMessage('Safe Migrations: no migration found in that folder.');
    return undefined;
  }
  type Item = QuickPickItem & { entry: MigrationEntry };
  const items: Item[] = answer.migrations.map((m) => ({ label: m.name, description: m.version, entry: m }));
  const picked = await window.showQuickPick(items, {
    canPickMany: true,
    title: `Safe Migrations: which migrations are pending on "${label}"?`,
    placeHolder: `Could not tell from the server: ${answer.reason ?? 'no history table'}. Pick the migrations to dry-run; they run in this order.`,
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  const order = new Map(answer.migrations.map((m, i) => [m.uri, i]));
  return picked.map((p) => p.entry).sort((a, b) => order.get(a.uri)! - order.get(b.uri)!).map((m) => Uri.parse(m.uri));
}

/** The migration folder: the active SQL editor's, else one named by safe-migrations.config.json, else asked for. */
async function migrationFolder(): Promise<Uri | undefined> {
  const active = window.activeTextEditor?.document;
  if (active?.languageId === 'sql' && active.uri.scheme === 'file') return active.uri;
  const candidates: Uri[] = [];
  for (const config of await workspace.findFiles('**/safe-migrations.config.json', '**/node_modules/**', 20)) {
    try {
      const parsed = JSON.parse(new TextDecoder().decode(await workspace.fs.readFile(config))) as { migrations?: unknown };
      if (Array.isArray(parsed.migrations)) for (const m of parsed.migrations) if (typeof m === 'string') candidates.push(Uri.joinPath(config, '..', m));
    } catch {
      // An unreadable configuration file names no folder.
    }
  }
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) {
    const picked = await window.showQuickPick(candidates.map((uri) => ({ label: workspace.asRelativePath(uri), uri })), { title: 'Safe Migrations: which migration folder?' });
    return picked?.uri;
  }
  const chosen = await window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use This Migration Folder' });
  return chosen?.[0];
}

export interface AddConnectionArgs {
  label: string;
  url: string;
  production?: boolean;
}

export function addConnection(host: DryRunHost): (args?: AddConnectionArgs) => Promise<string | undefined> {
  return async (args?: AddConnectionArgs) => {
    const taken = await host.connections.labels();
    if (args) {
      // Scripted use: the same checks as the prompts, with errors that never repeat the URL.
      const problem = labelProblem(args.label, taken) ?? urlProblem(args.url);
      if (problem) throw new Error(problem);
      await host.connections.add({ label: args.label, url: args.url, production: args.production === true });
      host.output.info(`Saved connection "${args.label.trim()}"${args.production ? ' (production)' : ''}.`);
      return args.label.trim();
    }
    const label = await window.showInputBox({
      title: 'Safe Migrations: Add Connection (1/3)',
      prompt: 'A name for the connection, shown instead of its URL',
      placeHolder: 'staging',
      ignoreFocusOut: true,
      validateInput: (value) => labelProblem(value, taken),
    });
    if (label === undefined) return undefined;
    const url = await window.showInputBox({
      title: 'Safe Migrations: Add Connection (2/3)',
      prompt: 'PostgreSQL connection URL. It is kept in VS Code\'s secret storage and never shown or logged.',
      placeHolder: 'postgres://user:password@host:5432/database',
      password: true,
      ignoreFocusOut: true,
      validateInput: urlProblem,
    });
    if (url === undefined) return undefined;
    const kind = await window.showQuickPick(
      [
        { label: 'Development or staging', production: false },
        { label: 'Production', description: 'asks for confirmation before each dry run', production: true },
      ],
      { title: 'Safe Migrations: Add Connection (3/3)', placeHolder: `What database is "${label.trim()}"?`, ignoreFocusOut: true },
    );
    if (!kind) return undefined;
    await host.connections.add({ label, url, production: kind.production });
    host.output.info(`Saved connection "${label.trim()}"${kind.production ? ' (production)' : ''}.`);
    void window.showInformationMessage(`Safe Migrations: saved connection "${label.trim()}". Dry runs can now use it.`);
    return label.trim();
  };
}

export function removeConnection(host: DryRunHost): (label?: string) => Promise<boolean> {
  return async (label?: string) => {
    let target = label;
    if (target === undefined) {
      const labels = await host.connections.labels();
      if (labels.length === 0) {
        void window.showInformationMessage('Safe Migrations: no connection is saved.');
        return false;
      }
      target = await window.showQuickPick(labels, { title: 'Safe Migrations: Remove Connection', placeHolder: 'The connection to forget (its URL is deleted from secret storage)' });
      if (target === undefined) return false;
    }
    const removed = await host.connections.remove(target);
    if (removed) host.output.info(`Removed connection "${target}".`);
    else void window.showWarningMessage(`Safe Migrations: there is no saved connection named "${target}".`);
    return removed;
  };
}
