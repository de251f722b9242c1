/**
 * Wires the workspace's migration histories into the language server: the workspace folders from
 * initialize, indexing with window/workDoneProgress after initialized, file watchers for migrations
 * and the files that shape a history, and the schema hover.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DidChangeWatchedFilesNotification, type Connection, type Hover, type InitializeParams } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseFile, SchemaModel, type ResolvedConfig } from '../../engine/index';
import { combineHovers, hoverForSchema } from '../handlers/schema-hover';
import { lintSetup } from '../lint-setup';
import type { HistoryLinting, LintSnapshot } from '../linter';
import type { ProjectConfigCache } from '../project-config';
import { editorLayer, type SettingsStore } from '../settings';
import { toUri, WorkspaceHistories, type FileChange } from './workspace-histories';

/** Migration files and the files that change how a history is read (Flyway .conf, diesel metadata, plans). */
export const HISTORY_WATCHERS = ['**/*.sql', '**/*.sql.conf', '**/{sqitch.plan,atlas.sum,metadata.toml,migration_lock.toml}'];

export interface HistoryServiceHost {
  documents: { all(): TextDocument[] };
  /** The editor settings (undefined before initialize). */
  settings(): SettingsStore | undefined;
  projectConfig: ProjectConfigCache;
  /** Lint these open documents again. */
  republish(uris: string[]): void;
  log(message: string): void;
}

export class HistoryService implements HistoryLinting {
  readonly histories: WorkspaceHistories;
  private folders: string[] = [];

  constructor(
    private readonly connection: Connection,
    host: HistoryServiceHost,
  ) {
    this.histories = new WorkspaceHistories({
      configFor: (folderUri) => configFor(`${folderUri.replace(/\/$/, '')}/migration.sql`, host),
      openUris: () => host.documents.all().map((d) => d.uri),
      republish: (uris) => host.republish(uris),
      progress: () => connection.window.createWorkDoneProgress(),
      log: host.log,
    });
  }

  /** Takes the workspace folders (or the root) from initialize. */
  initialize(params: InitializeParams): void {
    const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.folders = uris.flatMap((uri) => {
      try {
        return uri.startsWith('file:') ? [fileURLToPath(uri)] : [];
      } catch {
        return [];
      }
    });
    if (this.folders.length === 0 && params.rootPath) this.folders = [params.rootPath];
  }

  /** After initialized: watch the files histories are made of, then find and index the histories. */
  initialized(canRegisterWatchers: boolean, log: (message: string) => void): void {
    if (canRegisterWatchers) {
      this.connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: HISTORY_WATCHERS.map((globPattern) => ({ globPattern })) })
        .catch((e: Error) => log(`Could not watch migration files; histories follow open editors only: ${e.message}`));
    } else if (this.folders.length > 0) {
      log('The editor cannot watch files for the server: migration histories follow open editors only, not files changed on disk.');
    }
    this.histories.start(this.folders).catch((e: Error) => log(`Could not index the migration histories: ${e.stack ?? e.message}`));
  }

  ready(uri: string): Promise<void> | undefined {
    return this.histories.ready(uri);
  }

  lint(uri: string, text: string, config: ResolvedConfig): ReturnType<HistoryLinting['lint']> {
    return this.histories.lint(uri, text, config);
  }

  closed(uri: string): void {
    this.histories.closed(uri);
  }

  filesChanged(changes: { uri: string; type: number }[]): void {
    this.histories.filesChanged(changes.filter((c): c is FileChange => c.type === 1 || c.type === 2 || c.type === 3));
  }

  /** The findings' (or directive's) hover, and the schema's when a table or column name is under the cursor. */
  hover(found: Hover | null, doc: TextDocument, offset: number, snapshot: LintSnapshot): Hover | null {
    let schema: Hover | null = null;
    try {
      const before = this.histories.schemaBefore(doc.uri);
      schema = hoverForSchema(
        {
          parsed: snapshot.parsed ?? parseFile(doc.getText()),
          base: before?.schema ?? new SchemaModel(),
          migration: before && { path: before.path, version: before.version ?? '' },
          linkFor: before && ((ref) => toUri(join(before.root, ref.path))),
        },
        offset,
        doc,
      );
    } catch (error) {
      // A gap in the hover must not take the findings' hover with it.
      this.connection.console.error(`Could not describe the schema at ${doc.uri}:${offset}: ${(error as Error).stack ?? error}`);
    }
    return combineHovers(found, schema);
  }

  dispose(): void {
    this.histories.dispose();
  }
}

/** The configuration a lint of a file at `uri` would use: the nearest configuration file, then the editor settings. */
async function configFor(uri: string, host: HistoryServiceHost): Promise<ResolvedConfig> {
  const settings = host.settings();
  const layer = settings ? await settings.get(uri) : editorLayer(undefined);
  return lintSetup(uri, '', layer, host.projectConfig.forUri(uri)).config;
}
