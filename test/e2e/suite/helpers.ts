/**
 * Helpers for tests that run inside VS Code's extension host: open fixture migrations, wait for the
 * language server's diagnostics, change settings. Everything waits on what a person would see
 * (diagnostics, editors, tabs), polling with a deadline, because the server answers asynchronously.
 */
import * as vscode from 'vscode';

export const EXTENSION_ID = 'safe-migrations.safe-migrations';
export const DIAGNOSTIC_SOURCE = 'safe-migrations';

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the end-to-end suite must run with test/fixtures/e2e-workspace (a copy of it) open');
  return folder.uri;
}

export function migrationUri(name: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), 'migrations', name);
}

export async function openMigration(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(migrationUri(name));
  return vscode.window.showTextDocument(document, { preview: false });
}

/**
 * Polls `probe` until it returns something other than undefined/false, or fails after `timeoutMs`
 * with `what` and the last value seen, so that a timeout says what was missing.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${describe(last)})`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The rule id of a diagnostic: its code, plain or with a documentation link. */
export function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** The documentation link of a diagnostic (LSP codeDescription.href, shown as a link on the code). */
export function docLinkOf(diagnostic: vscode.Diagnostic): vscode.Uri | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? code.target : undefined;
}

export function ourDiagnostics(uri: vscode.Uri, ruleId?: string): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === DIAGNOSTIC_SOURCE && (ruleId === undefined || codeOf(d) === ruleId));
}

/** Waits until the file has exactly `count` diagnostics of the rule, and returns them. */
export function waitForRule(uri: vscode.Uri, ruleId: string, count: number, timeoutMs?: number): Promise<vscode.Diagnostic[]> {
  return waitFor(
    `${count} ${ruleId} diagnostic(s) on ${uri.path.split('/').pop()}`,
    () => {
      const found = ourDiagnostics(uri, ruleId);
      return found.length === count ? found : undefined;
    },
    timeoutMs,
  );
}

/** Changes a safeMigrations.* setting in the workspace (.vscode/settings.json of the fixture copy). */
export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('safeMigrations').update(key, value, vscode.ConfigurationTarget.Workspace);
}

export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return waitFor(`${EXTENSION_ID} to activate`, () => extension.isActive && extension);
}

/** Reverts unsaved edits and closes every editor, so that each test starts from the files on disk. */
export async function closeAllEditors(): Promise<void> {
  for (const document of vscode.workspace.textDocuments) {
    if (!document.isDirty || document.uri.scheme !== 'file') continue;
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Appends text at the end of a document in its editor, without saving. */
export async function appendText(editor: vscode.TextEditor, text: string): Promise<void> {
  const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
  const applied = await editor.edit((edit) => edit.insert(end, text));
  if (!applied) throw new Error(`could not edit ${editor.document.uri.path}`);
}
