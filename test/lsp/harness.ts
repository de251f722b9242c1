/**
 * A real LSP client for tests: starts `node dist/server.js --stdio` (building dist/ first when it is
 * missing or older than the sources) and speaks JSON-RPC with vscode-languageserver-protocol over the
 * child's stdio, as an editor would.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  ExitNotification,
  CodeActionRequest,
  DocumentDiagnosticRequest,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type DocumentDiagnosticReport,
  type CodeAction,
  type CodeActionContext,
  type Command,
  type Range,
  type FileEvent,
  type Hover,
  type InitializeResult,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Registration,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

export const ROOT = join(__dirname, '..', '..');
export const SERVER_JS = join(ROOT, 'dist', 'server.js');

/** Builds dist/ with scripts/build.mjs unless dist/server.js is newer than everything it is built from. */
export async function ensureBuilt(): Promise<void> {
  if (!isStale()) return;
  const lock = join(tmpdir(), 'safe-migrations-test-build.lock');
  for (let waited = 0; ; waited += 200) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      // Another test process is building; a lock older than a minute is left over from a crash.
      if (waited > 60_000 || Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 60_000) rmSync(lock, { force: true });
      await sleep(200);
    }
  }
  try {
    if (!isStale()) return;
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  } finally {
    rmSync(lock, { force: true });
  }
}

function isStale(): boolean {
  if (!existsSync(SERVER_JS) || !existsSync(join(ROOT, 'dist', 'libpg-query.wasm'))) return true;
  const built = statSync(SERVER_JS).mtimeMs;
  const inputs = [join(ROOT, 'server', 'src'), join(ROOT, 'server', 'docs'), join(ROOT, 'package.json'), join(ROOT, 'scripts', 'build.mjs')];
  return inputs.some((p) => newest(p) > built);
}

function newest(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export interface Published extends PublishDiagnosticsParams {
  /** performance.now() when the notification arrived. */
  at: number;
}

export interface StartOptions {
  /** Answers workspace/configuration; undefined means the client does not support it. */
  settings?: (scopeUri: string | undefined) => unknown;
  capabilities?: ClientCapabilities;
  /** Arguments instead of `dist/server.js --stdio`, e.g. `dist/cli.js lsp --stdio`. */
  command?: string[];
  /** The program to run them with (default: this Node.js); another server, e.g. squawk, for comparisons. */
  executable?: string;
  /** Workspace folders (file URIs) sent with initialize; none by default. */
  workspaceFolders?: { uri: string; name: string }[];
}

export class LspTestClient {
  readonly published: Published[] = [];
  readonly registrations: Registration[] = [];
  readonly configurationScopes: (string | undefined)[] = [];
  readonly notifications: { method: string; params: unknown }[] = [];
  stderr = '';
  initializeResult: InitializeResult | undefined;
  private waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
    public settings: ((scopeUri: string | undefined) => unknown) | undefined,
  ) {
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push({ ...params, at: performance.now() });
      this.wake();
    });
    for (const method of ['window/logMessage', 'window/showMessage', 'safeMigrations/documentStatus', '$/progress']) {
      connection.onNotification(method, (params: unknown) => {
        this.notifications.push({ method, params });
        this.wake();
      });
    }
    connection.onRequest(ConfigurationRequest.type, (params) => {
      return params.items.map((item) => {
        this.configurationScopes.push(item.scopeUri);
        return item.section === 'safeMigrations' ? (this.settings?.(item.scopeUri) ?? null) : null;
      });
    });
    connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations);
      this.wake();
    });
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.listen();
  }

  static async start(options: StartOptions = {}): Promise<LspTestClient> {
    if (!options.executable) await ensureBuilt();
    const child = spawn(options.executable ?? process.execPath, options.command ?? [SERVER_JS, '--stdio'], { cwd: ROOT });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspTestClient(child, connection, options.settings);
    const capabilities: ClientCapabilities = options.capabilities ?? {
      workspace: {
        configuration: options.settings !== undefined,
        didChangeConfiguration: { dynamicRegistration: true },
        didChangeWatchedFiles: { dynamicRegistration: true },
      },
      textDocument: {
        synchronization: { didSave: true, dynamicRegistration: false },
        publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, relatedInformation: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
      },
    };
    const workspaceFolders = options.workspaceFolders ?? null;
    client.initializeResult = await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: workspaceFolders?.[0]?.uri ?? null, capabilities, workspaceFolders });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'sql', version, text } });
  }

  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  save(uri: string): Promise<void> {
    return this.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  configurationChanged(): Promise<void> {
    return this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  watchedFilesChanged(changes: FileEvent[]): Promise<void> {
    return this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  codeActions(uri: string, range: Range, context: CodeActionContext): Promise<(Command | CodeAction)[] | null> {
    return this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context });
  }

  /** textDocument/diagnostic: for servers that are asked for diagnostics instead of publishing them. */
  pullDiagnostics(uri: string): Promise<DocumentDiagnosticReport> {
    return this.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
  }

  /** The first diagnostics published for `uri` at `version` (or later, when `orLater`). */
  diagnosticsFor(uri: string, version: number, timeoutMs = 10_000): Promise<Published> {
    return this.waitFor(() => this.published.find((p) => p.uri === uri && p.version === version), `diagnostics for ${uri} version ${version}`, timeoutMs);
  }

  /** Waits until `probe` returns something, re-checking whenever a message arrives. */
  async waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = probe();
      if (found !== undefined) return found;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; server stderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** shutdown, then exit; resolves with the process's exit code. */
  async stop(): Promise<number | null> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await Promise.race([this.exited, sleep(5000).then(() => 'timeout' as const)]);
    this.connection.dispose();
    if (code === 'timeout') {
      this.child.kill();
      throw new Error('the server did not exit within 5 s of the exit notification');
    }
    return code;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** Diagnostics published for `uri` after the first `after` notifications (of any document). */
export function publishedSince(client: LspTestClient, uri: string, after: number): Published | undefined {
  return client.published.slice(after).find((p) => p.uri === uri);
}
