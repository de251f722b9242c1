/**
 * Times a language server the way an editor experiences it: open a document, make an edit, and wait
 * for the diagnostics that answer that edit. Works with any stdio LSP server (ours and squawk's).
 */
import { spawn } from 'node:child_process';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

export interface LspTiming {
  /** Milliseconds from didOpen to the first diagnostics. */
  openMs: number;
  /** Milliseconds from each didChange to the diagnostics for it. */
  editMs: number[];
}

export async function timeLanguageServer(command: string, args: string[], text: string, edits: string[], cwd: string): Promise<LspTiming> {
  const child = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let waiting: ((version: number | undefined) => void) | undefined;
  connection.onNotification('textDocument/publishDiagnostics', (params: { version?: number }) => waiting?.(params.version));
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onNotification(() => undefined);
  connection.listen();
  const uri = `file://${cwd}/bench-migration.sql`;
  // Resolves on the diagnostics for `version`; servers that omit the version answer with the next publish.
  const diagnosticsFor = (version: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command}: no diagnostics within 60 s`)), 60_000);
      waiting = (v) => {
        if (v === undefined || v >= version) {
          clearTimeout(timer);
          waiting = undefined;
          resolve();
        }
      };
    });
  try {
    const init: { capabilities?: { diagnosticProvider?: unknown } } = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: `file://${cwd}`,
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } }, workspace: { configuration: true } },
      workspaceFolders: [{ uri: `file://${cwd}`, name: 'bench' }],
    });
    connection.sendNotification('initialized', {});
    // A server that offers pull diagnostics (squawk's) may never publish: ask it, as an editor would.
    const pulls = init.capabilities?.diagnosticProvider !== undefined;
    const answer = async (version: number, notify: () => void): Promise<void> => {
      const published = pulls ? undefined : diagnosticsFor(version);
      notify();
      await (published ?? connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }));
    };
    let t = performance.now();
    await answer(1, () => connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } }));
    const openMs = performance.now() - t;
    const editMs: number[] = [];
    for (let i = 0; i < edits.length; i++) {
      const version = i + 2;
      t = performance.now();
      await answer(version, () => connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: edits[i] }] }));
      editMs.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
    return { openMs, editMs };
  } finally {
    connection.dispose();
    child.kill();
  }
}
