/**
 * The dry-run report view: one webview panel, reused by each dry run, showing the page rendered by
 * dry-run-report-html.ts. Scripts are on only for the page's own nonce-carrying script (line links);
 * the panel may load no local or remote resource.
 */
import { randomBytes } from 'node:crypto';
import { Range, Selection, TextEditorRevealType, Uri, ViewColumn, window, workspace, type Disposable, type WebviewPanel } from 'vscode';
import type { DryRunResult } from '../../../server/src/protocol/dry-run';
import { renderDryRunReport } from './dry-run-report-html';

export const REPORT_VIEW_TYPE = 'safeMigrations.dryRunReport';

interface RevealMessage {
  type: 'reveal';
  file: number;
  line: number;
}

export class DryRunReportView implements Disposable {
  private panel: WebviewPanel | undefined;
  private report: DryRunResult | undefined;
  private readonly disposables: Disposable[] = [];

  /** Shows the report (in the existing panel when there is one) beside the editor. */
  show(report: DryRunResult): void {
    this.report = report;
    const title = report.files.length === 1 ? `Dry Run: ${baseName(report.files[0].name)}` : `Dry Run: ${report.files.length} migrations`;
    if (!this.panel) {
      this.panel = window.createWebviewPanel(REPORT_VIEW_TYPE, title, { viewColumn: ViewColumn.Beside, preserveFocus: true }, { enableScripts: true, localResourceRoots: [], enableFindWidget: true });
      this.panel.onDidDispose(() => (this.panel = undefined), null, this.disposables);
      this.panel.webview.onDidReceiveMessage((message: unknown) => void this.reveal(message), null, this.disposables);
    } else {
      this.panel.reveal(undefined, true);
    }
    this.panel.title = title;
    this.panel.webview.html = renderDryRunReport(report, { nonce: randomBytes(16).toString('base64') });
  }

  /** Opens the migration at a line the page links to. */
  private async reveal(message: unknown): Promise<void> {
    const m = message as RevealMessage;
    if (!m || m.type !== 'reveal' || !Number.isInteger(m.line) || !Number.isInteger(m.file)) return;
    const file = this.report?.files[m.file];
    if (!file) return;
    const document = await workspace.openTextDocument(Uri.parse(file.uri));
    const editor = await window.showTextDocument(document, { viewColumn: ViewColumn.One });
    const line = Math.max(0, Math.min(m.line - 1, document.lineCount - 1));
    editor.selection = new Selection(line, 0, line, 0);
    editor.revealRange(new Range(line, 0, line, 0), TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function baseName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
