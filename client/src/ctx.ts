/**
 * Everything the extension holds while active: the language client, the output channel, the status
 * bar item, the commands, and their disposal. The client starts dist/server.js over Node IPC.
 */
import { commands, FileType, Uri, window, workspace, type CancellationToken, type Disposable, type ExtensionContext, type LogOutputChannel } from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { DRY_RUN_PROGRESS_METHOD, type DryRunProgressParams } from '../../server/src/protocol/dry-run';
import { DOCUMENT_STATUS_METHOD, LIST_RULES_METHOD, type DocumentStatus, type ListRulesResult, type RuleInfo } from '../../server/src/protocol/requests';
import { newSealKey, SEAL_KEY_ENV, seal } from '../../server/src/protocol/sealed-secret';
import { PREVIEW_PLAN_COMMAND } from '../../server/src/protocol/plans';
import { SETTINGS_SECTION } from '../../server/src/protocol/settings';
import { previewPlan } from './commands/preview-plan';
import { restartServer } from './commands/restart-server';
import { showRuleDocumentation } from './commands/show-rule-documentation';
import { explicitSettings } from './config';
import { ConnectionStore } from './dry-run/connections';
import { registerDryRun } from './dry-run/register';
import type { DryRunHost } from './dry-run/run';
import { StatusBar } from './status';
import { DryRunReportView } from './views/dry-run-report';

const CLIENT_ID = 'safeMigrations'; // also the prefix of the safeMigrations.trace.server setting
const CLIENT_NAME = 'Safe Migrations';

export class Ctx implements DryRunHost {
  private client: LanguageClient | undefined;
  readonly output: LogOutputChannel;
  readonly connections: ConnectionStore;
  readonly reportView = new DryRunReportView();
  /** Seals connection URLs for the language server processes this extension starts (handed over in their environment). */
  private readonly sealKey = newSealKey();
  private readonly progressListeners = new Map<string, (progress: DryRunProgressParams) => void>();
  private readonly status = new StatusBar();
  private readonly disposables: Disposable[] = [];
  /** Set while this extension stops the client itself, so that the stop is not shown as a failure. */
  private stopping = false;

  constructor(private readonly context: ExtensionContext) {
    this.output = window.createOutputChannel(CLIENT_NAME, { log: true });
    this.connections = new ConnectionStore(context.secrets);
    this.disposables.push(
      this.output,
      this.status,
      this.reportView,
      ...registerDryRun(this),
      commands.registerCommand('safeMigrations.restartServer', restartServer(this)),
      commands.registerCommand('safeMigrations.showRuleDocumentation', showRuleDocumentation(this)),
      commands.registerCommand(PREVIEW_PLAN_COMMAND, previewPlan(this)),
      workspace.onDidCloseTextDocument((doc) => this.status.forget(doc.uri.toString())),
    );
  }

  async start(): Promise<void> {
    const client = this.createClient();
    this.client = client;
    this.status.setState('starting');
    try {
      await client.start();
    } catch (error) {
      // The client has logged the details to the output channel; keep the extension (and its commands) alive.
      this.status.setState('error', (error as Error).message);
      this.output.error(`The language server did not start: ${(error as Error).message}`);
    }
  }

  async restart(): Promise<void> {
    this.output.info('Restarting the language server.');
    await this.stopClient();
    await this.start();
  }

  /** Rules from the server; from the shipped documentation pages while the server is not running. */
  async listRules(): Promise<RuleInfo[]> {
    if (this.client?.state === State.Running) {
      try {
        return await this.client.sendRequest<ListRulesResult>(LIST_RULES_METHOD);
      } catch (error) {
        this.output.warn(`Could not list the rules: ${(error as Error).message}`);
      }
    }
    return this.rulesFromPages();
  }

  /** Sends a request to the running language server (starting it first when it is starting). */
  async request<R>(method: string, params: unknown, token?: CancellationToken): Promise<R> {
    const client = this.client;
    if (!client || client.state === State.Stopped) throw new Error('the language server is not running: run "Safe Migrations: Restart Server"');
    return token ? client.sendRequest<R>(method, params, token) : client.sendRequest<R>(method, params);
  }

  onProgress(token: string, listener: (progress: DryRunProgressParams) => void): Disposable {
    this.progressListeners.set(token, listener);
    return { dispose: () => this.progressListeners.delete(token) };
  }

  seal(url: string): string {
    return seal(url, this.sealKey);
  }

  async storageDir(): Promise<string> {
    await workspace.fs.createDirectory(this.context.globalStorageUri);
    return this.context.globalStorageUri.fsPath;
  }

  async dispose(): Promise<void> {
    await this.stopClient();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private createClient(): LanguageClient {
    const module = this.context.asAbsolutePath('dist/server.js');
    // The key travels in the environment, never in a message that a protocol trace could show.
    const env = { ...process.env, [SEAL_KEY_ENV]: this.sealKey };
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc, options: { env } },
      debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6012'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: 'sql' }],
      outputChannel: this.output,
      middleware: {
        // The server's "Preview safe plan" lenses follow safeMigrations.plans.codeLens, as the dry-run lens follows its own.
        provideCodeLenses: (document, token, next) => (workspace.getConfiguration(SETTINGS_SECTION, document.uri).get<boolean>('plans.codeLens', true) ? next(document, token) : []),
        workspace: {
          // Answer for our section with the values a person set, so that defaults never hide the config file.
          configuration: (params, token, next) =>
            params.items.every((item) => item.section === SETTINGS_SECTION) ? params.items.map((item) => explicitSettings(item.scopeUri)) : next(params, token),
        },
      },
    };
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Starting) this.status.setState('starting');
      else if (newState === State.Running) this.status.setState('ready');
      else if (!this.stopping) this.status.setState('error', 'It stopped unexpectedly.');
      else this.status.setState('stopped');
    });
    client.onNotification(DOCUMENT_STATUS_METHOD, (status: DocumentStatus) => this.status.update(status));
    client.onNotification(DRY_RUN_PROGRESS_METHOD, (progress: DryRunProgressParams) => this.progressListeners.get(progress.token)?.(progress));
    return client;
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    this.stopping = true;
    try {
      if (client.isRunning()) await client.stop(2000);
      await client.dispose();
    } catch (error) {
      this.output.warn(`The language server did not stop cleanly: ${(error as Error).message}`);
    } finally {
      this.stopping = false;
    }
  }

  private async rulesFromPages(): Promise<RuleInfo[]> {
    const folder = Uri.file(this.context.asAbsolutePath('dist/docs/rules'));
    try {
      const entries = await workspace.fs.readDirectory(folder);
      return entries
        .filter(([name, type]) => type === FileType.File && name.endsWith('.md'))
        .map(([name]) => ({ id: name.slice(0, -3), category: '', defaultSeverity: 'warning' as const, summary: '', docUri: Uri.joinPath(folder, name).toString() }))
        .sort((a, b) => a.id.localeCompare(b.id));
    } catch {
      return [];
    }
  }
}
