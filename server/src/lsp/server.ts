/**
 * The Safe Migrations language server on an LSP connection (stdio, IPC or socket alike): diagnostics
 * on open and change, hover, quick fixes, settings pulled per document, configuration files watched.
 */
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { version } from '../../../package.json';
import { CONFIG_FILE_NAME, loadPostgresParser } from '../engine/index';
import { DOCUMENT_STATUS_METHOD, LIST_RULES_METHOD } from '../protocol/requests';
import { SETTINGS_SECTION } from '../protocol/settings';
import { disposeDryRunHosts } from '../db/dry-run';
import { takeSealKey } from '../protocol/sealed-secret';
import { CODE_ACTION_KINDS, fixAll, quickFixes } from './handlers/code-actions';
import { registerDryRunHandlers } from './handlers/dry-run';
import { PlanActions } from './handlers/plans';
import { PREVIEW_PLAN_METHOD, type PreviewPlanParams } from '../protocol/plans';
import { PLANNED_RULES } from '../engine/index';
import { hoverForDirective, hoverForFindings } from './handlers/hover';
import { HistoryService } from './histories/attach';
import { listRules } from './handlers/rules';
import { DocumentLinter } from './linter';
import { ProjectConfigCache } from './project-config';
import { RuleDocs } from './rule-docs';
import { SettingsStore } from './settings';

export interface RunningServer {
  /** Settles when the client sends exit: 0 after a shutdown request, 1 without one (as LSP asks). */
  exited: Promise<number>;
}

export function startServer(connection: Connection): RunningServer {
  // Start loading the WASM parser at once; initialize waits for it, so every lint after is synchronous.
  const parserReady = loadPostgresParser();
  parserReady.catch(() => undefined); // reported by initialize
  const documents = new TextDocuments(TextDocument);
  const docs = new RuleDocs();
  const log = (message: string) => connection.console.log(message);
  const projectConfig = new ProjectConfigCache((message) => connection.console.warn(message));
  let linter: DocumentLinter | undefined;
  let settings: SettingsStore | undefined;
  let canRegisterWatchers = false;
  let canRegisterConfiguration = false;
  const histories = new HistoryService(connection, { documents, settings: () => settings, projectConfig, republish: (uris) => linter?.refresh(uris), log });
  const plans = new PlanActions(histories.histories, documents);

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    try {
      await parserReady;
    } catch (error) {
      const message = `Safe Migrations could not load the PostgreSQL parser (libpg-query.wasm): ${(error as Error).message}`;
      connection.console.error(message);
      throw new ResponseError(ErrorCodes.InternalError, message);
    }
    const workspace = params.capabilities.workspace;
    canRegisterWatchers = workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    canRegisterConfiguration = workspace?.didChangeConfiguration?.dynamicRegistration === true;
    const pull = workspace?.configuration
      ? (scopeUri: string) => connection.workspace.getConfiguration({ scopeUri, section: SETTINGS_SECTION }) as Promise<unknown>
      : undefined;
    settings = new SettingsStore(pull, log);
    histories.initialize(params);
    plans.initialize(params.capabilities);
    linter = new DocumentLinter({
      documents,
      settings,
      projectConfig,
      docs,
      publish: (uri, version, diagnostics) => void connection.sendDiagnostics({ uri, version, diagnostics }),
      status: (status) => void connection.sendNotification(DOCUMENT_STATUS_METHOD, status),
      log: (message) => connection.console.error(message),
      histories,
    });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS, resolveProvider: true },
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'safe-migrations', version },
    };
  });

  connection.onInitialized(() => {
    if (canRegisterConfiguration) {
      connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).catch((e: Error) => log(`Could not register for settings changes: ${e.message}`));
    }
    if (canRegisterWatchers) {
      connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: `**/${CONFIG_FILE_NAME}` }] })
        .then(() => projectConfig.enableCaching())
        .catch((e: Error) => log(`Could not watch ${CONFIG_FILE_NAME} files; reading them on each lint: ${e.message}`));
    }
    histories.initialized(canRegisterWatchers, log);
  });

  documents.onDidChangeContent((e) => linter?.changed(e.document.uri));
  documents.onDidSave((e) => linter?.saved(e.document.uri));
  documents.onDidClose((e) => linter?.closed(e.document.uri));

  connection.onDidChangeConfiguration((params) => {
    settings?.changed(params.settings);
    linter?.relintAll();
  });

  connection.onDidChangeWatchedFiles((params) => {
    histories.filesChanged(params.changes);
    if (!params.changes.some((c) => c.uri.endsWith(`/${CONFIG_FILE_NAME}`))) return;
    projectConfig.invalidate();
    linter?.relintAll();
  });

  connection.onHover(async ({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    const snapshot = linter && (await linter.current(textDocument.uri));
    if (!doc || !snapshot || snapshot.version !== doc.version) return null;
    const found = hoverForFindings(snapshot.findings, doc.offsetAt(position), doc, docs) ?? hoverForDirective(doc, position, docs);
    return histories.hover(found, doc, doc.offsetAt(position), snapshot);
  });

  connection.onCodeAction(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || !linter) return null;
    const actions = quickFixes(params, doc.version);
    if (params.context.diagnostics.some((d) => typeof d.code === 'string' && PLANNED_RULES.has(d.code))) {
      // The rewrite is made from the history's index, which must hold this version's text.
      const snapshot = await linter.current(doc.uri);
      if (snapshot && snapshot.version === doc.version) actions.push(...plans.codeActions(params, doc));
    }
    if (params.context.only) {
      const snapshot = await linter.current(doc.uri);
      const all = snapshot && snapshot.version === doc.version ? fixAll(params, snapshot.diagnostics) : undefined;
      if (all) actions.push(all);
    }
    return actions;
  });

  connection.onCodeActionResolve((action) => plans.resolve(action));

  connection.onCodeLens(async ({ textDocument }) => {
    const doc = documents.get(textDocument.uri);
    const snapshot = doc && linter && (await linter.current(doc.uri));
    if (!doc || !snapshot || snapshot.version !== doc.version) return null;
    return plans.codeLenses(doc);
  });

  connection.onRequest(PREVIEW_PLAN_METHOD, async (params: PreviewPlanParams) => {
    await linter?.current(params.uri);
    return plans.preview(params);
  });

  connection.onRequest(LIST_RULES_METHOD, () => listRules(docs));
  registerDryRunHandlers(connection, {
    settings: async (uri) => settings?.get(uri),
    projectConfig,
    sealKey: takeSealKey(),
    log: (message) => connection.console.error(message),
  });

  let shutdownRequested = false;
  connection.onShutdown(() => {
    shutdownRequested = true;
    linter?.dispose();
    histories.dispose();
    // Lets the embedded database's process finish saving its replayed-history cache, then stops it.
    return disposeDryRunHosts();
  });
  const exited = new Promise<number>((resolve) => connection.onExit(() => resolve(shutdownRequested ? 0 : 1)));

  documents.listen(connection);
  connection.listen();
  return { exited };
}
